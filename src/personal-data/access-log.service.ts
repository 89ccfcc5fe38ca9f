// Records and answers questions about access to people's data. Any feature that shows, exports or
// downloads a person's data to someone else calls `accessLog.record(...)` (import from '../personal-data').
import { Types, trusted } from 'mongoose';
import type { Actor } from '../auth/actor';
import { User } from '../users/user.model';
import { AccessLogEntry, type AccessKind } from './access-log.model';

export type { AccessKind };

export interface AccessContext {
  requestId?: string;
  ip?: string;
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

export interface AccessQuery {
  actorId: string;
  from?: Date;
  /** Exclusive upper bound. */
  to?: Date;
  limit?: number;
}

export interface SubjectSummary {
  subjectId: string;
  subjectName: string;
  count: number;
  kinds: Record<AccessKind, number>;
  first: Date;
  last: Date;
}

export interface AccessQueryResult {
  subjects: SubjectSummary[];
  entries: AccessEntryView[];
  totalEntries: number;
  isTruncated: boolean;
}

/** "Whose data did this account read or export between two dates": subjects with counts, and the entries. */
export async function accessedBy(query: AccessQuery): Promise<AccessQueryResult> {
  if (!Types.ObjectId.isValid(query.actorId))
    return { subjects: [], entries: [], totalEntries: 0, isTruncated: false };
  const at: Record<string, Date> = {};
  if (query.from) at.$gte = query.from;
  if (query.to) at.$lt = query.to;
  const hasRange = Object.keys(at).length > 0;
  const filter = { actor: query.actorId, ...(hasRange ? { at: trusted(at) } : {}) };
  // Aggregation pipelines are not cast by Mongoose: the $match carries real ObjectIds and Dates.
  const match = { actor: new Types.ObjectId(query.actorId), ...(hasRange ? { at } : {}) };
  const limit = query.limit ?? 500;
  const [entries, groups] = await Promise.all([
    AccessLogEntry.find(filter).sort({ at: -1 }).limit(limit).lean(),
    AccessLogEntry.aggregate<{
      _id: { subject: Types.ObjectId; kind: AccessKind };
      count: number;
      first: Date;
      last: Date;
    }>([
      { $match: match },
      {
        $group: {
          _id: { subject: '$subject', kind: '$kind' },
          count: { $sum: 1 },
          first: { $min: '$at' },
          last: { $max: '$at' },
        },
      },
    ]),
  ]);
  const bySubject = new Map<string, SubjectSummary>();
  for (const g of groups) {
    const id = String(g._id.subject);
    const summary = bySubject.get(id) ?? {
      subjectId: id,
      subjectName: '',
      count: 0,
      kinds: { view: 0, export: 0, download: 0 },
      first: g.first,
      last: g.last,
    };
    summary.count += g.count;
    summary.kinds[g._id.kind] += g.count;
    if (g.first < summary.first) summary.first = g.first;
    if (g.last > summary.last) summary.last = g.last;
    bySubject.set(id, summary);
  }
  const totalEntries = [...bySubject.values()].reduce((sum, s) => sum + s.count, 0);
  const names = await namesOf([...bySubject.keys()]);
  const subjects = [...bySubject.values()]
    .map((s) => ({ ...s, subjectName: names.get(s.subjectId) ?? '' }))
    .sort((a, b) => b.count - a.count || a.subjectName.localeCompare(b.subjectName));
  return {
    subjects,
    entries: entries.map((e) => ({
      at: e.at,
      actorId: String(e.actor),
      actorName: e.actorName ?? '',
      subjectId: String(e.subject),
      subjectName: names.get(String(e.subject)) ?? '',
      kind: e.kind as AccessKind,
      what: e.what,
    })),
    totalEntries,
    isTruncated: totalEntries > entries.length,
  };
}

/** Every account that appears in the access log, by name (the admin page's choice of account). */
export async function actorsInLog(): Promise<Array<{ id: string; name: string }>> {
  const ids = (await AccessLogEntry.distinct('actor')).map(String);
  const names = await namesOf(ids);
  return ids.map((id) => ({ id, name: names.get(id) ?? '' })).sort((a, b) => a.name.localeCompare(b.name));
}

async function namesOf(ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const people = await User.find(
    { _id: trusted({ $in: ids.map((id) => new Types.ObjectId(id)) }) },
    { name: 1 },
  ).lean();
  return new Map(people.map((p) => [String(p._id), p.name]));
}

/** Deletes entries older than `before` (the retention job); returns how many went. */
export async function purgeOlderThan(before: Date): Promise<number> {
  const result = await AccessLogEntry.deleteMany({ at: trusted({ $lt: before }) });
  return result.deletedCount ?? 0;
}
