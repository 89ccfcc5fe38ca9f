// Reading the audit log for admins: filter by actor, action, target and a date range (days in WIB).
import { trusted, type FilterQuery } from 'mongoose';
import type { Actor } from '../auth/actor';
import { Forbidden } from '../web/errors';
import { AuditEntry, type AuditFields } from './audit.model';
import type { AuditQuery } from './audit.schemas';

export const PAGE_SIZE = 50;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Case-insensitive "contains" match of literal text. */
function containing(text: string): RegExp {
  // eslint-disable-next-line security/detect-non-literal-regexp -- escaped: a literal match
  return new RegExp(escapeRegex(text), 'i');
}

/** Start of a WIB (UTC+7) calendar day, as a UTC instant. */
export function startOfWibDay(day: string): Date {
  return new Date(`${day}T00:00:00+07:00`);
}

export async function listAuditEntries(actor: Actor, query: AuditQuery) {
  if (!actor.roles.includes('admin')) throw new Forbidden();
  const conditions: FilterQuery<AuditFields>[] = [];
  if (query.actor) {
    const byId = /^[0-9a-f]{24}$/i.test(query.actor) ? [{ actor: query.actor }] : [];
    conditions.push({ $or: [{ actorName: containing(query.actor) }, ...byId] });
  }
  // eslint-disable-next-line security/detect-non-literal-regexp -- escaped: a literal prefix
  if (query.action) conditions.push({ action: new RegExp(`^${escapeRegex(query.action)}`, 'i') });
  if (query.target)
    conditions.push({
      $or: [
        { targetLabel: containing(query.target) },
        { targetId: query.target },
        { targetType: query.target },
      ],
    });
  if (query.from) conditions.push({ at: trusted({ $gte: startOfWibDay(query.from) }) });
  if (query.to)
    conditions.push({ at: trusted({ $lt: new Date(startOfWibDay(query.to).getTime() + 86_400_000) }) });
  const filter = conditions.length ? { $and: conditions } : {};
  const total = await AuditEntry.countDocuments(filter);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.min(query.page ?? 1, pages);
  const items = await AuditEntry.find(filter)
    .select('at actor actorName action targetType targetId targetLabel before after ip')
    .sort({ at: -1, _id: -1 })
    .skip((page - 1) * PAGE_SIZE)
    .limit(PAGE_SIZE)
    .lean();
  return { items, total, page, pages };
}
