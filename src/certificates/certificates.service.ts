// Who may see, download, list and revoke which certificate. No req/res here. HR's list, its CSV,
// the ZIP and a single download all find people through users.peopleScope (peopleIdsInScope and
// users.getPerson in src/users), the one scope function of people (SECURITY.md: every channel).
import { trusted, Types, type FilterQuery } from 'mongoose';
import type { Actor } from '../core/actor';
import { endOfDayWib, startOfDayWib } from '../core/wib';
import { audit, type AuditContext } from '../audit';
import { paginate } from '../db/pagination';
import { accessLog } from '../personal-data';
import { peopleIdsInScope, users } from '../users';
import { Forbidden, NotFound } from '../web/errors';
import { Certificate, type CertificateFields } from './certificate.model';
import type { CertificateContent } from './content';
import type { CertificateQuery } from './certificates.schemas';
import { ensureFile } from './storage';

export const PAGE_SIZE = 25;

export interface CertificateRow {
  id: string;
  number: string;
  issuedAt: Date;
  status: string;
  personId: string;
  personName: string;
  nip: string;
  opdName: string;
  courseTitle: string;
  jp: number;
  revokedAt?: Date;
  revokedReason?: string;
}

type Stored = CertificateFields & { _id: Types.ObjectId };

export function rowOf(c: Stored): CertificateRow {
  const content = c.content as CertificateContent;
  return {
    id: String(c._id),
    number: c.number,
    issuedAt: c.issuedAt,
    status: c.status ?? 'valid',
    personId: String(c.person),
    personName: content.person.name,
    nip: content.person.nip,
    opdName: content.person.opd.name,
    courseTitle: content.course.title,
    jp: content.jp,
    revokedAt: c.revokedAt ?? undefined,
    revokedReason: c.revokedReason ?? undefined,
  };
}

const LIST_FIELDS = 'number issuedAt status person content revokedAt revokedReason file';

/** The actor's own certificates, newest first. */
export async function mine(actor: Actor): Promise<CertificateRow[]> {
  return certificatesOf(actor.id);
}

/** A person's certificates, newest first (their own page and "Data saya"). */
export async function certificatesOf(personId: string): Promise<CertificateRow[]> {
  const found = await Certificate.find({ person: personId })
    .select(LIST_FIELDS)
    .sort({ issuedAt: -1 })
    .lean();
  return (found as Stored[]).map(rowOf);
}

export function canList(actor: Actor): boolean {
  return actor.roles.includes('hr') || actor.roles.includes('admin');
}

/** The filter of HR's list, CSV and ZIP: the people in the actor's scope, then the form's fields. */
export async function scopedFilter(
  actor: Actor,
  query: CertificateQuery,
): Promise<FilterQuery<CertificateFields>> {
  if (!canList(actor)) throw new Forbidden();
  const people = await peopleIdsInScope(actor, { q: query.q, opd: query.opd });
  const filter: FilterQuery<CertificateFields> = { person: trusted({ $in: people }) };
  if (query.course) filter.course = new Types.ObjectId(query.course);
  if (query.status) filter.status = query.status;
  if (query.from || query.to)
    filter.issuedAt = trusted({
      ...(query.from ? { $gte: startOfDayWib(query.from) } : {}),
      ...(query.to ? { $lt: endOfDayWib(query.to) } : {}),
    });
  return filter;
}

export async function list(actor: Actor, query: CertificateQuery) {
  const filter = await scopedFilter(actor, query);
  return paginate(
    query.page,
    PAGE_SIZE,
    () => Certificate.countDocuments(filter),
    async (skip, limit) =>
      (
        (await Certificate.find(filter)
          .select(LIST_FIELDS)
          .sort({ issuedAt: -1, _id: -1 })
          .skip(skip)
          .limit(limit)
          .lean()) as Stored[]
      ).map(rowOf),
  );
}

/** The courses of certificates in the actor's scope, for the filter form. */
export async function courseChoices(actor: Actor): Promise<Array<{ id: string; title: string }>> {
  const filter = await scopedFilter(actor, {});
  const ids = await Certificate.distinct('course', filter);
  const titles = await Promise.all(
    ids.map(async (id) => {
      const one = await Certificate.findOne({ course: id }, { 'content.course.title': 1 }).lean();
      return { id: String(id), title: (one?.content as CertificateContent | undefined)?.course.title ?? '' };
    }),
  );
  return titles.sort((a, b) => a.title.localeCompare(b.title, 'id'));
}

/**
 * A certificate the actor may download: their own, or one of a person in their scope (HR, admin).
 * Anything else answers NotFound, exactly like a missing id.
 */
export async function downloadable(actor: Actor, id: string): Promise<Stored> {
  const certificate = Types.ObjectId.isValid(id)
    ? ((await Certificate.findById(id).lean()) as Stored | null)
    : null;
  if (!certificate) throw new NotFound('certificate');
  if (String(certificate.person) === actor.id) return certificate;
  if (!canList(actor)) throw new NotFound('certificate');
  await users.getPerson(actor, String(certificate.person)).catch(() => {
    throw new NotFound('certificate');
  });
  return certificate;
}

/** The stored PDF of a certificate the actor may download; someone else's download is in the access log. */
export async function download(actor: Actor, id: string, context: AuditContext = {}) {
  const certificate = await downloadable(actor, id);
  const file = await ensureFile(String(certificate._id));
  if (!file) throw new NotFound('certificate');
  await accessLog.record(actor, certificate.person, 'download', `sertifikat ${certificate.number}`, context);
  return {
    file,
    fileName: fileNameOf(certificate.number, (certificate.content as CertificateContent).person.name),
  };
}

export function fileNameOf(number: string, name: string): string {
  const slug = (text: string) =>
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60);
  return `sertifikat-${slug(number)}-${slug(name) || 'asn'}.pdf`;
}

/** Revokes a certificate with a reason (admins); audited. The verification page then says revoked. */
export async function revoke(
  actor: Actor,
  id: string,
  reason: string,
  now: Date,
  context: AuditContext = {},
) {
  if (!actor.roles.includes('admin')) throw new Forbidden();
  const certificate = await downloadable(actor, id);
  if (certificate.status === 'revoked') return;
  await Certificate.updateOne(
    { _id: certificate._id, status: 'valid' },
    { $set: { status: 'revoked', revokedAt: now, revokedReason: reason, revokedBy: actor.id } },
  );
  await audit.record(
    actor,
    {
      action: 'certificate.revoke',
      targetType: 'certificate',
      targetId: certificate._id,
      targetLabel: certificate.number,
      before: { status: 'valid' },
      after: { status: 'revoked', reason },
    },
    context,
  );
}

/**
 * The numbers of the valid certificates of these enrolments, by enrolment id (a revoked one is left
 * out: the learning record must not show it as proof). The caller has scoped the enrolments.
 */
export async function certificateNumbers(enrolmentIds: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(enrolmentIds)].filter((id) => typeof id === 'string' && id.length <= 64);
  if (!wanted.length) return new Map();
  const found = await Certificate.find({
    enrolmentId: trusted({ $in: wanted }),
    status: trusted({ $ne: 'revoked' }),
  })
    .select('enrolmentId number')
    .lean();
  return new Map(found.map((c) => [c.enrolmentId, c.number]));
}
