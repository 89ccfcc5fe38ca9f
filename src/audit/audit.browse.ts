// Reading the audit log for admins: filter by actor, action, target and a date range (days in WIB).
import { trusted, type FilterQuery } from 'mongoose';
import type { Actor } from '../core/actor';
import { endOfDayWib, startOfDayWib } from '../core/wib';
import { containing, startingWith } from '../db/literal-regex';
import { paginate } from '../db/pagination';
import { Forbidden } from '../web/errors';
import { AuditEntry, type AuditFields } from './audit.model';
import type { AuditQuery } from './audit.schemas';

export const PAGE_SIZE = 50;

export async function listAuditEntries(actor: Actor, query: AuditQuery) {
  if (!actor.roles.includes('admin')) throw new Forbidden();
  const conditions: FilterQuery<AuditFields>[] = [];
  if (query.actor) {
    const byId = /^[0-9a-f]{24}$/i.test(query.actor) ? [{ actor: query.actor }] : [];
    conditions.push({ $or: [{ actorName: containing(query.actor) }, ...byId] });
  }
  if (query.action) conditions.push({ action: startingWith(query.action) });
  if (query.target)
    conditions.push({
      $or: [
        { targetLabel: containing(query.target) },
        { targetId: query.target },
        { targetType: query.target },
      ],
    });
  if (query.from) conditions.push({ at: trusted({ $gte: startOfDayWib(query.from) }) });
  if (query.to) conditions.push({ at: trusted({ $lt: endOfDayWib(query.to) }) });
  const filter = conditions.length ? { $and: conditions } : {};
  return paginate(
    query.page,
    PAGE_SIZE,
    () => AuditEntry.countDocuments(filter),
    (skip, limit) =>
      AuditEntry.find(filter)
        .select('at actor actorName action targetType targetId targetLabel before after ip')
        .sort({ at: -1, _id: -1 })
        .skip(skip)
        .limit(limit)
        .lean(),
  );
}
