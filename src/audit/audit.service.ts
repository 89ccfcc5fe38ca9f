// Writes and reads the audit log. Every feature records through `record`, never the model.
import { trusted, type Types } from 'mongoose';
import type { RequestContext } from '../web/request-context';
import { AuditEntry } from './audit.model';

export interface AuditActor {
  id?: Types.ObjectId | string;
  name?: string;
}

/** Who made the request (request id, IP), from `requestContext(req)`. */
export type AuditContext = RequestContext;

export interface AuditEvent {
  action: string;
  targetType: string;
  targetId?: string | Types.ObjectId;
  targetLabel?: string;
  before?: unknown;
  after?: unknown;
}

export async function record(
  actor: AuditActor | null,
  event: AuditEvent,
  context: AuditContext = {},
): Promise<void> {
  await AuditEntry.create({
    actor: actor?.id,
    actorName: actor?.name ?? '',
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId === undefined ? undefined : String(event.targetId),
    targetLabel: event.targetLabel ?? '',
    before: event.before,
    after: event.after,
    requestId: context.requestId,
    ip: context.ip,
  });
}

/** Deletes entries older than `before`: used only by the retention job (src/retention). */
export async function purgeOlderThan(before: Date): Promise<number> {
  const result = await AuditEntry.deleteMany({ at: trusted({ $lt: before }) });
  return result.deletedCount ?? 0;
}
