// Access log (UU 27/2022): every view, export or download of a person's data by someone else —
// who, whose, what, when. Written only through access-log.service; deleted only by the retention job.
import { Schema, model, type InferSchemaType } from 'mongoose';

const ACCESS_KINDS = ['view', 'export', 'download'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

const accessLogSchema = new Schema({
  at: { type: Date, required: true },
  actor: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  actorName: { type: String, default: '' }, // as it was at the time
  subject: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  kind: { type: String, enum: ACCESS_KINDS, required: true },
  what: { type: String, required: true, maxlength: 200 }, // e.g. 'users.detail', 'reports.jp.xlsx'
  requestId: { type: String },
  ip: { type: String },
});

accessLogSchema.index({ actor: 1, at: -1 });
accessLogSchema.index({ subject: 1, at: -1 });
accessLogSchema.index({ at: 1 }); // the retention purge

export type AccessLogFields = InferSchemaType<typeof accessLogSchema>;
export const AccessLogEntry = model('AccessLogEntry', accessLogSchema, 'accessLog');
