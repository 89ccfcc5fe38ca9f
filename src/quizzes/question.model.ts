// The question bank of a course: nested categories and versioned questions.
//
// VERSIONS: a `Question` document is one version of a question; `entry` names the question across
// its versions (the first version's id) and `isLatest` marks the one the bank shows and new
// attempts draw. Editing a version no attempt has used changes it in place; editing one an attempt
// has used writes version n+1, so every attempt keeps exactly the text, options and key it was
// given. Quizzes refer to entries, attempts to versions.
import { Schema, model, type InferSchemaType } from 'mongoose';
import { QUESTION_TYPES } from './question-types';

const categorySchema = new Schema(
  {
    course: { type: Schema.Types.ObjectId, ref: 'Course', required: true },
    parent: { type: Schema.Types.ObjectId, ref: 'QuestionCategory', default: null },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    info: { type: String, default: '', maxlength: 2000 },
    idnumber: { type: String, default: '', maxlength: 100 },
  },
  { timestamps: true },
);
categorySchema.index({ course: 1, parent: 1, name: 1 }, { unique: true });

const questionSchema = new Schema(
  {
    course: { type: Schema.Types.ObjectId, ref: 'Course', required: true },
    category: { type: Schema.Types.ObjectId, ref: 'QuestionCategory', required: true },
    entry: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true, min: 1 },
    isLatest: { type: Boolean, required: true },
    type: { type: String, enum: QUESTION_TYPES, required: true },
    name: { type: String, required: true, trim: true, maxlength: 255 },
    idnumber: { type: String, default: '', maxlength: 100 },
    /** The question text: plain text with line breaks (shown escaped). */
    text: { type: String, required: true, maxlength: 20_000 },
    points: { type: Number, required: true, min: 0, max: 100 },
    generalFeedback: { type: String, default: '', maxlength: 10_000 },
    hints: { type: [String], default: [] },
    /** Shuffle the options within the question (when the quiz shuffles too). */
    shuffleOptions: { type: Boolean, default: true },
    /** The type's data (question-types.ts QuestionDataByType), validated by the service's schemas. */
    data: { type: Schema.Types.Mixed, required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
    createdByName: { type: String, default: '' },
    hidden: { type: Boolean, default: false },
  },
  { timestamps: true, minimize: false },
);
questionSchema.index({ course: 1, isLatest: 1, category: 1 });
questionSchema.index({ entry: 1, version: 1 }, { unique: true });

export type CategoryFields = InferSchemaType<typeof categorySchema>;
export type QuestionFields = InferSchemaType<typeof questionSchema>;

export const QuestionCategory = model('QuestionCategory', categorySchema);
export const Question = model('Question', questionSchema);
