// Records and answers questions about access to people's data. Any feature that shows, exports or
// downloads a person's data to someone else calls `accessLog.record(...)` (import from '../personal-data').
import { Types, trusted } from 'mongoose';
import type { Actor } from '../core/actor';
import type { RequestContext } from '../web/request-context';
import { AccessLogEntry, type AccessKind } from './access-log.model';

export type { AccessKind };

export interface AccessContext extends RequestContext {
  /** When the access happened; defaults to now (the app's clock in routes). */
  at?: Date;
}

/**
 * Records that `actor` viewed, exported or downloaded data of the person `subjectUserId`.
 * Looking at one's own data is not recorded. `subjectUserId` may be a list (an export of many people).
 */
export async function record(
  actor: Pick<Actor, 'id' | 'name'>,
  subjectUserId: string | Types.ObjectId | Array<string | Types.ObjectId>,
  kind: AccessKind,
  what: string,
  context: AccessContext = {},
): Promise<number> {
  const subjects = (Array.isArray(subjectUserId) ? subjectUserId : [subjectUserId])
    .map(String)
    .filter((id) => id !== actor.id && Types.ObjectId.isValid(id));
  const unique = [...new Set(subjects)];
  if (unique.length === 0) return 0;
  const at = context.at ?? new Date();
  await AccessLogEntry.insertMany(
    unique.map((subject) => ({
      at,
      actor: actor.id,
      actorName: actor.name,
      subject,
      kind,
      what,
      requestId: context.requestId,
      ip: context.ip,
    })),
  );
  return unique.length;
}

export interface AccessEntryView {
  at: Date;
  actorId: string;
  actorName: string;
  subjectId: string;
  subjectName: string;
  kind: AccessKind;
  what: string;
}

/** Who accessed this person's data, newest first (for "Data saya"). */
export async function entriesAbout(subjectUserId: string, limit = 1000): Promise<AccessEntryView[]> {
  const entries = await AccessLogEntry.find({ subject: subjectUserId }).sort({ at: -1 }).limit(limit).lean();
  return entries.map((e) => ({
    at: e.at,
    actorId: String(e.actor),
    actorName: e.actorName ?? '',
    subjectId: String(e.subject),
    subjectName: '',
    kind: e.kind as AccessKind,
    what: e.what,
  }));
}

/** Deletes entries older than `before` (the retention job); returns how many went. */
export async function purgeOlderThan(before: Date): Promise<number> {
  const result = await AccessLogEntry.deleteMany({ at: trusted({ $lt: before }) });
  return result.deletedCount ?? 0;
}
