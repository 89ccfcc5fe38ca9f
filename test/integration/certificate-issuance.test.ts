// Issuance at completion: one certificate per enrolment under concurrent completions, gap-free
// numbers per year, nothing left behind by a completion that rolls back, the person and course as
// at issue, a signature over the canonical content that any change breaks, and the stored PDF.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUniversity, createUser } from '../support/factories';
import { issueForTest, newEnrolmentId, publishedTestCourse } from '../support/certificates';
import { configureCertificates, issueCertificateOnCompletion } from '../../src/certificates';
import { Certificate, CertificateCounter } from '../../src/certificates/certificate.model';
import { verifyContent } from '../../src/certificates/content';
import { certificateRuntime } from '../../src/certificates/settings';
import { readFile } from '../../src/certificates/storage';
import { formatNumber } from '../../src/certificates/numbering';
import { inTransaction } from '../../src/db/transactions';
import { User } from '../../src/users/user.model';
import { insertDemoEnrolments } from '../../src/learning';
import { Enrolment } from '../../src/learning/enrolment.model';
import type { CertificateContent } from '../../src/certificates/content';
import { seedDemoCertificates } from '../../src/cli/seed-certificates';

let t: TestApp;
let courseId: string;
let opd: { _id: import('mongoose').Types.ObjectId };

beforeAll(async () => {
  t = await createTestApp();
  configureCertificates(t.config);
  opd = await createOpd({ code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' });
  const usu = await createUniversity({ code: 'USU', name: 'Universitas Sumatera Utara' });
  courseId = await publishedTestCourse(usu);
}, 60_000);
afterAll(async () => t.close());

const event = (
  personId: unknown,
  enrolmentId = newEnrolmentId(),
  completedAt = new Date('2026-06-10T03:00:00Z'),
) => ({
  enrolmentId,
  personId: String(personId),
  courseId,
  courseVersion: 1,
  completedAt,
  jp: 1.5,
});

describe('key rotation', () => {
  it('keeps certificates signed with an earlier key verifiable', async () => {
    const person = await createUser({ opd });
    const cert = await issueForTest(person._id, courseId, { render: false });
    const newKey = crypto
      .generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const rotated = configureCertificates({
      baseUrl: t.config.baseUrl,
      certificates: { ...t.config.certificates, signingKeyPem: newKey },
    });
    expect(rotated.keys.keyId).not.toBe(cert.signature.keyId);
    expect(await verifyContent(cert.content, cert.signature, rotated.keys)).toBe(true); // its key is remembered
    const later = await issueForTest(person._id, courseId, { render: false });
    expect(later.signature.keyId).toBe(rotated.keys.keyId);
    expect(await verifyContent(later.content, later.signature, rotated.keys)).toBe(true);
    configureCertificates(t.config);
  });
});

describe('numbers', () => {
  it('fills the pattern, with optional zero padding', () => {
    expect(formatNumber('800/{seq}/BKPSDM/{year}', 7, 2026)).toBe('800/7/BKPSDM/2026');
    expect(formatNumber('BKPSDM-{year}-{seq:4}', 7, 2026)).toBe('BKPSDM-2026-0007');
  });
});

describe('issuing at completion', () => {
  it('issues exactly one certificate under 20 parallel completions of the same enrolment', async () => {
    const person = await createUser({ opd });
    const enrolmentId = newEnrolmentId();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        inTransaction((session) => issueCertificateOnCompletion(event(person._id, enrolmentId), session!)),
      ),
    );
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    expect(await Certificate.countDocuments({ enrolmentId })).toBe(1);
  });

  it('numbers 20 parallel completions of different enrolments without gaps or duplicates', async () => {
    const people = await Promise.all(Array.from({ length: 20 }, () => createUser({ opd })));
    const completedAt = new Date('2027-03-01T02:00:00Z');
    await Promise.all(
      people.map((p) =>
        inTransaction((session) =>
          issueCertificateOnCompletion(event(p._id, undefined, completedAt), session!),
        ),
      ),
    );
    const issued = await Certificate.find({ year: 2027 }).lean();
    expect(issued.map((c) => c.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(new Set(issued.map((c) => c.number)).size).toBe(20);
    expect(issued.map((c) => c.number)).toContain('800/20/BKPSDM/2027');
    expect(new Set(issued.map((c) => c.code)).size).toBe(20);
  });

  it('leaves no certificate and no used number when the completion rolls back', async () => {
    const person = await createUser({ opd });
    const completedAt = new Date('2028-01-05T02:00:00Z');
    const enrolmentId = newEnrolmentId();
    await expect(
      inTransaction(async (session) => {
        await issueCertificateOnCompletion(event(person._id, enrolmentId, completedAt), session!);
        throw new Error('completion failed after issue');
      }),
    ).rejects.toThrow('completion failed');
    expect(await Certificate.countDocuments({ enrolmentId })).toBe(0);
    expect(await CertificateCounter.findById('2028').lean()).toBeNull();
    const next = await issueForTest(person._id, courseId, { completedAt, render: false });
    expect(next.number).toBe('800/1/BKPSDM/2028');
  });

  it('keeps the person and course as they were at issue, signed over the canonical content', async () => {
    const person = await createUser({ opd, name: "Nur'aini Ḥasibuan-Pérez, S.Sos.", jabatan: 'Analis SDM' });
    const cert = await issueForTest(person._id, courseId);
    await User.updateOne({ _id: person._id }, { $set: { name: 'Nama Baru', jabatan: 'Kepala Seksi' } });
    const stored = (await Certificate.findById(cert._id).lean())!;
    const content = stored.content as {
      person: { name: string; jabatan: string; nip: string; opd: { code: string } };
      course: { title: string; partner: { code: string }; signatories: unknown[] };
    };
    expect(content.person).toMatchObject({
      name: "Nur'aini Ḥasibuan-Pérez, S.Sos.",
      jabatan: 'Analis SDM',
      nip: person.nip,
    });
    expect(content.person.opd.code).toBe('DISDUKCAPIL');
    expect(content.course).toMatchObject({
      title: 'Kursus Uji Paket: Kata Sandi yang Kuat',
      partner: { code: 'USU' },
    });
    expect(content.course.signatories).toHaveLength(1);
    const keys = certificateRuntime().keys;
    expect(await verifyContent(stored.content, stored.signature, keys)).toBe(true);
    const altered = JSON.parse(JSON.stringify(stored.content)) as { jp: number };
    altered.jp = 40;
    expect(await verifyContent(altered, stored.signature, keys)).toBe(false);
  });

  it('stores a signed PDF whose text carries the name, NIP, JP and number', async () => {
    const person = await createUser({ opd, name: "Dr. Ma'ruf Siregar, S.E., M.Si." });
    const cert = await issueForTest(person._id, courseId);
    expect(cert.file?.size).toBeGreaterThan(10_000);
    const bytes = await readFile(cert.file!.id);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sertifikat-'));
    const file = path.join(dir, 'sertifikat.pdf');
    fs.writeFileSync(file, bytes);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain("Dr. Ma'ruf Siregar, S.E., M.Si.");
    const nip = person.nip!;
    expect(text).toContain(`${nip.slice(0, 8)} ${nip.slice(8, 14)} ${nip.slice(14, 15)} ${nip.slice(15)}`);
    expect(text).toContain('1,5 JP');
    expect(text).toContain(cert.number);
    expect(text).toContain(`/verifikasi/${cert.code}`);
    const sig = execFileSync('pdfsig', [file], { encoding: 'utf8' });
    expect(sig).toContain('Signature is Valid');
    expect(sig).toContain('ETSI.CAdES.detached');
    const tampered = Buffer.from(bytes);
    tampered[Math.floor(tampered.length / 4)] ^= 0x01; // one byte inside the signed range
    const changedFile = path.join(dir, 'diubah.pdf');
    fs.writeFileSync(changedFile, tampered);
    let changedSig = '';
    try {
      changedSig = execFileSync('pdfsig', [changedFile], { encoding: 'utf8' });
    } catch (error) {
      changedSig = String((error as { stdout?: string }).stdout ?? '');
    }
    expect(changedSig).not.toContain('Signature is Valid');
    // The page as a person sees it, kept for a look: pdftoppm renders it to PNG.
    execFileSync('pdftoppm', ['-r', '50', '-png', '-f', '1', '-l', '1', file, path.join(dir, 'halaman')]);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('halaman') && f.endsWith('.png'))).toBe(true);
  });
});

describe('the demo certificates', () => {
  it('issues the certificates of completed enrolments that lack one, in order of completion, once', async () => {
    const [a, b] = [await createUser({ opd }), await createUser({ opd })];
    const written = await insertDemoEnrolments([
      {
        person: String(a._id),
        course: courseId,
        lessonsDone: 99,
        source: 'self',
        enrolledAt: new Date('2026-03-01T02:00:00Z'),
        completedAt: new Date('2026-03-09T02:00:00Z'),
      },
      {
        person: String(b._id),
        course: courseId,
        lessonsDone: 1,
        source: 'self',
        enrolledAt: new Date('2026-03-02T02:00:00Z'),
      },
    ]);
    expect(written).toBe(2);
    const completed = await Enrolment.findOne({ person: a._id }).lean();
    const active = await Enrolment.findOne({ person: b._id }).lean();
    const before = await Certificate.countDocuments();
    const first = await seedDemoCertificates(t.config, new Date());
    const mine = await Certificate.findOne({ enrolmentId: String(completed!._id) }).lean();
    expect(mine).toMatchObject({ person: a._id, issuedAt: completed!.completedAt });
    expect((mine!.content as CertificateContent).startedAt).toBe(completed!.enrolledAt.toISOString());
    expect(await Certificate.countDocuments({ enrolmentId: String(active!._id) })).toBe(0);
    expect(first.issued).toBe((await Certificate.countDocuments()) - before);
    expect((await seedDemoCertificates(t.config, new Date())).issued).toBe(0); // nothing left to issue
    expect(await Certificate.countDocuments({ enrolmentId: String(completed!._id) })).toBe(1);
  });
});
