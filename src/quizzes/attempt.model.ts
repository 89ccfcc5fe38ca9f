// An attempt: one person's go at a quiz, with the server's clock. `deadline` is fixed when it
// starts (time limit + extra time, cut at the close date); answers count only until deadline + 2 s,
// the final submit until deadline + grace. Each question slot keeps the question version it was
// given and the option order it was shown, so a reload or a later edit changes nothing.
// States: inProgress → (submitted: an essay waits for a grader) → graded. `gradedOnce` guards
// against a second grading (double submit, the scheduler and a request racing).
import { Schema, model, type InferSchemaType } from 'mongoose';

export const ATTEMPT_STATES = ['inProgress', 'submitted', 'graded'] as const;
export type AttemptState = (typeof ATTEMPT_STATES)[number];

const itemSchema = new Schema(
  {
    question: { type: Schema.Types.ObjectId, ref: 'Question', required: true },
    entry: { type: Schema.Types.ObjectId, required: true },
    points: { type: Number, required: true },
    /** Option/item/choice ids in the order shown to this person. */
    order: { type: [String], default: [] },
    /** Stem order (matching). */
    stemOrder: { type: [String], default: [] },
    response: { type: Schema.Types.Mixed, default: null },
    answeredAt: { type: Date, default: null },
    flagged: { type: Boolean, default: false },
    fraction: { type: Number, default: null },
    state: { type: String, default: 'unanswered' },
    feedbackIds: { type: [String], default: [] },
    /** Essay: the grader's comment and who graded. */
    comment: { type: String, default: '' },
    gradedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    gradedAt: { type: Date, default: null },
  },
  { _id: false, minimize: false },
);

const attemptSchema = new Schema(
  {
    quiz: { type: Schema.Types.ObjectId, ref: 'Quiz', required: true },
    course: { type: Schema.Types.ObjectId, ref: 'Course', required: true },
    courseVersion: { type: Number, required: true },
    lessonKey: { type: String, required: true },
    person: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    number: { type: Number, required: true, min: 1 },
    state: { type: String, enum: ATTEMPT_STATES, default: 'inProgress' },
    startedAt: { type: Date, required: true },
    /** null: no time limit and no close date. */
    deadline: { type: Date, default: null },
    graceSeconds: { type: Number, default: 60 },
    submittedAt: { type: Date, default: null },
    /** True when the server closed it at the deadline (the person did not submit). */
    closedByServer: { type: Boolean, default: false },
    gradedAt: { type: Date, default: null },
    items: { type: [itemSchema], default: [] },
    scorePercent: { type: Number, default: null },
    passed: { type: Boolean, default: null },
    passMark: { type: Number, required: true },
    /** Counts gradings; the tests and the benchmark check it never passes 1 per completion. */
    gradings: { type: Number, default: 0 },
    /** When an author last regraded it after a question was corrected (regrade.service.ts). */
    regradedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
attemptSchema.index({ quiz: 1, person: 1, number: 1 }, { unique: true });
attemptSchema.index({ person: 1, course: 1 });
attemptSchema.index({ state: 1, deadline: 1 });
attemptSchema.index({ course: 1, state: 1 });

export type AttemptFields = InferSchemaType<typeof attemptSchema>;
export type AttemptItem = InferSchemaType<typeof itemSchema>;
export const Attempt = model('Attempt', attemptSchema);
