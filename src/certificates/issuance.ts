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
import type { ClientSession } from 'mongoose';
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

/**
 * Issues the certificate inside the completion's transaction (session): never a completion without
 * a certificate, never two for one enrolment (unique index on enrolmentId). Calling it again for an
 * enrolment that has its certificate changes nothing. Resolves true when it issued one.
 */
export async function issueCertificateOnCompletion(
  event: CompletionEvent,
  session: ClientSession | undefined,
): Promise<boolean> {
  const runtime = certificateRuntime();
  const existing = await Certificate.findOne({ enrolmentId: event.enrolmentId }, { _id: 1 })
    .session(session ?? null)
    .lean();
  if (existing) return false;
  const [person, course] = await Promise.all([
    personForCertificate(event.personId, session),
    courseForCertificate(event.courseId, event.courseVersion, session),
  ]);
  if (!person) throw new Error(`certificate: person ${event.personId} not found`);
  if (!course) throw new Error(`certificate: course ${event.courseId} v${event.courseVersion} not found`);
  const opd = person.opdId ? await institutionRef(person.opdId) : null;
  const issuedAt = event.completedAt;
  const year = Number(wibDay(issuedAt).slice(0, 4));
  const seq = await nextSequence(year, session);
  const number = formatNumber(runtime.settings.numberPattern, seq, year);
  const code = newVerificationCode();
  const content: CertificateContent = {
    format: 'binaasn.certificate.v1',
    number,
    code,
    enrolmentId: event.enrolmentId,
    issuedAt: issuedAt.toISOString(),
    place: runtime.settings.place,
    ...(event.startedAt ? { startedAt: event.startedAt.toISOString() } : {}),
    completedAt: event.completedAt.toISOString(),
    jp: event.jp,
    issuer: 'BKPSDM Kota Medan',
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
      version: event.courseVersion,
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
  const [created] = await Certificate.create(
    [
      {
        enrolmentId: event.enrolmentId,
        person: person.id,
        course: course.id,
        courseVersion: event.courseVersion,
        opd: person.opdId || undefined,
        number,
        year,
        seq,
        code,
        issuedAt,
        content,
        signature,
      },
    ],
    { session: session ?? null },
  );
  afterCommit(String(created._id), session);
  return true;
}

// One `ended` listener per session, however often its transaction is retried: each try issues a
// new certificate id, and only the committed one is found when rendering.
const pendingBySession = new WeakMap<ClientSession, Set<string>>();

function afterCommit(id: string, session: ClientSession | undefined): void {
  if (!session) return renderSoon(id);
  let pending = pendingBySession.get(session);
  if (!pending) {
    const ids = new Set<string>();
    pending = ids;
    pendingBySession.set(session, ids);
    session.once('ended', () => ids.forEach(renderSoon));
  }
  pending.add(id);
}
