// A quiz: the settings of one quiz lesson of a course (course + lesson key), which questions it
// asks (fixed entries of the bank, or N drawn at random from a category), and per-person overrides.
// The lesson itself (title, place in the course, 'required') belongs to the course; these settings
// apply to whichever published version contains the lesson key.
import { Schema, model, type InferSchemaType } from 'mongoose';

export const GRADING_METHODS = ['highest', 'last', 'average', 'first'] as const;
export const QUIZ_KINDS = ['ordinary', 'pretest', 'posttest'] as const;
export const REVIEW_PHASES = ['immediately', 'open', 'closed'] as const;
export const REVIEW_ITEMS = ['marks', 'correctness', 'feedback', 'rightAnswer'] as const;
export type ReviewPhase = (typeof REVIEW_PHASES)[number];
export type ReviewItem = (typeof REVIEW_ITEMS)[number];

const slotSchema = new Schema(
  {
    /** A fixed question (its entry: new attempts get the latest version). */
    entry: { type: Schema.Types.ObjectId, default: null },
    /** Or a random draw: `count` questions from a category (and its subcategories). */
    category: { type: Schema.Types.ObjectId, default: null },
    count: { type: Number, default: 1, min: 1, max: 100 },
    includeSubcategories: { type: Boolean, default: true },
  },
  { _id: false },
);

const overrideSchema = new Schema(
  {
    person: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    extraMinutes: { type: Number, default: 0, min: 0, max: 600 },
    extraAttempts: { type: Number, default: 0, min: 0, max: 20 },
    openAt: { type: Date, default: null },
    closeAt: { type: Date, default: null },
  },
  { _id: false },
);

const quizSchema = new Schema(
  {
    course: { type: Schema.Types.ObjectId, ref: 'Course', required: true },
    lessonKey: { type: String, required: true, match: /^[0-9a-f]{24}$/ },
    kind: { type: String, enum: QUIZ_KINDS, default: 'ordinary' },
    slots: { type: [slotSchema], default: [] },
    shuffleQuestions: { type: Boolean, default: false },
    shuffleOptions: { type: Boolean, default: true },
    /** Minutes; 0 is no limit. */
    timeLimitMinutes: { type: Number, default: 0, min: 0, max: 600 },
    /** Seconds after the deadline during which the final submit is still accepted. */
    graceSeconds: { type: Number, default: 60, min: 0, max: 3600 },
    openAt: { type: Date, default: null },
    closeAt: { type: Date, default: null },
    /** 0 is unlimited. */
    attemptsAllowed: { type: Number, default: 0, min: 0, max: 50 },
    gradingMethod: { type: String, enum: GRADING_METHODS, default: 'highest' },
    /** Percent; null takes the course's quizPassMark. */
    passMark: { type: Number, default: null, min: 0, max: 100 },
    /** Questions per page; 0 is all on one page. */
    questionsPerPage: { type: Number, default: 1, min: 0, max: 50 },
    review: {
      immediately: { type: [String], default: ['marks', 'correctness', 'feedback'] },
      open: { type: [String], default: ['marks'] },
      closed: { type: [String], default: ['marks', 'correctness', 'feedback', 'rightAnswer'] },
    },
    overrides: { type: [overrideSchema], default: [] },
  },
  { timestamps: true },
);
quizSchema.index({ course: 1, lessonKey: 1 }, { unique: true });

export type QuizFields = InferSchemaType<typeof quizSchema>;
export const Quiz = model('Quiz', quizSchema);
