// Mail through a real SMTP server started in the test (smtp-server, parsed with mailparser): an
// invitation arrives in the person's language with its single-use link, the link works once and
// expires, a mail server that is down delays mail and loses none, two workers send each mail once,
// and a reminder is sent once per person, kind and occasion.
import request from 'supertest';
import type { ParsedMail } from 'mailparser';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { postForm, signedInAgent, signIn, type Agent } from '../support/auth';
import { startTestSmtp, type TestSmtp } from '../support/smtp';
import { createMailWorker, mail, smtpTransport, type MailWorker } from '../../src/mail';
import { notifications } from '../../src/notifications';
import { Mail } from '../../src/mail/mail.model';

let t: TestApp;
let smtp: TestSmtp;
let worker: MailWorker;
let hr: Agent;
let opd: { _id: unknown };

const NEW_PASSWORD = 'Bunga#Melati2026';

beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await createTestApp({ env: { SMTP_URL: smtp.url, BASE_URL: 'https://binaasn.pemkomedan.go.id' } });
  worker = createMailWorker({ config: t.config, transport: smtpTransport(smtp.url), clock: t.clock });
  opd = await createOpd({ code: 'DISDUKCAPIL', name: 'Disdukcapil' });
  await createUser({ roles: ['hr', 'learner'], opd: opd as never, email: 'hr@uji.go.id' });
});

afterAll(async () => {
  await smtp.stop();
  await t.close();
});

beforeEach(async () => {
  await smtp.start();
  hr = await signedInAgent(t.app, 'hr@uji.go.id', DEFAULT_PASSWORD); // the clock moves between tests
  smtp.received.length = 0;
  await Mail.deleteMany({});
});

const linkIn = (m: ParsedMail) =>
  /https:\/\/binaasn\.pemkomedan\.go\.id(\/atur-sandi\/[A-Za-z0-9_-]{43})/.exec(m.text ?? '')![1];

async function invite(personId: unknown): Promise<void> {
  const res = await postForm(hr, '/admin/undangan', `/admin/undangan/orang/${personId}`, {});
  expect(res.status).toBe(303);
}

describe('an invitation over SMTP', () => {
  it("arrives in the person's language as text and accessible HTML, with a link from BASE_URL; the body leaves the database", async () => {
    const person = await createUser({
      opd: opd as never,
      password: null,
      email: 'rina@uji.go.id',
      name: 'Rina Sembiring',
      language: 'en',
    });
    await invite(person._id);
    expect(await worker.runOnce()).toBe(1);
    const [received] = await smtp.waitFor(1);
    expect(received.to).toMatchObject({ value: [{ address: 'rina@uji.go.id', name: 'Rina Sembiring' }] });
    expect(received.from?.value[0].address).toBe('binaasn@pemkomedan.go.id');
    expect(received.subject).toBe('Invitation to BinaASN: create your password');
    expect(received.text).toContain('Dear Rina Sembiring,');
    expect(received.html).toContain('<html lang="en">');
    expect(received.html).toContain(`href="https://binaasn.pemkomedan.go.id${linkIn(received)}"`);
    expect(received.headers.get('auto-submitted')).toBe('auto-generated');
    const stored = await Mail.findOne({}).lean();
    expect(stored).toMatchObject({ status: 'sent', attempts: 1 });
    expect(stored!.text).toBeUndefined();
    expect(stored!.html).toBeUndefined();
  });

  it('works once, then says so; a forged link and an expired one get their own clear page', async () => {
    const person = await createUser({ opd: opd as never, password: null, email: 'budi@uji.go.id' });
    await invite(person._id);
    await worker.runOnce();
    const link = linkIn((await smtp.waitFor(1))[0]);
    const visitor = request.agent(t.app);
    const form = await visitor.get(link);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Selamat datang di BinaASN');
    expect(form.headers['referrer-policy']).toBe('no-referrer');
    const weak = await postForm(visitor, link, link, { password: 'pendek', confirmPassword: 'pendek' });
    expect(weak.status).toBe(422);
    const done = await postForm(visitor, link, link, {
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Kata sandi tersimpan');
    expect((await signIn(request.agent(t.app), 'budi@uji.go.id', NEW_PASSWORD)).status).toBe(302);

    const again = await visitor.get(link);
    expect(again.status).toBe(410);
    expect(again.text).toContain('Tautan sudah dipakai');
    const forged = await visitor.get('/atur-sandi/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(forged.status).toBe(404);
    expect(forged.text).toContain('Tautan tidak dikenal');

    const late = await createUser({ opd: opd as never, password: null, email: 'late@uji.go.id' });
    await invite(late._id);
    await worker.runOnce();
    const lateLink = linkIn((await smtp.waitFor(2))[1]);
    t.clock.advance(7 * 86_400_000 + 1000);
    const expired = await visitor.get(lateLink);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('Tautan sudah kedaluwarsa');
    const tooLate = await postForm(visitor, '/lupa-sandi', lateLink, {
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(tooLate.status).toBe(410);
  });
});

describe('a mail server that is down for a while', () => {
  it('delays the mail with growing waits and sends it once when it is back', async () => {
    const person = await createUser({ opd: opd as never, password: null, email: 'sabar@uji.go.id' });
    await smtp.stop();
    await invite(person._id);
    expect(await worker.runOnce()).toBe(0);
    let stored = await Mail.findOne({}).lean();
    expect(stored).toMatchObject({ status: 'queued', attempts: 1 });
    expect(stored!.nextAttemptAt!.getTime() - t.clock().getTime()).toBe(30_000);
    expect(stored!.lastError).toMatch(/ECONNREFUSED/);
    t.clock.advance(30_000);
    expect(await worker.runOnce()).toBe(0);
    stored = await Mail.findOne({}).lean();
    expect(stored!.nextAttemptAt!.getTime() - t.clock().getTime()).toBe(60_000); // backed off

    await smtp.start();
    expect(await worker.runOnce()).toBe(0); // not due yet
    t.clock.advance(60_000);
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(0);
    await smtp.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.received).toHaveLength(1);
    expect(await Mail.findOne({}).lean()).toMatchObject({ status: 'sent', attempts: 3 });
  });
});

describe('two workers on one queue', () => {
  it('send each mail exactly once', async () => {
    const people = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        createUser({ opd: opd as never, password: null, email: `dua${i}@uji.go.id` }),
      ),
    );
    for (const p of people)
      await mail.enqueue(
        t.config,
        { personId: String(p._id), email: p.email!, name: p.name, language: 'id' },
        'completed',
        { course: 'Literasi Digital' },
        { now: t.clock() },
      );
    const other = createMailWorker({ config: t.config, transport: smtpTransport(smtp.url), clock: t.clock });
    const [a, b] = await Promise.all([worker.runOnce(), other.runOnce()]);
    expect(a + b).toBe(12);
    const received = await smtp.waitFor(12);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const ids = received.map((m) => String(m.headers.get('x-binaasn-mail')));
    expect(new Set(ids).size).toBe(12);
    expect(received).toHaveLength(12);
  });
});

describe('the notification seam', () => {
  it('sends a reminder once per person, kind and occasion, and not at all when the person turned it off', async () => {
    const learner = await createUser({ opd: opd as never, email: 'ingat@uji.go.id', name: 'Dewi Lestari' });
    const due = {
      course: 'Pelayanan Publik Prima',
      dueAt: new Date('2026-12-07T03:00:00Z'),
      href: '/kursus/pp',
    };
    const options = { now: t.clock(), occasion: 'enrolment-1' };
    expect(await notifications.notify(t.config, learner._id, 'dueSoon', due, options)).toBe('queued');
    expect(await notifications.notify(t.config, learner._id, 'dueSoon', due, options)).toBe('duplicate');
    expect(await notifications.notify(t.config, learner._id, 'overdue', due, options)).toBe('queued');
    const agent = await signedInAgent(t.app, 'ingat@uji.go.id', DEFAULT_PASSWORD);
    const saved = await postForm(agent, '/akun/notifikasi', '/akun/notifikasi', { on: 'dueSoon' });
    expect(saved.status).toBe(303);
    expect(await notifications.notify(t.config, learner._id, 'completed', { course: 'X' }, options)).toBe(
      'turnedOff',
    );
    expect(await worker.runOnce()).toBe(2);
    const received = await smtp.waitFor(2);
    expect(received.map((m) => m.subject).sort()).toEqual([
      'Kursus Anda melewati batas waktu',
      'Pengingat: batas waktu kursus 7 hari lagi',
    ]);
    const reminder = received.find((m) => m.subject?.startsWith('Pengingat'))!;
    expect(reminder.text).toContain('"Pelayanan Publik Prima" adalah 7 Des 2026');
    expect(reminder.text).toContain('https://binaasn.pemkomedan.go.id/kursus/pp');
    expect(reminder.text).toContain('https://binaasn.pemkomedan.go.id/akun/notifikasi');
  });

  it('sends HR a weekly digest without NIPs or scores, once a week, unless turned off', async () => {
    const hrPerson = await createUser({
      roles: ['hr', 'learner'],
      opd: opd as never,
      email: 'digest@uji.go.id',
    });
    const nip = '199001012015031001';
    const data = {
      opd: 'Disdukcapil',
      total: 1,
      rows: [
        {
          person: 'Rina Sembiring',
          course: 'Literasi Digital',
          dueAt: new Date('2026-11-20T00:00:00Z'),
          nip,
          score: 42,
        },
      ],
    };
    expect(await notifications.weeklyDigest(t.config, hrPerson._id, data as never, t.clock())).toBe('queued');
    expect(await notifications.weeklyDigest(t.config, hrPerson._id, data as never, t.clock())).toBe(
      'duplicate',
    );
    expect(
      await notifications.weeklyDigest(t.config, hrPerson._id, { ...data, total: 0, rows: [] }, t.clock()),
    ).toBe('nothingOverdue');
    await worker.runOnce();
    const [digest] = await smtp.waitFor(1);
    expect(digest.subject).toBe('Ringkasan mingguan: penugasan yang terlambat');
    expect(digest.text).toContain('Rina Sembiring');
    for (const body of [digest.text ?? '', String(digest.html)]) {
      expect(body).not.toContain(nip);
      expect(body).not.toContain('42');
    }
  });
});
