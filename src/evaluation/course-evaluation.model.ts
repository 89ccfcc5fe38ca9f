// Course evaluations (Kirkpatrick level 1): the template curators edit (Likert items, a comment
// prompt), and one evaluation per completed enrolment: pending until the person answers, once.
// The person is stored so that only they can answer and see their own answers ("Data saya");
// results for authors and curators are aggregates that never carry it.
import { Schema, model, type InferSchemaType } from 'mongoose';

const itemSchema = new Schema(
  { key: { type: String, required: true }, text: { type: String, required: true, maxlength: 300 } },
  { _id: false },
);

const templateSchema = new Schema(
  {
    _id: { type: String, default: 'default' },
    items: { type: [itemSchema], default: [] },
    commentPrompt: { type: String, maxlength: 300, default: '' },
  },
  { timestamps: true },
);
export const CourseEvaluationTemplate = model('CourseEvaluationTemplate', templateSchema);

const evaluationSchema = new Schema({
  enrolment: { type: String, required: true, maxlength: 64 },
  person: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  course: { type: Schema.Types.ObjectId, ref: 'Course', required: true },
  courseTitle: { type: String, default: '' },
  partner: { type: Schema.Types.ObjectId, ref: 'Institution', default: null },
  completedAt: { type: Date, required: true },
  invitedAt: { type: Date, required: true },
  status: { type: String, enum: ['pending', 'answered'], default: 'pending' },
  answeredAt: { type: Date, default: null },
  items: { type: [itemSchema], default: [] },
  answers: {
    type: [new Schema({ key: String, score: { type: Number, min: 1, max: 5 } }, { _id: false })],
    default: [],
  },
  comment: { type: String, maxlength: 2000, default: '' },
});

evaluationSchema.index({ enrolment: 1 }, { unique: true });
evaluationSchema.index({ person: 1, status: 1 });
evaluationSchema.index({ status: 1, answeredAt: 1, course: 1 });

export type CourseEvaluationFields = InferSchemaType<typeof evaluationSchema>;
export const CourseEvaluation = model('CourseEvaluation', evaluationSchema);
