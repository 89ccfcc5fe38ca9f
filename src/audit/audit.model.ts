// Audit log: who did what to what, with the state before and after (grades, certificates, roles,
// publication). Append-only: nothing in the app updates or deletes an entry.
import { Schema, model, type InferSchemaType } from 'mongoose';

const auditSchema = new Schema({
  at: { type: Date, required: true, default: () => new Date() },
  actor: { type: Schema.Types.ObjectId, ref: 'User' }, // absent for system jobs and anonymous events
  actorName: { type: String, default: '' },
  action: { type: String, required: true }, // e.g. 'user.roles.change', 'user.deactivate'
  targetType: { type: String, required: true },
  targetId: { type: String },
  targetLabel: { type: String, default: '' },
  before: { type: Schema.Types.Mixed },
  after: { type: Schema.Types.Mixed },
  requestId: { type: String },
  ip: { type: String },
});

auditSchema.index({ at: -1 });
auditSchema.index({ actor: 1, at: -1 });
auditSchema.index({ targetType: 1, targetId: 1, at: -1 });
auditSchema.index({ action: 1, at: -1 });

export type AuditFields = InferSchemaType<typeof auditSchema>;
export const AuditEntry = model('AuditEntry', auditSchema);
