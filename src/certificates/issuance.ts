// Issuing a certificate when an enrolment completes, inside the completion's transaction: the
// person as they are now, the course version they completed, the next number of the year, a random
// verification code and the Ed25519 signature are written in one document. The unique index on
// enrolmentId makes a second issue for the same enrolment fail, whichever process tries.
//
// The PDF is rendered after the transaction commits (the session's `ended` event; without a
// session, at once), and again on first download if it is missing: rendering takes milliseconds of
// CPU and a GridFS write that cannot join the transaction, and a completion must not wait for or
// fail on it. What the PDF shows is fixed by the stored content, so a later render says the same.
import crypto from 'node:crypto';
import { trusted, Types, type ClientSession } from 'mongoose';
import { inTransaction } from '../db/transactions';
import { wibDay } from '../core/wib';
import { courseForCertificate } from '../courses';
import { institutionRef } from '../institutions';
import { personForCertificate } from '../users';
import { Certificate } from './certificate.model';
import { rememberSigningKey, signContent, type CertificateContent } from './content';
import { formatNumber, nextSequence } from './numbering';
import { certificateRuntime } from './settings';
import { renderSoon } from './storage';

export interface CompletionEvent {
  enrolmentId: string;
  personId: string;
  courseId: string;
  courseVersion: number;
  completedAt: Date;
  jp: number;
  /** When the learner started (enrolled); printed as the first day of the training when given. */
  startedAt?: Date;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** 20 base32 characters from 100 random bits: the public verification code. */
export function newVerificationCode(): string {
  const bytes = crypto.randomBytes(20);
  let code = '';
  for (const byte of bytes) code += BASE32[byte & 31];
  return code;
}

/** The facts a certificate states beyond the person and course: its enrolment's dates and JP. */
export interface IssueFacts {
  enrolmentId: string;
  personId: string;
  courseId: string;
  courseVersion: number;
  completedAt: Date;
  startedAt?: Date;
  jp: number;
}

/**
 * The content and signature of a new certificate for these facts, issued at `issuedAt`: the person
 * and the course version as they are now, the next number of the WIB year of issue, a new code.
 */
async function composeCertificate(
  facts: IssueFacts,
  issuedAt: Date,
  session: ClientSession | undefined,
  replaces?: { number: string },
) {
  const runtime = certificateRuntime();
  const [person, course] = await Promise.all([
    personForCertificate(facts.personId, session),
    courseForCertificate(facts.courseId, facts.courseVersion, session),
  ]);
  if (!person) throw new Error(`certificate: person ${facts.personId} not found`);
  if (!course) throw new Error(`certificate: course ${facts.courseId} v${facts.courseVersion} not found`);
  const opd = person.opdId ? await institutionRef(person.opdId) : null;
  const year = Number(wibDay(issuedAt).slice(0, 4));
  const seq = await nextSequence(year, session);
  const number = formatNumber(runtime.settings.numberPattern, seq, year);
  const code = newVerificationCode();
  const content: CertificateContent = {
    format: 'binaasn.certificate.v1',
    number,
    code,
    enrolmentId: facts.enrolmentId,
    issuedAt: issuedAt.toISOString(),
    place: runtime.settings.place,
    ...(facts.startedAt ? { startedAt: facts.startedAt.toISOString() } : {}),
    completedAt: facts.completedAt.toISOString(),
    jp: facts.jp,
    issuer: 'BKPSDM Kota Medan',
    ...(replaces ? { replaces: replaces.number } : {}),
    person: {
      id: person.id,
      name: person.name,
      nip: person.nip,
      employeeType: person.employeeType,
      golongan: person.golongan,
      pangkat: person.pangkat,
      jabatan: person.jabatan,
      unitKerja: person.unitKerja,
      opd: { code: opd?.code ?? '', name: opd?.name ?? '' },
    },
    course: {
      id: course.id,
      version: facts.courseVersion,
      code: course.code,
      title: course.title,
      competencyType: course.competencyType,
      area: course.area,
      jp: course.jp,
      partner: { code: course.partner.code, name: course.partner.name },
      signatories: course.signatories,
      outline: course.outline,
    },
  };
  const signature = signContent(content, runtime.keys);
  await rememberSigningKey(runtime.keys, issuedAt);
  return {
    enrolmentId: facts.enrolmentId,
    person: person.id,
    course: course.id,
    courseVersion: facts.courseVersion,
    opd: person.opdId || undefined,
    number,
    year,
    seq,
    code,
    issuedAt,
    content,
    signature,
  };
}

/**
 * Issues the certificate inside the completion's transaction (session): never a completion without
 * a certificate, never two current ones for one enrolment (unique index). Calling it again for an
 * enrolment that has its certificate changes nothing. Resolves true when it issued one.
 */
export async function issueCertificateOnCompletion(
  event: CompletionEvent,
  session: ClientSession | undefined,
): Promise<boolean> {
  const existing = await Certificate.findOne({ enrolmentId: event.enrolmentId }, { _id: 1 })
    .session(session ?? null)
    .lean();
  if (existing) return false;
  const fields = await composeCertificate(event, event.completedAt, session);
  const [created] = await Certificate.create([fields], { session: session ?? null });
  afterCommit(String(created._id), session);
  return true;
}

/**
 * Writes the certificate that replaces `old` (a reissue), inside the caller's transaction: `old`
 * becomes superseded by it first (a conditional update, so of two simultaneous reissues one wins),
 * then the new one is stored with the person and course as they are now and the enrolment's dates.
 * Resolves the new certificate's id and number, or undefined when `old` is no longer current.
 */
export async function writeReissue(
  old: { _id: Types.ObjectId; number: string; content: CertificateContent },
  issuedAt: Date,
  reason: string,
  session: ClientSession | undefined,
): Promise<{ id: string; number: string } | undefined> {
  const content = old.content;
  const facts: IssueFacts = {
    enrolmentId: content.enrolmentId,
    personId: content.person.id,
    courseId: content.course.id,
    courseVersion: content.course.version,
    completedAt: new Date(content.completedAt),
    ...(content.startedAt ? { startedAt: new Date(content.startedAt) } : {}),
    jp: content.jp,
  };
  const fields = await composeCertificate(facts, issuedAt, session, { number: old.number });
  const id = new Types.ObjectId();
  const claimed = await Certificate.updateOne(
    { _id: old._id, status: 'valid', supersededBy: null },
    {
      $set: {
        status: 'superseded',
        supersededBy: id,
        supersededByNumber: fields.number,
        supersededAt: issuedAt,
        reissueReason: reason,
      },
    },
    { session },
  );
  if (claimed.modifiedCount !== 1) return undefined;
  await Certificate.create([{ _id: id, ...fields, replaces: old._id }], { session: session ?? null });
  afterCommit(String(id), session);
  return { id: String(id), number: fields.number };
}

// One `ended` listener per session, however often its transaction is retried: each try issues a
// new certificate id, and only the committed one is found when rendering.
const pendingBySession = new WeakMap<ClientSession, Set<string>>();

function afterCommit(id: string, session: ClientSession | undefined): void {
  if (!session) return void renderSoon(id);
  let pending = pendingBySession.get(session);
  if (!pending) {
    const ids = new Set<string>();
    pending = ids;
    pendingBySession.set(session, ids);
    session.once('ended', () => ids.forEach((one) => void renderSoon(one)));
  }
  pending.add(id);
}

/**
 * Issues the certificates of completed enrolments that have none (completions written without the
 * completion transaction, e.g. the demo's bulk learning records), one transaction each, in the
 * order given. An enrolment with a certificate is skipped, so running it again issues nothing.
 */
export async function issueMissingCertificates(completions: Iterable<CompletionEvent>): Promise<number> {
  const all = [...completions];
  const have = new Set<string>();
  for (let i = 0; i < all.length; i += 500) {
    const ids = all.slice(i, i + 500).map((c) => c.enrolmentId);
    const found = await Certificate.find({ enrolmentId: trusted({ $in: ids }) }, { enrolmentId: 1 }).lean();
    found.forEach((c) => have.add(c.enrolmentId));
  }
  let issued = 0;
  for (const completion of all) {
    if (have.has(completion.enrolmentId)) continue;
    if (await inTransaction((session) => issueCertificateOnCompletion(completion, session))) issued++;
  }
  return issued;
}
