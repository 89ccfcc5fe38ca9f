// Service units and the public satisfaction survey (IKM), end to end through the real app: the
// public form without a session document, CSRF in the signed cookie, the honeypot, the per-address
// limit, HR scope by OPD, hostile text on pages and exports, results, suggestions and the impact view.
import mongoose from 'mongoose';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfTokenFrom, postForm, signedInAgent, type Agent } from '../support/auth';
import { injectedElements } from '../support/crawl';
import { HTML_PAYLOADS } from '../fixtures/hostile/payloads';
import { ServiceUnit } from '../../src/evaluation/service-unit.model';
import { SurveyResponse } from '../../src/evaluation/survey-response.model';
import { Feedback } from '../../src/evaluation/feedback.model';
import { registerCompletionSource } from '../../src/evaluation';

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
  registerCompletionSource(undefined);
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
    const xlsx = await admin
      .get(`/unit-layanan/${unitB.id}/hasil.xlsx`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
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
  it('says there is no completion data yet and that it is a correlation', async () => {
    const res = await hrA.get(`/unit-layanan/${unitA.id}/dampak`);
    expect(res.text).toContain('data-testid="no-completions"');
    expect(res.text).toContain('bukan bukti');
  });

  it('shows the share of staff from a registered completion source', async () => {
    const seen: unknown[] = [];
    registerCompletionSource(async (query) => {
      seen.push(query);
      return query.at.map((_, i) => ({ staff: 10, completed: Math.min(10, i * 2) }));
    });
    const res = await hrA.get(`/unit-layanan/${unitA.id}/dampak?kursus=5f0000000000000000000bad`);
    expect(res.text).not.toContain('data-testid="no-completions"');
    // An unknown course id is dropped: nothing is asked for, so no share is shown.
    expect(seen).toEqual([]);
    registerCompletionSource(undefined);
  });
});
