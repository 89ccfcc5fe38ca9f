// The admin's questions to the access log: whose data did this account read or export between two
// dates, and which accounts appear in the log at all. Names come from the people feature.
import { Types, trusted } from 'mongoose';
import { namesOf } from '../users';
import { AccessLogEntry, type AccessKind } from './access-log.model';
import type { AccessEntryView } from './access-log.service';

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
