// Certificate pages: a learner downloads their own and no one else's; HR of one OPD lists,
// downloads, zips and exports only the certificates of their people (never another OPD's, by id,
// by filter or inside a ZIP); downloads by others go to the access log; an admin revokes and the
// public verification page then says so; unknown codes answer 404; the NIP check; tampering shows.
import { trusted, type Types } from 'mongoose';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUniversity, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfToken, csrfTokenFrom, signedInAgent, type Agent } from '../support/auth';
import { issueForTest, newEnrolmentId, publishedTestCourse } from '../support/certificates';
import { Certificate, OpenBadgeJwtKey } from '../../src/certificates/certificate.model';
import { readFile } from '../../src/certificates/storage';
import { fileMatches, jwtMatches } from '../../src/certificates/verification';
import { AccessLogEntry } from '../../src/personal-data/access-log.model';
import { AuditEntry } from '../../src/audit/audit.model';
import { unzipWithinLimits } from '../../src/web/bounded-unzip';
import { Notification } from '../../src/learning/enrolment.model';
import { Mail } from '../../src/mail/mail.model';
import { User } from '../../src/users/user.model';
import { inTransaction } from '../../src/db/transactions';
import { issueCertificateOnCompletion } from '../../src/certificates';
import type { CertificateContent } from '../../src/certificates/content';
import { reissue as reissueService } from '../../src/certificates/certificates.service';
import type { Actor } from '../../src/core/actor';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import Ajv from 'ajv';
import obSchema from '../fixtures/openbadges/achievement-credential.schema.json';
import { fromBase58btc, multibaseKey } from '../../src/certificates/openbadge';
import { certificateRuntime, configureCertificates } from '../../src/certificates/settings';
import { collectBytes } from '../support/download';

let t: TestApp;
let learnerA: Agent;
let learnerB: Agent;
let hrA: Agent;
let hrCity: Agent;
let admin: Agent;
let curator: Agent;
let certA: { _id: Types.ObjectId; code: string; number: string };
let certA2: { _id: Types.ObjectId; code: string; number: string };
let certB: { _id: Types.ObjectId; code: string; number: string };
let personA: { _id: Types.ObjectId; nip?: string | null };
let curatorId: Types.ObjectId;
let usuId: Types.ObjectId;
let bkpsdmId: Types.ObjectId;
let courseIdOf: string;
const curatorActor = (): Actor => ({
  id: String(curatorId),
  name: 'Kurator',
  roles: ['curator'],
  seesAllOpds: false,
  language: 'id',
});

const ZIP_LIMITS = { maxBytes: 50_000_000, maxEntries: 100, maxRatio: 100 };

beforeAll(async () => {
  t = await createTestApp();
  const opdA = await createOpd({ code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' });
  const opdB = await createOpd({ code: 'DISDIK', name: 'Dinas Pendidikan' });
  const bkpsdm = await createOpd({ code: 'BKPSDM', name: 'BKPSDM', cityWideHr: true });
  const usu = await createUniversity({ code: 'USU', name: 'Universitas Sumatera Utara' });
  const courseId = await publishedTestCourse(usu);
  [usuId, bkpsdmId, courseIdOf] = [usu._id, bkpsdm._id, courseId];
  personA = await createUser({ opd: opdA, email: 'asn.a@uji.go.id', name: '=HYPERLINK("http://x") Budi' });
  const personB = await createUser({ opd: opdB, email: 'asn.b@uji.go.id' });
  await createUser({ roles: ['hr'], opd: opdA, email: 'hr.a@uji.go.id' });
  await createUser({ roles: ['hr'], opd: bkpsdm, email: 'hr.kota@uji.go.id' });
  await createUser({ roles: ['admin'], email: 'admin@uji.go.id' });
  curatorId = (await createUser({ roles: ['curator'], email: 'kurator@uji.go.id' }))._id;
  certA = await issueForTest(personA._id, courseId);
  certA2 = await issueForTest(personA._id, courseId, { completedAt: new Date('2026-02-03T03:00:00Z') });
  certB = await issueForTest(personB._id, courseId);
  [learnerA, learnerB, hrA, hrCity, admin, curator] = await Promise.all(
    [
      'asn.a@uji.go.id',
      'asn.b@uji.go.id',
      'hr.a@uji.go.id',
      'hr.kota@uji.go.id',
      'admin@uji.go.id',
      'kurator@uji.go.id',
    ].map((e) => signedInAgent(t.app, e, DEFAULT_PASSWORD)),
  );
}, 90_000);
afterAll(async () => t.close());

describe("a learner's certificates", () => {
  it('lists and downloads their own, the stored bytes exactly', async () => {
    const page = await learnerA.get('/sertifikat');
    expect(page.status).toBe(200);
    expect(page.text).toContain(certA.number);
    expect(page.text).not.toContain(certB.number);
    const pdf = await learnerA.get(`/sertifikat/${certA._id}/unduh`).buffer(true).parse(collectBytes);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['cache-control']).toContain('no-store');
    const stored = await readFile((await Certificate.findById(certA._id).lean())!.file!.id);
    expect((pdf.body as Buffer).equals(stored)).toBe(true);
    expect(await AccessLogEntry.countDocuments({ subject: personA._id })).toBe(0); // their own: not logged
  });

  it("answers 404 for another person's certificate, exactly like a missing one", async () => {
    const foreign = await learnerB.get(`/sertifikat/${certA._id}/unduh`);
    const missing = await learnerB.get(`/sertifikat/${'0'.repeat(24)}/unduh`);
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.text.replace(/[0-9a-f-]{36}|req-[\w-]+/g, '')).toBe(
      missing.text.replace(/[0-9a-f-]{36}|req-[\w-]+/g, ''),
    );
    expect((await learnerA.get('/admin/sertifikat')).status).toBe(403);
  });
});

describe("HR's certificates", () => {
  it('lists only the people of their OPD, whatever the filter asks', async () => {
    const page = await hrA.get('/admin/sertifikat');
    expect(page.text).toContain(certA.number);
    expect(page.text).not.toContain(certB.number);
    const opdB = (await Certificate.findById(certB._id).lean())!.opd;
    const filtered = await hrA.get(`/admin/sertifikat?opd=${opdB}`);
    expect(filtered.text).not.toContain(certB.number);
    const city = await hrCity.get('/admin/sertifikat');
    expect(city.text).toContain(certA.number);
    expect(city.text).toContain(certB.number);
  });

  it("downloads one of theirs (logged) and answers 404 for another OPD's", async () => {
    expect((await hrA.get(`/admin/sertifikat/${certA._id}/unduh`)).status).toBe(200);
    expect((await hrA.get(`/admin/sertifikat/${certB._id}/unduh`)).status).toBe(404);
    expect((await hrA.get(`/sertifikat/${certB._id}/unduh`)).status).toBe(404);
    const entry = await AccessLogEntry.findOne({ subject: personA._id, kind: 'download' }).lean();
    expect(entry?.what).toContain(certA.number);
  });

  it('streams a ZIP of the filter with a manifest, never with another OPD in it', async () => {
    const zip = await hrA.get('/admin/sertifikat/unduh.zip').buffer(true).parse(collectBytes);
    expect(zip.status).toBe(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    const unzipped = unzipWithinLimits(zip.body as Buffer, ZIP_LIMITS);
    if (!unzipped.ok) throw new Error(unzipped.reason);
    const names = [...unzipped.entries.keys()];
    expect(names.filter((n) => n.endsWith('.pdf'))).toHaveLength(2);
    const manifest = unzipped.entries.get('manifest.csv')!.toString('utf8');
    expect(manifest).toContain(certA.number);
    expect(manifest).toContain(certA2.number);
    expect(manifest).not.toContain(certB.number);
    expect(manifest).toContain(`'=HYPERLINK`); // the formula is written as text
    const stored = await readFile((await Certificate.findById(certA._id).lean())!.file!.id);
    expect([...unzipped.entries.values()].some((b) => b.equals(stored))).toBe(true);
    const opdB = (await Certificate.findById(certB._id).lean())!.opd;
    const other = await hrA.get(`/admin/sertifikat/unduh.zip?opd=${opdB}`).buffer(true).parse(collectBytes);
    const none = unzipWithinLimits(other.body as Buffer, ZIP_LIMITS);
    if (!none.ok) throw new Error(none.reason);
    expect([...none.entries.keys()]).toEqual(['manifest.csv']);
  });

  it('exports the list as CSV with formulas neutralised and NIPs as text', async () => {
    const csv = await hrA.get('/admin/sertifikat/ekspor.csv');
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(`"'=HYPERLINK(""http://x"") Budi"`);
    expect(csv.text).not.toContain(certB.number);
    const nip = personA.nip!;
    expect(csv.text).toContain(`${nip.slice(0, 8)} ${nip.slice(8, 14)}`);
  });

  it('exports the list as XLSX with formulas as text and whole NIPs', async () => {
    const xlsx = await hrA.get('/admin/sertifikat/ekspor.xlsx').buffer(true).parse(collectBytes);
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    const body = xlsx.body as Buffer;
    await workbook.xlsx.load(
      body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    );
    const values = workbook.worksheets[0].getSheetValues().flat().map(String);
    expect(values).toContain(`'=HYPERLINK("http://x") Budi`);
    expect(values).toContain(personA.nip!);
    expect(values.join(' ')).not.toContain(certB.number);
    expect(values.some((v) => v.startsWith('='))).toBe(false);
  });

  it('filters by period of issue', async () => {
    const february = await hrA.get('/admin/sertifikat?from=2026-02-01&to=2026-02-28');
    expect(february.text).toContain(certA2.number);
    expect(february.text).not.toContain(`>${certA.number}<`);
  });
});

describe('verification', () => {
  it('shows a valid certificate with a masked NIP and no referrer, without sign-in', async () => {
    const page = await request(t.app).get(`/verifikasi/${certA.code}`);
    expect(page.status).toBe(200);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.text).toContain('SAH');
    expect(page.text).toContain(certA.number);
    const nip = personA.nip!;
    expect(page.text).not.toContain(nip);
    expect(page.text).toContain(`${nip.slice(0, 8)}********${nip.slice(16)}`);
    expect((await request(t.app).get(`/verifikasi/${certA.code.toLowerCase()}`)).status).toBe(200);
  });

  it('answers 404 for unknown and malformed codes, revealing nothing', async () => {
    const unknown = await request(t.app).get(`/verifikasi/${'A'.repeat(20)}`);
    const malformed = await request(t.app).get('/verifikasi/800-1-BKPSDM');
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
    expect(unknown.text).not.toContain('Sertifikat ini');
  });

  it('says whether a typed NIP matches, in any spelling', async () => {
    const agent = request.agent(t.app);
    const token = await csrfToken(agent, `/verifikasi/${certA.code}`);
    const nip = personA.nip!;
    const spaced = `${nip.slice(0, 8)} ${nip.slice(8, 14)} ${nip.slice(14, 15)} ${nip.slice(15)}`;
    const match = await agent
      .post(`/verifikasi/${certA.code}`)
      .type('form')
      .send({ _csrf: token, nip: spaced });
    expect(match.text).toContain('Cocok');
    const token2 = csrfTokenFrom(match.text);
    const wrong = await agent
      .post(`/verifikasi/${certA.code}`)
      .type('form')
      .send({ _csrf: token2, nip: '199001012015031001' });
    expect(wrong.text).toContain('Tidak cocok');
    const bad = await agent
      .post(`/verifikasi/${certA.code}`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(wrong.text), nip: 'abc' });
    expect(bad.status).toBe(422);
    const extra = await agent
      .post(`/verifikasi/${certA.code}`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(bad.text), nip: nip, role: 'admin' });
    expect(extra.status).toBe(422);
  });

  it('knows the issued bytes: a PDF with one byte changed does not verify', async () => {
    const stored = await readFile((await Certificate.findById(certA._id).lean())!.file!.id);
    expect(await fileMatches(certA.code, stored)).toBe(true);
    const changed = Buffer.from(stored);
    changed[Math.floor(changed.length / 2)] ^= 1;
    expect(await fileMatches(certA.code, changed)).toBe(false);
    expect(await fileMatches('A'.repeat(20), stored)).toBeUndefined();
  });

  it('tells a verifier whether an uploaded PDF is byte for byte the issued one', async () => {
    const stored = await readFile((await Certificate.findById(certA._id).lean())!.file!.id);
    const agent = request.agent(t.app);
    const send = async (bytes: Buffer | undefined, code = certA.code) => {
      const token = await csrfToken(agent, `/verifikasi/${certA.code}`);
      const req = agent.post('/verifikasi/berkas').field('_csrf', token).field('code', code);
      return bytes ? req.attach('file', bytes, 'sertifikat.pdf') : req;
    };
    const same = await send(stored);
    expect(same.status).toBe(200);
    expect(same.text).toContain('Identik');
    const changed = Buffer.from(stored);
    changed[100] ^= 1;
    expect((await send(changed)).text).toContain('Tidak identik');
    expect((await send(undefined)).status).toBe(422);
    expect((await send(stored, 'A'.repeat(20))).status).toBe(404);
    const noToken = await request(t.app)
      .post('/verifikasi/berkas')
      .field('code', certA.code)
      .attach('file', stored, 'x.pdf');
    expect(noToken.status).toBe(403);
  });

  it('shows a certificate whose stored content was changed as not verifiable', async () => {
    await Certificate.updateOne({ _id: certA2._id }, { $set: { 'content.jp': 99 } });
    const page = await request(t.app).get(`/verifikasi/${certA2.code}`);
    expect(page.text).toContain('TIDAK DAPAT DIPASTIKAN');
  });
});

describe('revocation', () => {
  it('lets an admin revoke with a reason (audited); the verification page then says revoked', async () => {
    const token = await csrfToken(admin, '/admin/sertifikat');
    const short = await admin
      .post(`/admin/sertifikat/${certB._id}/cabut`)
      .type('form')
      .send({ _csrf: token, reason: 'x' });
    expect(short.status).toBe(303);
    expect((await Certificate.findById(certB._id).lean())!.status).toBe('valid');
    const done = await admin
      .post(`/admin/sertifikat/${certB._id}/cabut`)
      .type('form')
      .send({ _csrf: await csrfToken(admin, '/admin/sertifikat'), reason: 'Nilai akhir dikoreksi' });
    expect(done.status).toBe(303);
    expect((await Certificate.findById(certB._id).lean())!).toMatchObject({
      status: 'revoked',
      revokedReason: 'Nilai akhir dikoreksi',
    });
    expect(
      await AuditEntry.countDocuments({ action: 'certificate.revoke', targetId: String(certB._id) }),
    ).toBe(1);
    const page = await request(t.app).get(`/verifikasi/${certB.code}`);
    expect(page.text).toContain('DICABUT');
    expect(page.text).toContain('Nilai akhir dikoreksi');
  });

  it('is not for HR', async () => {
    const token = await csrfToken(hrA, '/admin/sertifikat');
    const refused = await hrA
      .post(`/admin/sertifikat/${certA._id}/cabut`)
      .type('form')
      .send({ _csrf: token, reason: 'Tidak berhak' });
    expect(refused.status).toBe(403);
  });

  it('lists the certificates in "Data saya"', async () => {
    const data = await learnerA.get('/data-saya/unduh');
    expect(data.status).toBe(200);
    expect(data.text).toContain(certA.number);
  });
});

/** Waits for what happens after a commit (the PDF, then the notice and mail); fails after 10 s. */
async function eventually<T>(probe: () => Promise<T | null | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = await probe();
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('not in time');
}

interface Badge {
  credentialSubject: {
    achievement: { name: string };
    identifier: Array<{ hashed: boolean; identityHash: string; salt?: string }>;
  };
}

describe('Open Badges 3.0', () => {
  const jcs = (value: unknown): string =>
    Array.isArray(value)
      ? `[${value.map(jcs).join(',')}]`
      : value && typeof value === 'object'
        ? `{${Object.keys(value)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${jcs((value as Record<string, unknown>)[k])}`)
            .join(',')}}`
        : JSON.stringify(value);
  const sha = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest();
  let credential: Record<string, unknown>;

  beforeAll(async () => {
    const res = await learnerA.get(`/sertifikat/${String(certA._id)}/openbadge.json`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(
      /attachment; filename="sertifikat-.*\.openbadge\.json"/,
    );
    credential = JSON.parse(res.text) as Record<string, unknown>;
  });

  it('validates against the required fields of an OB 3.0 AchievementCredential', () => {
    const validate = new Ajv({ allErrors: true }).compile(obSchema);
    expect(validate(credential) ? [] : validate.errors).toEqual([]);
    const subject = (credential as unknown as Badge).credentialSubject;
    expect(subject.achievement.name).toBe('Kursus Uji Paket: Kata Sandi yang Kuat');
    expect(credential.id).toBe(`${t.config.baseUrl}/verifikasi/${certA.code}`);
    expect(JSON.stringify(credential)).not.toContain(personA.nip!); // the NIP only as a salted hash
    const hashed = subject.identifier.find((i) => i.hashed)!;
    expect(hashed.identityHash).toBe(
      `sha256$${crypto
        .createHash('sha256')
        .update(personA.nip! + hashed.salt)
        .digest('hex')}`,
    );
  });

  it('carries an eddsa-jcs-2022 proof by the installation key that verifies, and breaks on any change', () => {
    const { proof, ...document } = credential as { proof: Record<string, string> };
    const { proofValue, ...options } = proof;
    const key = multibaseKey(crypto.createPublicKey(certificateRuntime().keys.signingKey));
    expect(key.startsWith('z6Mk')).toBe(true);
    expect(options.verificationMethod).toBe(`did:key:${key}#${key}`);
    expect((document as { issuer: { id: string } }).issuer.id).toBe(`did:key:${key}`);
    const raw = fromBase58btc(key.slice(1)).subarray(2);
    const publicKey = crypto.createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]),
      format: 'der',
      type: 'spki',
    });
    const signed = (doc: unknown) =>
      Buffer.concat([
        sha(jcs({ ...options, '@context': (doc as Record<string, unknown>)['@context'] })),
        sha(jcs(doc)),
      ]);
    const signature = fromBase58btc(proofValue.slice(1));
    expect(crypto.verify(null, signed(document), publicKey, signature)).toBe(true);
    const changed = JSON.parse(JSON.stringify(document)) as Badge;
    changed.credentialSubject.achievement.name = 'Kursus Lain';
    expect(crypto.verify(null, signed(changed), publicKey, signature)).toBe(false);
  });

  it('is checked by the public verification page, and is only for its holder', async () => {
    const agent = request.agent(t.app);
    const send = async (body: string) => {
      const token = await csrfToken(agent, `/verifikasi/${certA.code}`);
      return agent
        .post('/verifikasi/berkas')
        .field('_csrf', token)
        .field('code', certA.code)
        .attach('file', Buffer.from(body), 'badge.json');
    };
    expect((await send(JSON.stringify(credential))).text).toContain('Sah: kredensial Open Badges');
    const changed = JSON.parse(JSON.stringify(credential)) as Badge;
    changed.credentialSubject.identifier[0].identityHash = 'Orang Lain';
    expect((await send(JSON.stringify(changed))).text).toContain('Tidak sah');
    const broken = await send('{not json');
    expect(broken.status).toBe(422);
    expect(broken.text).toContain('tidak dapat dibaca sebagai kredensial Open Badges');
    expect((await hrA.get(`/sertifikat/${String(certA._id)}/openbadge.json`)).status).toBe(404);
    expect((await learnerB.get(`/sertifikat/${String(certA._id)}/openbadge.json`)).status).toBe(404);
  });
});

describe('Open Badges 3.0 as a VC-JWT', () => {
  let token: string;
  const parts = (jwt: string) => {
    const [h, p, sig] = jwt.split('.');
    const json = (x: string) =>
      JSON.parse(Buffer.from(x, 'base64url').toString('utf8')) as Record<string, unknown>;
    return {
      header: json(h),
      payload: json(p),
      input: `${h}.${p}`,
      signature: Buffer.from(sig, 'base64url'),
    };
  };
  let verifier: ReturnType<typeof request.agent>;
  let csrf = '';
  const check = async (code: string, jwt: string, how: 'file' | 'paste') => {
    verifier ??= request.agent(t.app);
    csrf ||= await csrfToken(verifier, `/verifikasi/${code}`);
    const req = verifier.post('/verifikasi/berkas').field('_csrf', csrf).field('code', code);
    return how === 'file'
      ? req.attach('file', Buffer.from(jwt), 'badge.openbadge.jwt')
      : req.field('token', jwt);
  };

  beforeAll(async () => {
    // The certificates were issued on the wall clock; a token is not valid before its nbf.
    if (t.clock.now.getTime() < Date.now()) t.clock.now = new Date();
    const res = await learnerA.get(`/sertifikat/${String(certA._id)}/openbadge.jwt`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/jwt; charset=utf-8');
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.headers['content-disposition']).toMatch(
      /attachment; filename="sertifikat-.*\.openbadge\.jwt"/,
    );
    token = res.text;
  });

  it('verifies with Node crypto using only the key published at the JWKS address its kid names', async () => {
    const { header, input, signature } = parts(token);
    expect(header.alg).toBe('RS256');
    const jwks = await request(t.app).get('/openbadges/kunci');
    expect(jwks.status).toBe(200);
    expect(jwks.headers['content-type']).toBe('application/jwk-set+json; charset=utf-8');
    const { keys } = JSON.parse(jwks.text) as { keys: Array<Record<string, string>> };
    const published = keys.find((k) => k.kid === header.kid)!;
    expect(published).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    for (const k of keys) expect(Object.keys(k).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    const publicKey = crypto.createPublicKey({ key: published as crypto.JsonWebKey, format: 'jwk' });
    expect(publicKey.asymmetricKeyDetails!.modulusLength).toBeGreaterThanOrEqual(2048);
    expect(crypto.verify('sha256', Buffer.from(input), publicKey, signature)).toBe(true);
    expect(header.jwk).toEqual({ kty: 'RSA', n: published.n, e: published.e });
    // The kid is an address that answers that one JWK.
    const one = await request(t.app).get(new URL(String(header.kid)).pathname);
    expect(one.status).toBe(200);
    expect(JSON.parse(one.text)).toEqual(published);
    expect((await request(t.app).get(`/openbadges/kunci/${'A'.repeat(43)}`)).status).toBe(404);
    expect((await request(t.app).get('/openbadges/kunci/bukan-kunci')).status).toBe(404);
  });

  it('states in its claims and credential what the certificate states, valid against the OB 3.0 schema', async () => {
    const { payload } = parts(token);
    const { iss, jti, sub, nbf, iat, ...credential } = payload;
    const stored = (await Certificate.findById(certA._id).lean())!;
    const content = stored.content as CertificateContent;
    expect(jti).toBe(`${t.config.baseUrl}/verifikasi/${certA.code}`);
    expect(credential.id).toBe(jti);
    expect(iss).toBe((credential.issuer as { id: string }).id);
    expect(sub).toBe((credential.credentialSubject as { id: string }).id);
    expect(nbf).toBe(Math.floor(Date.parse(content.issuedAt) / 1000));
    expect(iat).toBe(nbf);
    expect(Date.parse(String(credential.validFrom)) / 1000).toBe(nbf);
    // OB 3.0 §8.2: with the JSON Web Token proof format the embedded `proof` may be omitted.
    const jwtSchema = { ...obSchema, required: obSchema.required.filter((r) => r !== 'proof') };
    const validate = new Ajv({ allErrors: true }).compile(jwtSchema);
    expect(validate(credential) ? [] : validate.errors).toEqual([]);
    expect((credential as unknown as Badge).credentialSubject.achievement.name).toBe(content.course.title);
    expect(token).not.toContain(personA.nip!);
    expect(JSON.stringify(payload)).not.toContain(personA.nip!);
  });

  it('is checked by the public verification page, uploaded or pasted; a changed or foreign one is not valid', async () => {
    // Two page round trips (the verification limit is shared with the other tests of this file).
    expect((await check(certA.code, token, 'file')).text).toContain('Sah: kredensial Open Badges');
    const broken = await check(certA.code, `  eyJhbGciOiJSUzI1NiJ9.***.x\n`, 'paste');
    expect(broken.status).toBe(422);
    expect(broken.text).toContain('tidak dapat dibaca sebagai Open Badge JWT');
    expect(broken.text).toContain('id="file-error"');
    // The refused token is shown again in its field, so the verifier can correct it.
    expect(broken.text).toMatch(
      /<textarea id="token"[^>]*>\s*eyJhbGciOiJSUzI1NiJ9\.\*\*\*\.x\s*<\/textarea>/,
    );
    const now = t.clock();
    expect(await jwtMatches(certA.code, `  ${token}\n`, now)).toBe(true);
    const { header, payload } = parts(token);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const [, , sig] = token.split('.');
    const changed = `${b64(header)}.${b64({ ...payload, name: 'Sertifikat Lain' })}.${sig}`;
    expect(await jwtMatches(certA.code, changed, now)).toBe(false);
    expect(await jwtMatches(certB.code, token, now)).toBe(false); // another certificate's code
    expect(await jwtMatches('Z'.repeat(20), token, now)).toBeUndefined(); // unknown code: the page answers 404
  });

  it('is only for its holder, and not for a revoked certificate', async () => {
    expect((await hrA.get(`/sertifikat/${String(certA._id)}/openbadge.jwt`)).status).toBe(404);
    expect((await admin.get(`/sertifikat/${String(certA._id)}/openbadge.jwt`)).status).toBe(404);
    expect((await learnerB.get(`/sertifikat/${String(certA._id)}/openbadge.jwt`)).status).toBe(404);
    expect((await learnerB.get(`/sertifikat/${String(certB._id)}/openbadge.jwt`)).status).toBe(404); // revoked above
    expect((await learnerA.get('/sertifikat')).text).toContain(
      `/sertifikat/${String(certA._id)}/openbadge.jwt`,
    );
  });

  it('keeps verifying after the key is rotated, twice: every earlier key stays published', async () => {
    const before = certificateRuntime();
    const { header: oldHeader } = parts(token);
    const rsaPem = () =>
      crypto
        .generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
    const rotateTo = (jwtKeyPem: string) =>
      configureCertificates({ ...t.config, certificates: { ...t.config.certificates, jwtKeyPem } });
    const kids = async () =>
      (
        JSON.parse((await request(t.app).get('/openbadges/kunci')).text) as {
          keys: Array<{ kid: string }>;
        }
      ).keys.map((k) => k.kid);
    try {
      // The generated key, then a configured one (recorded in the database when configured) ...
      rotateTo(rsaPem());
      const fresh = await learnerA.get(`/sertifikat/${String(certA2._id)}/openbadge.jwt`);
      expect(fresh.status).toBe(200);
      const freshKid = String(parts(fresh.text).header.kid);
      expect(freshKid).not.toBe(oldHeader.kid);
      await eventually(() => OpenBadgeJwtKey.findById(freshKid.split('/').pop()).lean());
      // ... then another configured one, with no earlier key configured: the database remembers.
      rotateTo(rsaPem());
      const third = await learnerA.get(`/sertifikat/${String(certA2._id)}/openbadge.jwt`);
      const thirdKid = String(parts(third.text).header.kid);
      // The record of the configured key is written in the background: wait for it before the end.
      await eventually(() => OpenBadgeJwtKey.findById(thirdKid.split('/').pop()).lean());
      expect(await kids()).toEqual(
        expect.arrayContaining([oldHeader.kid, freshKid, parts(third.text).header.kid]),
      );
      expect(await jwtMatches(certA.code, token, t.clock())).toBe(true);
      expect(await jwtMatches(certA2.code, fresh.text, t.clock())).toBe(true);
      expect(await jwtMatches(certA2.code, third.text, t.clock())).toBe(true);
      expect((await request(t.app).get(new URL(freshKid).pathname)).status).toBe(200);
    } finally {
      configureCertificates({ ...t.config, certificates: before.settings });
    }
  });
});

describe('"certificate ready" notice', () => {
  it('gives the learner one in-app notice and one mail per certificate, after the commit', async () => {
    const notice = await eventually(() =>
      Notification.findOne({ key: `certificateReady:${String(certA._id)}` }).lean(),
    );
    expect(notice).toMatchObject({ kind: 'certificateReady', person: personA._id });
    const mails = await eventually(async () => {
      const found = await Mail.find({
        kind: 'certificateReady',
        dedupeKey: `certificateReady:${String(personA._id)}:${String(certA._id)}`,
      }).lean();
      return found.length ? found : null;
    });
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toBe('asn.a@uji.go.id');
    const page = await learnerA.get('/notifikasi');
    expect(page.text).toContain('sudah tersedia');
    expect(page.text).toContain('href="/sertifikat"');
  });

  it('tells nobody of a certificate whose transaction rolled back', async () => {
    const before = await Notification.countDocuments({ kind: 'certificateReady' });
    const enrolmentId = newEnrolmentId();
    const course = (await Certificate.findById(certA._id).lean())!.course;
    await expect(
      inTransaction(async (session) => {
        await issueCertificateOnCompletion(
          {
            enrolmentId,
            personId: String(personA._id),
            courseId: String(course),
            courseVersion: 1,
            completedAt: new Date(),
            jp: 1.5,
          },
          session!,
        );
        throw new Error('the completion failed after the certificate');
      }),
    ).rejects.toThrow('the completion failed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await Certificate.countDocuments({ enrolmentId })).toBe(0);
    expect(await Notification.countDocuments({ kind: 'certificateReady' })).toBe(before);
  });
});

describe('reissue', () => {
  const reissue = async (agent: Agent, id: unknown, reason = 'Gelar dan pangkat dikoreksi') =>
    agent
      .post(`/admin/sertifikat/${String(id)}/terbitkan-ulang`)
      .type('form')
      .send({ _csrf: await csrfToken(agent, '/admin/sertifikat'), reason });

  it('lets a curator replace a certificate after a correction: a new number, the old one superseded', async () => {
    await User.updateOne(
      { _id: personA._id },
      { $set: { name: 'Budi Santoso, S.Kom., M.Si.', golongan: 'III/c' } },
    );
    const done = await reissue(curator, certA._id);
    expect(done.status).toBe(303);
    const old = (await Certificate.findById(certA._id).lean())!;
    expect(old.status).toBe('superseded');
    const fresh = (await Certificate.findById(old.supersededBy).lean())!;
    expect(fresh).toMatchObject({ enrolmentId: old.enrolmentId, status: 'valid', replaces: old._id });
    expect(fresh.number).not.toBe(old.number);
    expect(old.supersededByNumber).toBe(fresh.number);
    const content = fresh.content as CertificateContent;
    expect(content.person.name).toBe('Budi Santoso, S.Kom., M.Si.');
    expect(content.replaces).toBe(old.number);
    expect(content.completedAt).toBe((old.content as CertificateContent).completedAt);
    const entry = await AuditEntry.findOne({
      action: 'certificate.reissue',
      targetId: String(old._id),
    }).lean();
    expect(entry?.before).toMatchObject({ number: old.number, name: '=HYPERLINK("http://x") Budi' });
    expect(entry?.after).toMatchObject({ number: fresh.number, name: 'Budi Santoso, S.Kom., M.Si.' });

    const oldPage = await request(t.app).get(`/verifikasi/${old.code}`);
    expect(oldPage.text).toContain('DIGANTI');
    expect(oldPage.text).toContain(fresh.number);
    const newPage = await request(t.app).get(`/verifikasi/${fresh.code}`);
    expect(newPage.text).toContain('SAH');
    expect(newPage.text).toContain(`menggantikan sertifikat nomor ${old.number}`);

    const mine = await learnerA.get('/sertifikat');
    expect(mine.text).toContain(fresh.number);
    expect(mine.text).not.toContain(`>${old.number}<`);
    const hr = await hrA.get('/admin/sertifikat');
    expect(hr.text).toContain(fresh.number);
    expect(hr.text).toContain(`menggantikan ${old.number}`);
    const superseded = await hrA.get('/admin/sertifikat?status=superseded');
    expect(superseded.text).toContain(`diganti oleh ${fresh.number}`);
    await eventually(() => Notification.findOne({ key: `certificateReady:${String(fresh._id)}` }).lean());
  });

  it('refuses a certificate that is no longer current, or whose content was changed unsigned', async () => {
    const count = await Certificate.countDocuments();
    const again = await reissue(curator, certA._id);
    expect(again.status).toBe(303);
    const tampered = await reissue(admin, certA2._id); // its JP was changed in the database above
    expect(tampered.status).toBe(303);
    expect(await Certificate.countDocuments()).toBe(count);
    expect((await curator.get('/admin/sertifikat')).text).toContain('sudah dicabut atau diganti');
    expect((await admin.get('/admin/sertifikat')).text).toContain('tidak cocok dengan tanda tangannya');
  });

  it('leaves exactly one current certificate when reissued twice at once', async () => {
    const current = await Certificate.findOne({
      person: personA._id,
      status: 'valid',
      replaces: trusted({ $ne: null }),
    }).lean();
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map(() =>
        reissueService(curatorActor(), String(current!._id), 'Pangkat dikoreksi lagi', new Date()),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await Certificate.countDocuments({ enrolmentId: current!.enrolmentId, supersededBy: null })).toBe(
      1,
    );
  });

  it('is not for HR or learners', async () => {
    expect((await reissue(hrA, certB._id)).status).toBe(403);
    expect((await reissue(learnerB, certB._id)).status).toBe(403);
  });
});

/** A small valid PNG (RGB, one colour), made here: signature, IHDR, IDAT, IEND with their CRCs. */
function png(width: number, height: number): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x33)]);
  const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('logos on certificates', () => {
  const upload = async (agent: Agent, id: unknown, bytes: Buffer, name = 'logo.png') => {
    const token = await csrfToken(agent, `/admin/institutions/${String(id)}/edit`);
    return agent
      .post(`/admin/institutions/${String(id)}/logo`)
      .field('_csrf', token)
      .attach('logo', bytes, name);
  };
  const pdfOf = async (id: unknown) => readFile((await Certificate.findById(id).lean())!.file!.id);

  it('refuses what is not a drawable PNG or JPEG, whatever its name says, next to the field', async () => {
    const gif = await upload(curator, usuId, Buffer.from('GIF89a\x01\x00\x01\x00'), 'logo.png');
    expect(gif.status).toBe(422);
    expect(gif.text).toContain('PNG atau JPEG yang utuh');
    const cut = png(40, 40).subarray(0, 60);
    expect((await upload(curator, usuId, cut)).status).toBe(422);
    const big = Buffer.concat([png(10, 10), Buffer.alloc(600 * 1024)]);
    expect((await upload(curator, usuId, big)).text).toContain('paling besar 512 KB');
    expect((await upload(hrA, usuId, png(40, 40))).status).toBe(403);
  });

  it('draws the uploaded logos on the certificates issued afterwards; the emblem before', async () => {
    expect((await pdfOf(certB._id)).includes('/Subtype /Image')).toBe(false);
    const saved = await upload(curator, usuId, png(120, 120));
    expect(saved.status).toBe(303);
    expect((await upload(admin, bkpsdmId, png(100, 140))).status).toBe(303);
    expect(await AuditEntry.countDocuments({ action: 'institution.logo' })).toBe(2);
    const shown = await curator
      .get(`/admin/institutions/${String(usuId)}/logo`)
      .buffer(true)
      .parse(collectBytes);
    expect(shown.headers['content-type']).toBe('image/png');
    expect(shown.headers['x-content-type-options']).toBe('nosniff');
    expect((shown.body as Buffer).equals(png(120, 120))).toBe(true);
    const fresh = await issueForTest(personA._id, courseIdOf, {
      completedAt: new Date('2026-04-01T03:00:00Z'),
    });
    const bytes = await pdfOf(fresh._id);
    expect(bytes.toString('latin1').match(/\/Subtype \/Image/g)).toHaveLength(2);
  });
});

describe('the verification rate limit', () => {
  it('answers 429 past the limit per minute, in the page language, without touching the database', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++)
      statuses.push((await request(t.app).get(`/verifikasi/${certA.code}`)).status);
    expect(statuses).toContain(429);
    const limited = await request(t.app).get(`/verifikasi/${certA.code}`);
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('Terlalu banyak permintaan');
    expect(limited.headers['referrer-policy']).toBe('no-referrer');
  });
});
