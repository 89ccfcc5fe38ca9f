// Suggestions and complaints left on a unit's survey, followed by the OPD's HR: status, the
// SP4N-LAPOR! tier and its due date. The contact is stored only when the citizen asked for an answer.
import { Schema, model, type InferSchemaType } from 'mongoose';

export const FEEDBACK_STATUSES = ['new', 'handling', 'settled'] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];
/** Working days to settle a complaint, per tier (minor, normative, no supervisory content, investigation). */
export const LAPOR_TIERS = [2, 5, 14, 60] as const;

const feedbackSchema = new Schema(
  {
    unit: { type: Schema.Types.ObjectId, ref: 'ServiceUnit', required: true },
    opd: { type: Schema.Types.ObjectId, ref: 'Institution', required: true },
    kind: { type: String, enum: ['saran', 'pengaduan'], required: true },
    text: { type: String, required: true, maxlength: 2000 },
    /** Only when the citizen wants an answer. */
    contact: {
      name: { type: String, maxlength: 120 },
      reach: { type: String, maxlength: 120 },
    },
    status: { type: String, enum: FEEDBACK_STATUSES, default: 'new' },
    tier: { type: Number, enum: [...LAPOR_TIERS, null], default: null },
    dueAt: { type: Date, default: null },
    note: { type: String, maxlength: 2000, default: '' },
    receivedAt: { type: Date, required: true },
    settledAt: { type: Date, default: null },
  },
  { timestamps: true },
);

feedbackSchema.index({ unit: 1, receivedAt: -1 });
feedbackSchema.index({ opd: 1, status: 1 });

export type FeedbackFields = InferSchemaType<typeof feedbackSchema>;
export const Feedback = model('Feedback', feedbackSchema);
