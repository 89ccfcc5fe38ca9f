// One mail: queued for the worker (SMTP), or kept for the development outbox when no SMTP server is
// configured. The rendered body stays only until the mail has left (it may carry a single-use link);
// subject, recipient and status stay until the retention job deletes the record.
import { Schema, model, type InferSchemaType } from 'mongoose';

export const MAIL_STATUSES = ['queued', 'sending', 'sent', 'failed', 'outbox'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

const mailSchema = new Schema({
  person: { type: Schema.Types.ObjectId, ref: 'User' }, // the recipient, when a person of BinaASN
  to: { type: String, required: true, maxlength: 254 },
  toName: { type: String, default: '', maxlength: 200 },
  kind: { type: String, required: true, maxlength: 40 },
  language: { type: String, default: 'id' },
  subject: { type: String, required: true, maxlength: 300 },
  text: { type: String },
  html: { type: String },
  status: { type: String, enum: MAIL_STATUSES, required: true },
  attempts: { type: Number, default: 0 },
  nextAttemptAt: { type: Date },
  leaseUntil: { type: Date }, // a claim by a worker that crashed mid-send expires at this moment
  claim: { type: String }, // the worker run that holds the mail; only it may settle the outcome
  lastError: { type: String, maxlength: 300 },
  // One mail per person and occasion (e.g. "overdue, enrolment X"): a second notice is not queued.
  dedupeKey: { type: String },
  createdAt: { type: Date, required: true },
  sentAt: { type: Date },
});

mailSchema.index({ status: 1, nextAttemptAt: 1 });
mailSchema.index({ person: 1, createdAt: -1 });
mailSchema.index({ createdAt: -1 });
mailSchema.index(
  { dedupeKey: 1 },
  { unique: true, partialFilterExpression: { dedupeKey: { $type: 'string' } } },
);

export type MailFields = InferSchemaType<typeof mailSchema>;
export const Mail = model('Mail', mailSchema, 'mails');
