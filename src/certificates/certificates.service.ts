// Who may see, download, list and revoke which certificate. No req/res here. HR's list, its CSV,
// the ZIP and a single download all find people through users.peopleScope (peopleIdsInScope and
// users.getPerson in src/users), the one scope function of people (SECURITY.md: every channel).
import crypto from 'node:crypto';
import { trusted, Types, type FilterQuery } from 'mongoose';
import type { Actor } from '../core/actor';
import { endOfDayWib, startOfDayWib } from '../core/wib';
import { audit, type AuditContext } from '../audit';
import { paginate } from '../db/pagination';
import { accessLog } from '../personal-data';
import { peopleIdsInScope, users } from '../users';
import { Conflict, Forbidden, NotFound } from '../web/errors';
import { containing } from '../db/literal-regex';
import { inTransaction } from '../db/transactions';
import { writeReissue } from './issuance';
import { verifyContent, type CertificateContent } from './content';
import { certificateRuntime } from './settings';
import { saltOf, signCredential, unsignedCredential } from './openbadge';
import { jwtCredential, signJwt } from './openbadge-jwt';
import { jwtSigningKey } from './jwt-keys';
import { Certificate, type CertificateFields } from './certificate.model';
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
  supersededByNumber?: string;
  replacesNumber?: string;
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
    supersededByNumber: c.supersededByNumber ?? undefined,
    replacesNumber: content.replaces,
  };
}

const LIST_FIELDS = 'number issuedAt status person content revokedAt revokedReason supersededByNumber file';

/** A superseded certificate is listed only when asked for: people see the current one. */
const CURRENT = () => trusted({ $ne: 'superseded' });

/** The actor's current certificates (a reissued one replaces the old), newest first. */
export async function mine(actor: Actor): Promise<CertificateRow[]> {
  return certificatesOf(actor.id, { status: CURRENT() });
}

/** A person's certificates, newest first ("Data saya" lists every one, superseded ones too). */
export async function certificatesOf(
  personId: string,
  only: FilterQuery<CertificateFields> = {},
): Promise<CertificateRow[]> {
  const found = await Certificate.find({ ...only, person: personId })
    .select(LIST_FIELDS)
    .sort({ issuedAt: -1 })
    .lean();
  return (found as Stored[]).map(rowOf);
}

/** Curators and admins revoke and reissue certificates (any person's). */
export function canManage(actor: Actor): boolean {
  return actor.roles.includes('admin') || actor.roles.includes('curator');
}

export function canList(actor: Actor): boolean {
  return actor.roles.includes('hr') || canManage(actor);
}

/** A curator (not HR, not admin) sees every certificate, found by what it says of the person. */
const isCuratorOnly = (actor: Actor) =>
  actor.roles.includes('curator') && !actor.roles.includes('admin') && !actor.roles.includes('hr');

function curatorFilter(query: CertificateQuery): FilterQuery<CertificateFields> {
  const filter: FilterQuery<CertificateFields> = {};
  if (query.q) {
    const digits = query.q.replace(/[\s.-]/g, '');
    filter.$or = [
      { 'content.person.name': containing(query.q) },
      ...(/^\d{3,18}$/.test(digits) ? [{ 'content.person.nip': containing(digits) }] : []),
    ];
  }
  if (query.opd) filter.opd = new Types.ObjectId(query.opd);
  return filter;
}

/** The filter of HR's list, CSV and ZIP: the people in the actor's scope, then the form's fields. */
export async function scopedFilter(
  actor: Actor,
  query: CertificateQuery,
): Promise<FilterQuery<CertificateFields>> {
  if (!canList(actor)) throw new Forbidden();
  const filter: FilterQuery<CertificateFields> = isCuratorOnly(actor)
    ? curatorFilter(query)
    : { person: trusted({ $in: await peopleIdsInScope(actor, { q: query.q, opd: query.opd }) }) };
  if (query.course) filter.course = new Types.ObjectId(query.course);
  filter.status = query.status ?? CURRENT();
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
  if (isCuratorOnly(actor)) return certificate;
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

/** Revokes a certificate with a reason (curators, admins); audited. The verification page then says revoked. */
export async function revoke(
  actor: Actor,
  id: string,
  reason: string,
  now: Date,
  context: AuditContext = {},
) {
  if (!canManage(actor)) throw new Forbidden();
  const certificate = await downloadable(actor, id);
  if (certificate.status !== 'valid') return;
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
 * The numbers of the valid certificates of these enrolments, by enrolment id (a revoked or replaced
 * one is left out: the learning record shows only the current proof). The caller has scoped the enrolments.
 */
export async function certificateNumbers(enrolmentIds: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(enrolmentIds)].filter((id) => typeof id === 'string' && id.length <= 64);
  if (!wanted.length) return new Map();
  const found = await Certificate.find({
    enrolmentId: trusted({ $in: wanted }),
    status: 'valid',
  })
    .select('enrolmentId number')
    .lean();
  return new Map(found.map((c) => [c.enrolmentId, c.number]));
}

/** What a reissue changed of the person and course, for the audit log. */
function changedFacts(before: CertificateContent, after: CertificateContent) {
  const pick = (c: CertificateContent) => ({
    name: c.person.name,
    pangkat: c.person.pangkat,
    golongan: c.person.golongan,
    jabatan: c.person.jabatan,
    unitKerja: c.person.unitKerja,
    opd: c.person.opd.name,
    courseTitle: c.course.title,
    competencyType: c.course.competencyType,
    signatories: c.course.signatories.map((s) => `${s.name} (${s.position})`).join('; '),
  });
  const [a, b] = [pick(before), pick(after)];
  const keys = (Object.keys(a) as Array<keyof typeof a>).filter((k) => a[k] !== b[k]);
  return {
    before: Object.fromEntries(keys.map((k) => [k, a[k]])),
    after: Object.fromEntries(keys.map((k) => [k, b[k]])),
  };
}

/**
 * Reissues a current certificate (curators, admins) after a correction of the person (name with
 * degrees, pangkat, jabatan) or of the course: a new certificate with a new number and code states
 * the person and course as they are now and the enrolment's own dates and JP; the old one stays
 * verifiable as replaced by the new number. Audited with what changed. Resolves the new id.
 */
export async function reissue(
  actor: Actor,
  id: string,
  reason: string,
  now: Date,
  context: AuditContext = {},
): Promise<{ id: string; number: string }> {
  if (!canManage(actor)) throw new Forbidden();
  const old = await downloadable(actor, id);
  if (old.status !== 'valid') throw new Conflict('certificates.errors.notCurrent');
  // The new certificate repeats the old one's dates and JP: never from content changed unsigned.
  if (!(await verifyContent(old.content, old.signature, certificateRuntime().keys)))
    throw new Conflict('certificates.errors.notVerifiable');
  const created = await inTransaction((session) =>
    writeReissue(
      { _id: old._id, number: old.number, content: old.content as CertificateContent },
      now,
      reason,
      session,
    ),
  );
  if (!created) throw new Conflict('certificates.errors.notCurrent');
  const fresh = (await Certificate.findById(created.id, { content: 1 }).lean())!;
  const changed = changedFacts(old.content as CertificateContent, fresh.content as CertificateContent);
  await audit.record(
    actor,
    {
      action: 'certificate.reissue',
      targetType: 'certificate',
      targetId: old._id,
      targetLabel: old.number,
      before: { number: old.number, status: 'valid', ...changed.before },
      after: { number: created.number, status: 'superseded', reason, ...changed.after },
    },
    context,
  );
  return created;
}

/** The actor's own current certificate; anyone else's, a revoked or a replaced one answers NotFound. */
async function ownCurrent(actor: Actor, id: string) {
  const certificate = Types.ObjectId.isValid(id) ? await Certificate.findById(id).lean() : null;
  if (!certificate || String(certificate.person) !== actor.id || certificate.status !== 'valid')
    throw new NotFound('certificate');
  return certificate;
}

const badgeFileName = (number: string, content: CertificateContent, extension: string) =>
  fileNameOf(number, content.person.name).replace(/\.pdf$/, extension);

/**
 * The learner's own current certificate as a signed Open Badges 3.0 credential (openbadge.ts);
 * anyone else's, a revoked or a replaced one answers NotFound.
 */
export async function openBadge(actor: Actor, id: string): Promise<{ json: string; fileName: string }> {
  const certificate = await ownCurrent(actor, id);
  const content = certificate.content as CertificateContent;
  const runtime = certificateRuntime();
  const document = unsignedCredential(
    content,
    saltOf(certificate.signature.value),
    runtime.baseUrl(),
    crypto.createPublicKey(runtime.keys.signingKey),
  );
  const credential = signCredential(document, runtime.keys.signingKey, content.issuedAt);
  return {
    json: JSON.stringify(credential, null, 2),
    fileName: badgeFileName(certificate.number, content, '.openbadge.json'),
  };
}

/**
 * The same credential as a VC-JWT (openbadge-jwt.ts: RS256, the proof format every OB 3.0 verifier
 * accepts), with the same rule: the holder's own current certificate only. Its key stays published
 * after a rotation (jwt-keys.ts), so the token keeps verifying.
 */
export async function openBadgeJwt(actor: Actor, id: string): Promise<{ jwt: string; fileName: string }> {
  const certificate = await ownCurrent(actor, id);
  const content = certificate.content as CertificateContent;
  const runtime = certificateRuntime();
  const key = jwtSigningKey(runtime.settings);
  const credential = jwtCredential(
    content,
    saltOf(certificate.signature.value),
    runtime.baseUrl(),
    crypto.createPublicKey(runtime.keys.signingKey),
  );
  return {
    jwt: signJwt(credential, key, runtime.baseUrl()),
    fileName: badgeFileName(certificate.number, content, '.openbadge.jwt'),
  };
}
