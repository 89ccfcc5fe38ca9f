// Service units and the public satisfaction survey (IKM), end to end through the real app: the
// public form without a session document, CSRF in the signed cookie, the honeypot, the per-address
// limit, HR scope by OPD, hostile text on pages and exports, results, suggestions and the impact view.
import mongoose from 'mongoose';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfToken, csrfTokenFrom, postForm, signedInAgent, type Agent } from '../support/auth';
import { injectedElements } from '../support/crawl';
import { HTML_PAYLOADS } from '../fixtures/hostile/payloads';
import { ServiceUnit } from '../../src/evaluation/service-unit.model';
import { SurveyResponse } from '../../src/evaluation/survey-response.model';
import { Feedback } from '../../src/evaluation/feedback.model';
import { insertDemoEnrolments } from '../../src/learning';
import { publishCourse } from '../support/learning';
import { collectBytes } from '../support/download';

let t: TestApp;
let hrA: Agent;
let hrB: Agent;
let admin: Agent;
let unitA: { id: string; code: string };
let unitB: { id: string; code: string };
const HOSTILE = HTML_PAYLOADS[0];

const sessions = () => mongoose.connection.collection('sessions');
const answers = (score: string, keys = 9) =>
  Object.fromEntries(Array.from({ length: keys }, (_, i) => [`u${i + 1}`, score]));

async function createUnitAs(agent: Agent, opd: string, name: string) {
  const res = await postForm(agent, '/unit-layanan/baru', '/unit-layanan', {
    name,
    opd,
    monthlyVolume: '300',
  });
  expect(res.status).toBe(303);
  const id = String(res.headers.location).split('/').pop()!;
  const unit = await ServiceUnit.findById(id).lean();
  return { id, code: unit!.code };
}

/** A citizen's visit: the form, then the post with the token of the signed cookie. */
async function answerSurvey(code: string, fields: Record<string, string>) {
  const citizen = request.agent(t.app);
  const page = await citizen.get(`/ikm/${code}`);
  return citizen
    .post(`/ikm/${code}`)
    .type('form')
    .send({ _csrf: csrfTokenFrom(page.text), ...fields });
}

beforeAll(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: '1' } }); // the flood below comes from its own address
  const opdA = await createOpd({ code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' });
  const opdB = await createOpd({ code: 'DINKES', name: 'Dinas Kesehatan' });
  await createUser({ roles: ['hr'], opd: opdA, email: 'hr.a@uji.go.id' });
  await createUser({ roles: ['hr'], opd: opdB, email: 'hr.b@uji.go.id' });
  await createUser({ roles: ['admin'], email: 'admin@uji.go.id' });
  [hrA, hrB, admin] = await Promise.all(
    ['hr.a@uji.go.id', 'hr.b@uji.go.id', 'admin@uji.go.id'].map((e) =>
      signedInAgent(t.app, e, DEFAULT_PASSWORD),
    ),
  );
  unitA = await createUnitAs(hrA, String(opdA._id), 'Loket KTP-el');
  unitB = await createUnitAs(hrB, String(opdB._id), `Puskesmas ${HOSTILE}`);
});

afterAll(async () => {
  await t.close();
});

describe('the public survey form', () => {
  it('answers without signing in and without creating a session document, CSRF token in a signed cookie', async () => {
    const before = await sessions().countDocuments();
    const citizen = request.agent(t.app);
    const page = await citizen.get(`/ikm/${unitA.code}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Loket KTP-el');
    expect(page.text).toContain('Persyaratan');
    expect(page.text).toContain('Sangat sesuai');
    expect(String(page.headers['set-cookie'])).toMatch(
      /binaasn\.csrf=[^;]+\.[^;]+; Path=\/; HttpOnly; SameSite=Lax/,
    );
    const post = await citizen
      .post(`/ikm/${unitA.code}`)
      .type('form')
      .send({ _csrf: csrfTokenFrom(page.text), ...answers('4'), ageBand: '30-39', sex: 'p' });
    expect(post.status).toBe(303);
    expect(post.headers.location).toBe(`/ikm/${unitA.code}/terima-kasih`);
    const thanks = await citizen.get(post.headers.location);
    expect(thanks.status).toBe(200);
    expect(thanks.text).toContain('Terima kasih');
    expect(await sessions().countDocuments()).toBe(before);
    const saved = await SurveyResponse.findOne({ unit: unitA.id }).lean();
    expect(saved!.answers).toHaveLength(9);
    expect(saved!.answers.every((a) => a.score === 4)).toBe(true);
    expect(saved!.profile).toMatchObject({ ageBand: '30-39', sex: 'p' });
  });

  it('refuses a post without the token of the signed cookie', async () => {
    const before = await SurveyResponse.countDocuments();
    const res = await request(t.app).post(`/ikm/${unitA.code}`).type('form').send(answers('4'));
    expect(res.status).toBe(403);
    const forged = await request(t.app)
      .post(`/ikm/${unitA.code}`)
      .set('Cookie', 'binaasn.csrf=abc.def')
      .type('form')
      .send({ _csrf: 'abc', ...answers('4') });
    expect(forged.status).toBe(403);
    expect(await SurveyResponse.countDocuments()).toBe(before);
  });

  it('shows the form again with a message next to an unanswered element, keeping the answers', async () => {
    const fields: Record<string, string> = { ...answers('3'), feedback: 'Antrean panjang' };
    delete fields.u4;
    const res = await answerSurvey(unitA.code, fields);
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="err-u4"');
    expect(res.text).toContain('Pilih salah satu jawaban.');
    expect(res.text).toContain('Antrean panjang');
    expect(res.text).toMatch(/name="u1" value="3" required checked/);
  });

  it('refuses extra fields and asks for a contact only from someone who wants an answer', async () => {
    expect((await answerSurvey(unitA.code, { ...answers('3'), opd: 'x' })).status).toBe(422);
    const wants = await answerSurvey(unitA.code, {
      ...answers('3'),
      feedback: 'Tolong hubungi',
      wantsReply: 'ya',
    });
    expect(wants.status).toBe(422);
    expect(wants.text).toContain('Isi nomor telepon atau email agar kami dapat menjawab.');
  });

  it('stores a suggestion without contact unless the citizen asks for an answer', async () => {
    await answerSurvey(unitA.code, {
      ...answers('2'),
      feedbackKind: 'saran',
      feedback: 'Tambah kursi',
      contactReach: '0812',
    });
    await answerSurvey(unitA.code, {
      ...answers('2'),
      feedbackKind: 'pengaduan',
      feedback: 'Petugas tidak ada',
      wantsReply: 'ya',
      contactName: 'Budi',
      contactReach: '081234567890',
    });
    const saran = await Feedback.findOne({ text: 'Tambah kursi' }).lean();
    expect(saran!.contact?.reach).toBeUndefined();
    const pengaduan = await Feedback.findOne({ text: 'Petugas tidak ada' }).lean();
    expect(pengaduan).toMatchObject({
      kind: 'pengaduan',
      status: 'new',
      contact: { name: 'Budi', reach: '081234567890' },
    });
  });

  it('thanks a bot that filled the honeypot and stores nothing', async () => {
    const before = await SurveyResponse.countDocuments();
    const res = await answerSurvey(unitA.code, {
      ...answers('4'),
      feedback: 'spam',
      website: 'http://spam.example',
    });
    expect(res.status).toBe(303);
    expect(await SurveyResponse.countDocuments()).toBe(before);
    expect(await Feedback.countDocuments({ text: 'spam' })).toBe(0);
  });

  it('answers 404 for an unknown or inactive unit code', async () => {
    expect((await request(t.app).get('/ikm/zzzzzzzz')).status).toBe(404);
    expect((await request(t.app).get('/ikm/..%2F..%2Fetc')).status).toBe(404);
  });

  it('refuses the posts of one address past the limit: 1,000 posts, 20 stored', async () => {
    const before = await SurveyResponse.countDocuments({ unit: unitA.id });
    const citizen = request.agent(t.app);
    const token = csrfTokenFrom((await citizen.get(`/ikm/${unitA.code}`)).text);
    const statuses: number[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const posts = Array.from({ length: 50 }, () =>
        citizen
          .post(`/ikm/${unitA.code}`)
          .set('X-Forwarded-For', '203.0.113.9')
          .type('form')
          .send({ _csrf: token, ...answers('3') }),
      );
      statuses.push(...(await Promise.all(posts)).map((r) => r.status));
    }
    expect(statuses.filter((s) => s === 303)).toHaveLength(t.config.survey.perAddressPerHour);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1000 - t.config.survey.perAddressPerHour);
    expect(await SurveyResponse.countDocuments({ unit: unitA.id })).toBe(
      before + t.config.survey.perAddressPerHour,
    );
    const refused = await citizen
      .post(`/ikm/${unitA.code}`)
      .set('X-Forwarded-For', '203.0.113.9')
      .type('form')
      .send({ _csrf: token, ...answers('3') });
    expect(refused.text).toContain('Terlalu banyak jawaban');
    // Another address is not refused by this one's flood.
    expect((await answerSurvey(unitA.code, answers('3'))).status).toBe(303);
  }, 120_000);
});

describe('service units for HR', () => {
  it("lists only the units of the HR person's OPD; another OPD's unit answers 404 on every channel", async () => {
    const list = await hrA.get('/unit-layanan');
    expect(list.text).toContain('Loket KTP-el');
    expect(list.text).not.toContain('Puskesmas');
    for (const path of [
      '',
      '/ubah',
      '/instrumen',
      '/poster.pdf',
      '/hasil.csv',
      '/hasil.xlsx',
      '/laporan.pdf',
      '/masukan',
      '/dampak',
      '/staf',
    ]) {
      const foreign = await hrA.get(`/unit-layanan/${unitB.id}${path}`);
      expect([path, foreign.status]).toEqual([path, 404]);
    }
    const edit = await postForm(hrA, '/unit-layanan/baru', `/unit-layanan/${unitB.id}`, {
      name: 'Diambil alih',
      opd: String((await ServiceUnit.findById(unitA.id).lean())!.opd),
      monthlyVolume: '1',
    });
    expect(edit.status).toBe(404);
    expect((await ServiceUnit.findById(unitB.id).lean())!.name).toContain('Puskesmas');
  });

  it('refuses to place a unit in another OPD', async () => {
    const opdB = String((await ServiceUnit.findById(unitB.id).lean())!.opd);
    const res = await postForm(hrA, '/unit-layanan/baru', '/unit-layanan', {
      name: 'Unit lain',
      opd: opdB,
      monthlyVolume: '5',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Pilih perangkat daerah yang boleh Anda kelola.');
  });

  it('shows the count, IKM and grade of a period, with the sample note', async () => {
    const res = await hrA.get(`/unit-layanan/${unitA.id}?periode=2020`);
    expect(res.text).toContain('data-testid="respondents">0<');
    const now = await hrA.get(`/unit-layanan/${unitA.id}`);
    const count = await SurveyResponse.countDocuments({ unit: unitA.id });
    expect(now.text).toContain(`data-testid="respondents">${count}<`);
    expect(now.text).toMatch(/data-testid="grade">[ABCD] \(/);
    expect(now.text).toContain('di bawah sampel minimum');
    expect(now.text).toContain('rumus Krejcie dan Morgan');
    expect(now.text).toContain('PermenPANRB 14/2017');
  });

  it('edits the survey elements: five elements, and the public form follows', async () => {
    const fields: Record<string, string> = {};
    for (let n = 0; n < 5; n++) {
      Object.assign(fields, {
        [`e${n}_key`]: `u${n + 1}`,
        [`e${n}_name`]: n === 0 ? `Unsur ${HOSTILE}` : `Unsur ${n + 1}`,
        [`e${n}_question`]: `Pertanyaan ${n + 1}?`,
        [`e${n}_o1`]: 'Buruk',
        [`e${n}_o2`]: 'Cukup',
        [`e${n}_o3`]: 'Baik',
        [`e${n}_o4`]: 'Sangat baik',
      });
    }
    const res = await postForm(
      hrA,
      `/unit-layanan/${unitA.id}/instrumen`,
      `/unit-layanan/${unitA.id}/instrumen`,
      fields,
    );
    expect(res.status).toBe(303);
    const unit = await ServiceUnit.findById(unitA.id).lean();
    expect(unit!.elements.map((e) => e.key)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    const form = await request(t.app).get(`/ikm/${unitA.code}`);
    expect(form.text).toContain('Pertanyaan 5?');
    expect(form.text).not.toContain('Waktu Penyelesaian');
    expect(injectedElements(form.text)).toEqual([]);
    expect((await answerSurvey(unitA.code, answers('4', 5))).status).toBe(303);
  });

  it('follows up a complaint with an SP4N-LAPOR! tier and its due date', async () => {
    const item = await Feedback.findOne({ text: 'Petugas tidak ada' }).lean();
    const page = `/unit-layanan/${unitA.id}/masukan/${String(item!._id)}`;
    expect((await hrA.get(page)).text).toContain('081234567890');
    const res = await postForm(hrA, page, page, {
      status: 'handling',
      tier: '5',
      note: 'Diteruskan ke kepala seksi',
    });
    expect(res.status).toBe(303);
    const saved = await Feedback.findById(item!._id).lean();
    expect(saved).toMatchObject({ status: 'handling', tier: 5, note: 'Diteruskan ke kepala seksi' });
    expect(saved!.dueAt!.getTime()).toBeGreaterThan(saved!.receivedAt.getTime() + 5 * 86_400_000);
    expect((await postForm(hrA, page, page, { status: 'closed', tier: '7' })).status).toBe(422);
    expect((await hrB.get(page)).status).toBe(404);
  });
});

describe('national holidays and cuti bersama in the due dates', () => {
  // A complaint received on Friday 4 Dec 2026, 10:00 WIB. Without holidays: 2 working days → Tue 8 Dec,
  // 5 → Fri 11 Dec. With Tue 8 Dec as cuti bersama: 2 → Wed 9 Dec, 5 → Mon 14 Dec (end of day, WIB).
  const friday = new Date('2026-12-04T03:00:00Z');
  const endOf = (day: string) => new Date(`${day}T16:59:59.999Z`).getTime();
  let open: string;
  let settled: string;

  beforeAll(async () => {
    const unit = (await ServiceUnit.findById(unitA.id).lean())!;
    const base = { unit: unit._id, opd: unit.opd, kind: 'pengaduan', receivedAt: friday, tier: 5 };
    open = String(
      (
        await Feedback.create({
          ...base,
          text: 'Terbuka',
          status: 'handling',
          dueAt: new Date(endOf('2026-12-10')),
        })
      )._id,
    );
    settled = String(
      (
        await Feedback.create({
          ...base,
          text: 'Selesai',
          status: 'settled',
          dueAt: new Date(endOf('2026-12-10')),
        })
      )._id,
    );
  });

  it('are kept by admins only, with a message next to a wrong date and a day already listed', async () => {
    expect((await hrA.get('/admin/hari-libur')).status).toBe(403);
    const page = await admin.get('/admin/hari-libur?tahun=2026');
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="no-holidays"');
    const wrong = await postForm(admin, '/admin/hari-libur', '/admin/hari-libur', {
      date: '2026-02-30',
      name: 'Hari uji',
      kind: 'libur_nasional',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('Isi tanggal yang benar.');
    expect(wrong.text).toContain('value="Hari uji"');
    const added = await postForm(admin, '/admin/hari-libur', '/admin/hari-libur', {
      date: '2026-12-08',
      name: 'Cuti bersama uji',
      kind: 'cuti_bersama',
    });
    expect(added.status).toBe(303);
    expect(added.headers.location).toBe('/admin/hari-libur?tahun=2026');
    const again = await postForm(admin, '/admin/hari-libur', '/admin/hari-libur', {
      date: '2026-12-08',
      name: 'Dua kali',
      kind: 'libur_nasional',
    });
    expect(again.status).toBe(422);
    expect(again.text).toContain('Tanggal ini sudah tercatat sebagai hari libur.');
    expect((await admin.get('/admin/hari-libur?tahun=2026')).text).toContain('Cuti bersama uji');
  });

  it('move the due dates of open complaints when added or removed, and count in a new follow-up', async () => {
    expect((await Feedback.findById(open).lean())!.dueAt!.getTime()).toBe(endOf('2026-12-14'));
    expect((await Feedback.findById(settled).lean())!.dueAt!.getTime()).toBe(endOf('2026-12-10'));
    const page = `/unit-layanan/${unitA.id}/masukan/${open}`;
    const res = await postForm(hrA, page, page, { status: 'handling', tier: '2', note: '' });
    expect(res.status).toBe(303);
    expect((await Feedback.findById(open).lean())!.dueAt!.getTime()).toBe(endOf('2026-12-09'));
    const list = await admin.get('/admin/hari-libur?tahun=2026');
    const id = /action="\/admin\/hari-libur\/([0-9a-f]{24})\/hapus"/.exec(list.text)![1];
    const removed = await postForm(
      admin,
      '/admin/hari-libur?tahun=2026',
      `/admin/hari-libur/${id}/hapus`,
      {},
    );
    expect(removed.status).toBe(303);
    expect((await Feedback.findById(open).lean())!.dueAt!.getTime()).toBe(endOf('2026-12-08'));
    expect((await admin.get('/admin/hari-libur?tahun=2026')).text).toContain('data-testid="no-holidays"');
    const foreign = await postForm(admin, '/admin/hari-libur', `/admin/hari-libur/${id}/hapus`, {});
    expect(foreign.status).toBe(404);
  });
});

describe('hostile text', () => {
  beforeAll(async () => {
    for (const payload of HTML_PAYLOADS)
      await answerSurvey(unitB.code, {
        ...answers('3'),
        feedback: payload,
        wantsReply: 'ya',
        contactName: payload,
        contactReach: payload,
      });
  });

  it('is shown as text on every page of the unit', async () => {
    const items = await Feedback.find({ unit: unitB.id }).lean();
    const pages = [
      '/unit-layanan',
      `/unit-layanan/${unitB.id}`,
      `/unit-layanan/${unitB.id}/ubah`,
      `/unit-layanan/${unitB.id}/instrumen`,
      `/unit-layanan/${unitB.id}/masukan`,
      `/unit-layanan/${unitB.id}/dampak`,
      `/unit-layanan/${unitB.id}/masukan/${String(items[0]._id)}`,
      '/unit-layanan/peringkat',
      '/',
    ];
    for (const page of pages) {
      const res = await admin.get(page);
      expect([page, res.status]).toEqual([page, 200]);
      expect([page, injectedElements(res.text)]).toEqual([page, []]);
    }
    for (const page of [`/ikm/${unitB.code}`, `/ikm/${unitB.code}/terima-kasih`]) {
      const res = await request(t.app).get(page);
      expect(injectedElements(res.text)).toEqual([]);
      expect(res.text).toContain('&lt;img src=x');
    }
  });

  it('is neutralised in the CSV and XLSX exports', async () => {
    await ServiceUnit.updateOne(
      { _id: unitB.id },
      { $set: { 'elements.0.name': '=HYPERLINK("http://evil.example")' } },
    );
    const csv = await admin.get(`/unit-layanan/${unitB.id}/hasil.csv`);
    expect(csv.headers['content-disposition']).toMatch(
      /^attachment; filename="ikm-[a-z0-9]+-\d{4}-Q\d\.csv"$/,
    );
    expect(csv.text).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    const xlsx = await admin.get(`/unit-layanan/${unitB.id}/hasil.xlsx`).buffer(true).parse(collectBytes);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as never);
    const cells: string[] = [];
    book.worksheets[0].eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value))));
    expect(cells).toContain(`'=HYPERLINK("http://evil.example")`);
    expect(cells.some((c) => c.startsWith('='))).toBe(false);
  });

  it('leaves the PDF report and the poster as PDFs', async () => {
    for (const path of ['laporan.pdf', 'poster.pdf']) {
      const res = await admin.get(`/unit-layanan/${unitB.id}/${path}`).buffer(true);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(String(res.body ?? res.text).slice(0, 5)).toBe('%PDF-');
    }
  });
});

describe('training impact', () => {
  it("asks for the unit's staff until it has some, and says it is a correlation", async () => {
    const res = await hrA.get(`/unit-layanan/${unitA.id}/dampak`);
    expect(res.text).toContain('data-testid="no-staff"');
    expect(res.text).not.toContain('data-testid="no-completions"');
    expect(res.text).toContain('bukan bukti');
    expect(res.text).toContain(`href="/unit-layanan/${unitA.id}/staf"`);
  });

  describe('a unit with staff and completions (figures worked by hand)', () => {
    // Clock in 2026-Q4: the view shows 2025-Q1 … 2026-Q4. Unit "Loket Akta" of OPD A has three staff:
    // p1 by unit kerja ("LOKET  akta." reads as the unit's name), p2 and p3 ticked by HR. p4 (OPD A,
    // not on the staff) and pB (OPD B) complete courses too and must not count.
    // Completions: p1 course K on 20 Aug 2025 (2025-Q3); p2 course K2 on 1 Aug 2025 (2025-Q3) and K on
    // 20 May 2026 (2026-Q2); p3 none; p4 K on 15 Jan 2026; pB K on 1 Mar 2025.
    // Both courses: trained 0, 0, 2, 2, 2, 2, 2, 2 of 3 → 0.0, 0.0, 66.7, 66.7, 66.7, 66.7, 66.7, 66.7 %.
    // K only: p2 counts from 2026-Q2 → 0.0, 0.0, 33.3, 33.3, 33.3, 66.7, 66.7, 66.7 %.
    // IKM: 2025-Q2 two answers all 2 → 50.00; 2025-Q4 two answers all 3 → 75.00; 2026-Q2 one all 4 and
    // one all 3 → NRR 3.5 → 87.50; other quarters have no answers.
    // Wave (the largest rise of the shown shares): both courses 2025-Q3 (+66.7): before 50.00, after
    // (75 + 87.5) / 2 = 81.25; K only 2026-Q2 (66.7 − 33.3 = +33.4 > +33.3 in 2025-Q3): before
    // (50 + 75) / 2 = 62.50, after 87.50.
    const saved = { now: new Date() };
    let unitC: { id: string; code: string };
    let courseK: string;
    let courseK2: string;
    const people: Record<string, string> = {};

    beforeAll(async () => {
      saved.now = t.clock.now;
      t.clock.now = new Date('2026-11-15T05:00:00Z');
      const unitA0 = await ServiceUnit.findById(unitA.id).lean();
      const unitB0 = await ServiceUnit.findById(unitB.id).lean();
      const [opdA, opdB] = [unitA0!.opd, unitB0!.opd];
      unitC = await createUnitAs(hrA, String(opdA), 'Loket Akta');
      for (const [key, opd, unitKerja] of [
        ['p1', opdA, 'LOKET  akta.'],
        ['p2', opdA, 'Bidang Lain'],
        ['p3', opdA, 'Bidang Lain'],
        ['p4', opdA, 'Bidang Lain'],
        ['pB', opdB, 'Loket Akta'],
      ] as const)
        people[key] = String((await createUser({ opd, unitKerja, name: `Staf ${key}` }))._id);
      courseK = String((await publishCourse({ area: 'penanganan_pengaduan', title: 'Pengaduan K' }))._id);
      courseK2 = String((await publishCourse({ area: 'komunikasi', title: 'Komunikasi K2' }))._id);
      const completion = (person: string, course: string, at: string, opd = opdA) => ({
        person: people[person],
        opd: String(opd),
        course,
        lessonsDone: 99,
        source: 'self' as const,
        enrolledAt: new Date(new Date(at).getTime() - 7 * 86_400_000),
        completedAt: new Date(at),
      });
      await insertDemoEnrolments([
        completion('p1', courseK, '2025-08-20T03:00:00Z'),
        completion('p2', courseK2, '2025-08-01T03:00:00Z'),
        completion('p2', courseK, '2026-05-20T03:00:00Z'),
        completion('p4', courseK, '2026-01-15T03:00:00Z'),
        completion('pB', courseK, '2025-03-01T03:00:00Z', opdB),
      ]);
      const response = (at: string, score: number) => ({
        unit: unitC.id,
        opd: opdA,
        submittedAt: new Date(at),
        answers: Array.from({ length: 9 }, (_, i) => ({ key: `u${i + 1}`, score })),
      });
      await SurveyResponse.insertMany([
        response('2025-05-10T03:00:00Z', 2),
        response('2025-05-11T03:00:00Z', 2),
        response('2025-11-10T03:00:00Z', 3),
        response('2025-11-11T03:00:00Z', 3),
        response('2026-05-10T03:00:00Z', 4),
        response('2026-05-11T03:00:00Z', 3),
      ]);
    });

    afterAll(() => {
      t.clock.now = saved.now;
    });

    /** Posts the staff form (repeated `staff` fields, as the checkboxes send them). */
    async function postStaff(agent: Agent, unitId: string, staff: string[], match: boolean) {
      const token = await csrfToken(agent, '/unit-layanan');
      const body = new URLSearchParams([
        ['_csrf', token],
        ...staff.map((id): [string, string] => ['staff', id]),
      ]);
      if (match) body.append('matchUnitKerja', 'on');
      return agent.post(`/unit-layanan/${unitId}/staf`).type('form').send(body.toString());
    }

    const cells = (html: string) =>
      [
        ...html.matchAll(
          /<th scope="row">(\d{4}-Q\d)<\/th>\s*<td>([^<]*)<\/td>\s*<td>(\d+)<\/td>\s*<td>([^<]*)<\/td>/g,
        ),
      ].map((m) => [m[1], m[2], m[4]]);

    it("lists the OPD's people on the staff page and refuses someone of another OPD, saving nothing", async () => {
      const page = await hrA.get(`/unit-layanan/${unitC.id}/staf`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Staf p1');
      expect(page.text).not.toContain('Staf pB');
      expect(page.text).toContain('data-testid="staff-count">Saat ini 1 pegawai');
      const refused = await postStaff(hrA, unitC.id, [people.p2, people.pB], true);
      expect(refused.status).toBe(422);
      expect(refused.text).toContain('Pilih pegawai perangkat daerah unit ini yang dapat Anda kelola.');
      expect(refused.text).toContain(`id="staff-${people.p2}" name="staff" value="${people.p2}" checked`);
      expect(refused.text).not.toContain(`value="${people.p3}" checked`);
      expect((await ServiceUnit.findById(unitC.id).lean())!.staff).toEqual([]);
      expect((await hrB.get(`/unit-layanan/${unitC.id}/staf`)).status).toBe(404);
      const foreign = await postStaff(hrB, unitC.id, [people.pB], false);
      expect(foreign.status).toBe(404);
      const saved = await postStaff(hrA, unitC.id, [people.p2, people.p3], true);
      expect(saved.status).toBe(303);
      expect(saved.headers.location).toBe(`/unit-layanan/${unitC.id}/dampak`);
      const stored = (await ServiceUnit.findById(unitC.id).lean())!.staff.map(String).sort();
      expect(stored).toEqual([people.p2, people.p3].sort());
    });

    it('shows per quarter the IKM next to the share of staff who completed the chosen courses', async () => {
      const res = await hrA.get(`/unit-layanan/${unitC.id}/dampak?kursus=${courseK}&kursus=${courseK2}`);
      expect(res.text).toContain('Pegawai unit ini: 3 orang.');
      expect(cells(res.text)).toEqual([
        ['2025-Q1', '–', '0.0 %'],
        ['2025-Q2', '50.00', '0.0 %'],
        ['2025-Q3', '–', '66.7 %'],
        ['2025-Q4', '75.00', '66.7 %'],
        ['2026-Q1', '–', '66.7 %'],
        ['2026-Q2', '87.50', '66.7 %'],
        ['2026-Q3', '–', '66.7 %'],
        ['2026-Q4', '–', '66.7 %'],
      ]);
      expect(res.text).toContain('Kenaikan penyelesaian terbesar pada 2025-Q3 (+66.7 poin persen).');
      expect(res.text).toContain('Rata-rata IKM konversi sebelumnya 50.00, sesudahnya 81.25.');
      const onlyK = await hrA.get(`/unit-layanan/${unitC.id}/dampak?kursus=${courseK}`);
      expect(cells(onlyK.text).map((c) => c[2])).toEqual([
        '0.0 %',
        '0.0 %',
        '33.3 %',
        '33.3 %',
        '33.3 %',
        '66.7 %',
        '66.7 %',
        '66.7 %',
      ]);
      expect(onlyK.text).toContain('Kenaikan penyelesaian terbesar pada 2026-Q2 (+33.4 poin persen).');
      expect(onlyK.text).toContain('Rata-rata IKM konversi sebelumnya 62.50, sesudahnya 87.50.');
    });

    it('drops p1 when the unit kerja match is switched off', async () => {
      await postStaff(hrA, unitC.id, [people.p2, people.p3], false);
      const res = await hrA.get(`/unit-layanan/${unitC.id}/dampak?kursus=${courseK}&kursus=${courseK2}`);
      expect(res.text).toContain('Pegawai unit ini: 2 orang.');
      // p2 and p3 are the staff now; p2 trained from 2025-Q3: 50 %.
      expect(cells(res.text).map((c) => c[2])).toEqual([
        '0.0 %',
        '0.0 %',
        '50.0 %',
        '50.0 %',
        '50.0 %',
        '50.0 %',
        '50.0 %',
        '50.0 %',
      ]);
    });

    it("reads the dashboard's quarters from the app's clock", async () => {
      expect((await hrA.get('/')).text).toContain('Perubahan IKM konversi dari 2026-Q2 ke 2026-Q3.');
      t.clock.now = new Date('2026-04-10T05:00:00Z');
      try {
        const home = await hrA.get('/');
        expect(home.text).toContain('Perubahan IKM konversi dari 2025-Q4 ke 2026-Q1.');
      } finally {
        t.clock.now = new Date('2026-11-15T05:00:00Z');
      }
    });
  });
});
