// Invitations and forgotten passwords without an SMTP server (the development outbox): HR invite
// one person, everyone without a password in their scope, or the people of an import; the link sets
// a first password once; "lupa kata sandi" answers alike for every identifier, is limited per IP
// and per account, and its link ends the person's other sessions. Admins read every mail at the outbox.
import request from 'supertest';
import { trusted } from 'mongoose';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfTokenFrom, postForm, signedInAgent, signIn, type Agent } from '../support/auth';
import { csvOf } from '../fixtures/people-files';
import { Mail } from '../../src/mail/mail.model';
import { PasswordLink } from '../../src/password-links/password-link.model';
import { AuditEntry } from '../../src/audit/audit.model';

let t: TestApp;
let opdA: { _id: unknown };
let opdB: { _id: unknown };
let hr: Agent;
let admin: Agent;

const NEW_PASSWORD = 'Kopi#Sidikalang2026';

beforeAll(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: '1', LOGIN_IP_MAX_ATTEMPTS: '30' } });
  opdA = await createOpd({ code: 'DISDUKCAPIL', name: 'Disdukcapil' });
  opdB = await createOpd({ code: 'DISDIK', name: 'Dinas Pendidikan' });
  await createUser({
    roles: ['hr', 'learner'],
    opd: opdA as never,
    email: 'hr@uji.go.id',
    name: 'Yusnita HR',
  });
  await createUser({ roles: ['admin'], email: 'admin@uji.go.id' });
  hr = await signedInAgent(t.app, 'hr@uji.go.id', DEFAULT_PASSWORD);
  admin = await signedInAgent(t.app, 'admin@uji.go.id', DEFAULT_PASSWORD);
});

afterAll(async () => {
  await t.close();
});

/** The set-password link of the newest mail to this address, read from the outbox as an admin. */
async function linkFromOutbox(email: string): Promise<string> {
  const mail = await Mail.findOne({ to: email }).sort({ createdAt: -1, _id: -1 }).lean();
  const page = await admin.get(`/admin/outbox/${mail!._id}`);
  expect(page.status).toBe(200);
  const href = /href="http:\/\/127\.0\.0\.1:\d+(\/atur-sandi\/[^"]+)"/.exec(page.text);
  return href![1];
}

async function setPassword(link: string, password = NEW_PASSWORD) {
  const visitor = request.agent(t.app);
  return postForm(visitor, link, link, { password, confirmPassword: password });
}

describe('inviting people', () => {
  it('sends one person a link kept in the outbox, which sets a first password once', async () => {
    const rina = await createUser({
      opd: opdA as never,
      password: null,
      email: 'rina@uji.go.id',
      name: 'Rina Sembiring',
    });
    const person = await hr.get(`/admin/users/${rina._id}`);
    expect(person.text).toContain(`action="/admin/undangan/orang/${rina._id}"`);
    const res = await postForm(hr, `/admin/users/${rina._id}`, `/admin/undangan/orang/${rina._id}`, {});
    expect(res.status).toBe(303);

    const outbox = await admin.get('/admin/outbox');
    expect(outbox.text).toContain('Undangan ke BinaASN: buat kata sandi Anda');
    expect(outbox.text).toContain('Rina Sembiring &lt;rina@uji.go.id&gt;');
    expect(outbox.text).toContain('disimpan (tanpa SMTP)');
    const link = await linkFromOutbox('rina@uji.go.id');
    const stored = await PasswordLink.findOne({ person: rina._id }).lean();
    expect(stored!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(link).not.toContain(stored!.tokenHash);
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBe(7 * 86_400_000);

    expect((await setPassword(link)).status).toBe(200);
    expect((await setPassword(link)).status).toBe(410);
    expect((await signIn(request.agent(t.app), 'rina@uji.go.id', NEW_PASSWORD)).status).toBe(302);
    const overview = await hr.get('/admin/undangan');
    expect(overview.text).toContain('Rina Sembiring');
    expect(overview.text).toContain('dipakai');
    expect(
      await AuditEntry.countDocuments({
        action: trusted({ $in: ['user.invite', 'user.invitation.accepted'] }),
        targetId: String(rina._id),
      }),
    ).toBe(2);
  });

  it('invites everyone in scope without a password, leaves other OPDs alone, and replaces an older link', async () => {
    const mine = await createUser({
      opd: opdA as never,
      password: null,
      email: 'baru@uji.go.id',
      name: 'Pegawai Baru',
    });
    await createUser({ opd: opdA as never, password: null, email: null, name: 'Tanpa Surel' });
    await createUser({ opd: opdB as never, password: null, email: 'lain@uji.go.id', name: 'OPD Lain' });
    const res = await postForm(hr, '/admin/undangan', '/admin/undangan/semua', {});
    expect(res.status).toBe(303);
    expect(await Mail.countDocuments({ to: 'lain@uji.go.id' })).toBe(0);
    const first = await linkFromOutbox('baru@uji.go.id');
    await postForm(hr, '/admin/undangan', `/admin/undangan/orang/${mine._id}`, {});
    const second = await linkFromOutbox('baru@uji.go.id');
    expect(second).not.toBe(first);
    const old = await request(t.app).get(first);
    expect(old.status).toBe(410);
    expect((await request(t.app).get(second)).status).toBe(200);
    const page = await hr.get('/admin/undangan');
    expect(page.text).toContain('Pegawai Baru');
    expect(page.text).not.toContain('OPD Lain');
    expect(page.text).toMatch(/Belum pernah/);
  });

  it("invites the people of an applied import, and nobody through another administrator's import", async () => {
    const token = csrfTokenFrom((await hr.get('/admin/users/import')).text);
    const file = csvOf([
      ['199001012015031001', 'Andi Impor', 'andi.impor@uji.go.id', 'PNS', 'III/a', '', '', 'DISDUKCAPIL'],
      ['199202022015032002', 'Butet Impor', 'butet.impor@uji.go.id', 'PNS', 'III/a', '', '', 'DISDUKCAPIL'],
    ]);
    const upload = await hr
      .post('/admin/users/import')
      .field('_csrf', token)
      .attach('file', file, 'baru.csv');
    const previewPath = String(upload.headers.location);
    await postForm(hr, previewPath, `${previewPath}/confirm`, {});
    const id = previewPath.split('/').pop();
    const applied = await hr.get(previewPath);
    expect(applied.text).toContain(`action="/admin/undangan/impor/${id}"`);
    const foreign = await postForm(admin, '/admin/outbox', `/admin/undangan/impor/${id}`, {});
    expect(foreign.status).toBe(404);
    const res = await postForm(hr, previewPath, `/admin/undangan/impor/${id}`, {});
    expect(res.status).toBe(303);
    expect(
      await Mail.countDocuments({ to: trusted({ $in: ['andi.impor@uji.go.id', 'butet.impor@uji.go.id'] }) }),
    ).toBe(2);
  });

  it('keeps the outbox for admins only', async () => {
    expect((await hr.get('/admin/outbox')).status).toBe(403);
    const learner = await createUser({ opd: opdA as never, email: 'belajar@uji.go.id' });
    const agent = await signedInAgent(t.app, 'belajar@uji.go.id', DEFAULT_PASSWORD);
    expect((await agent.get('/admin/outbox')).status).toBe(403);
    expect((await postForm(agent, '/', `/admin/undangan/orang/${learner._id}`, {})).status).toBe(403);
  });
});

/** Posts the forgotten-password form from a client at `ip` (TRUST_PROXY=1 believes one hop). */
async function forgot(identifier: string, ip: string) {
  const agent = request.agent(t.app);
  const form = await agent.get('/lupa-sandi').set('X-Forwarded-For', ip);
  const started = process.hrtime.bigint();
  const res = await agent
    .post('/lupa-sandi')
    .set('X-Forwarded-For', ip)
    .type('form')
    .send({ _csrf: csrfTokenFrom(form.text), identifier });
  return { res, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

const withoutTokens = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '');

async function mailsTo(email: string, count: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const n = await Mail.countDocuments({ to: email });
    if (n >= count) return n;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Mail.countDocuments({ to: email });
}

describe('a forgotten password', () => {
  it('is offered on the sign-in page', async () => {
    const login = await request(t.app).get('/login');
    expect(login.text).toContain('<a href="/lupa-sandi">Lupa kata sandi?</a>');
    expect((await request(t.app).get('/lupa-sandi')).status).toBe(200);
  });

  it('answers an unknown account exactly like a known one: status, body and time', async () => {
    const known = await Promise.all(
      Array.from({ length: 12 }, (_, i) => createUser({ opd: opdA as never, email: `tahu${i}@uji.go.id` })),
    );
    const times = { known: [] as number[], unknown: [] as number[] };
    let knownBody = '';
    let unknownBody = '';
    for (let i = 0; i < 12; i++) {
      const k = await forgot(known[i].email!, `10.1.0.${i}`);
      const u = await forgot(`tidakada${i}@uji.go.id`, `10.1.1.${i}`);
      expect([k.res.status, u.res.status]).toEqual([200, 200]);
      knownBody = withoutTokens(k.res.text);
      unknownBody = withoutTokens(u.res.text);
      expect(knownBody).toBe(unknownBody);
      times.known.push(k.ms);
      times.unknown.push(u.ms);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    // Both paths do the same work before answering (the mail is written once the answer is sent);
    // what is left is the noise of a shared machine.
    expect(Math.abs(median(times.known) - median(times.unknown))).toBeLessThan(30);
    expect(await mailsTo('tahu11@uji.go.id', 1)).toBe(1);
    expect(knownBody).toContain('Tautan berlaku 60 menit');
  });

  it("mails a link to a NIP's owner that sets a new password once and ends their other sessions", async () => {
    const dewi = await createUser({ opd: opdA as never, email: 'dewi@uji.go.id', name: 'Dewi Lubis' });
    const elsewhere = await signedInAgent(t.app, 'dewi@uji.go.id', DEFAULT_PASSWORD);
    expect((await forgot(dewi.nip!.replace(/^(\d{8})(\d{6})/, '$1 $2 '), '10.2.0.1')).res.status).toBe(200);
    expect(await mailsTo('dewi@uji.go.id', 1)).toBe(1);
    const link = await linkFromOutbox('dewi@uji.go.id');
    expect((await request(t.app).get(link)).text).toContain('Atur ulang kata sandi');
    expect((await setPassword(link)).status).toBe(200);
    const after = await elsewhere.get('/data-saya');
    expect(after.status).toBe(302);
    expect(String(after.headers.location)).toMatch(/^\/login/);
    expect((await signIn(request.agent(t.app), dewi.nip!, NEW_PASSWORD)).status).toBe(302);
    expect((await setPassword(link, 'Lain#Sandi2026x')).status).toBe(410);
    const actions = (await AuditEntry.find({ targetId: String(dewi._id) }).lean())
      .map((e) => e.action)
      .sort();
    expect(actions).toEqual(['user.password.recovered', 'user.password.recoveryRequested']);
  });

  it('sends nothing to an account without an email, and at most the limit per account an hour', async () => {
    const silent = await createUser({ opd: opdA as never, email: null });
    const res = await forgot(silent.nip!, '10.3.0.1');
    expect(res.res.status).toBe(200);
    await createUser({ opd: opdA as never, email: 'banyak@uji.go.id' });
    for (let i = 0; i < 5; i++)
      expect((await forgot('BANYAK@uji.go.id', `10.3.1.${i}`)).res.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await Mail.countDocuments({ to: 'banyak@uji.go.id' })).toBe(3);
  });

  it('is limited per IP with the sign-in limiter (429)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await forgot(`orang${i}@uji.go.id`, '10.4.0.1')).res.status);
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(200));
    expect(statuses[30]).toBe(429);
  });

  it('lists the mails sent to a person in "Data saya"', async () => {
    const agent = await signedInAgent(t.app, 'rina@uji.go.id', NEW_PASSWORD);
    const page = await agent.get('/data-saya');
    expect(page.text).toContain('Surel kepada saya');
    expect(page.text).toContain('Undangan ke BinaASN: buat kata sandi Anda');
    const download = JSON.parse((await agent.get('/data-saya/unduh')).text);
    expect(download.sections.mails).toEqual([
      expect.objectContaining({ to: 'rina@uji.go.id', kind: 'invitation', status: 'outbox' }),
    ]);
  });
});
