// The OPD dashboard against a hand-computed fixture: OPD A has four active people (one of them also
// its HR), one deactivated person and courses completed either side of New Year in WIB; OPD B has one
// person. Every figure below was computed by hand from the fixture (see the comments).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { createTestApp, createTestClock, type TestApp } from '../support/app';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { postForm, signedInAgent, type Agent } from '../support/auth';
import { publishCourse } from '../support/learning';
import { insertDemoEnrolments, type DemoEnrolment } from '../../src/learning';
import { Enrolment, JpCredit } from '../../src/learning/enrolment.model';
import { User } from '../../src/users/user.model';
import { Course } from '../../src/courses/course.model';
import { AccessLogEntry as AccessLog } from '../../src/personal-data/access-log.model';
import { Quiz } from '../../src/quizzes/quiz.model';
import { Attempt } from '../../src/quizzes/attempt.model';
import { parse as parseCsv } from 'csv-parse/sync';
import { stopWatchedCaches, watchedCacheStates, whenWatchedCachesLive } from '../../src/db/watched-cache';
import { collectBytes } from '../support/download';

let t: TestApp;
const clock = createTestClock(new Date('2026-06-10T03:00:00Z'));
let opdA: { _id: Types.ObjectId };
let opdB: { _id: Types.ObjectId };
let hrA: Agent;
let admin: Agent;
const ids: Record<string, string> = {};
let c5: { id: string };

const d = (iso: string) => new Date(iso);

async function person(
  key: string,
  unitKerja: string,
  golongan: string,
  opd: { _id: Types.ObjectId },
  extra = {},
) {
  const p = await createUser({ opd, unitKerja, name: `Pegawai ${key.toUpperCase()}`, ...extra });
  await User.updateOne({ _id: p._id }, { $set: { golongan } });
  ids[key] = String(p._id);
  return p;
}

async function fixture() {
  const [c2, five, c10, c15] = await Promise.all(
    (
      [
        [2, 'teknis'],
        [5, 'manajerial'],
        [10, 'teknis'],
        [15, 'sosial_kultural'],
      ] as const
    ).map(([jp, competencyType]) => publishCourse({ jp, competencyType })),
  );
  c5 = five;
  opdA = await createOpd({ name: 'Dinas A' });
  opdB = await createOpd({ name: 'Dinas B' });
  const a2 = await person('a2', 'Sekretariat', 'III/b', opdA, { roles: ['learner', 'hr'] });
  await person('a1', 'Sekretariat', 'III/a', opdA);
  await person('a3', 'Bidang Layanan', 'III/a', opdA);
  await person('a4', 'Bidang Layanan', 'III/b', opdA);
  await person('a5', 'Sekretariat', 'III/a', opdA, { status: 'inactive' });
  await person('b1', 'Sekretariat', 'III/a', opdB);
  await createUser({ roles: ['admin'], email: 'admin.monitoring@uji.example' });
  const plan = (
    key: string,
    course: { id: string },
    enrolledAt: string,
    completedAt?: string,
    extra: Partial<DemoEnrolment> = {},
  ): DemoEnrolment => ({
    person: ids[key],
    opd: String(key.startsWith('b') ? opdB._id : opdA._id),
    course: course.id,
    lessonsDone: completedAt ? 99 : 1,
    source: 'self',
    enrolledAt: d(enrolledAt),
    ...(completedAt ? { completedAt: d(completedAt) } : {}),
    ...extra,
  });
  await insertDemoEnrolments([
    plan('a1', c10, '2026-01-15T03:00:00Z', '2026-02-01T03:00:00Z'),
    plan('a1', c15, '2026-04-01T03:00:00Z', '2026-05-01T03:00:00Z'),
    // 31 Dec 2025 17:30 UTC = 1 Jan 2026 00:30 WIB: JP of 2026.
    plan('a2', c10, '2025-12-01T03:00:00Z', '2025-12-31T17:30:00Z'),
    // 31 Dec 2025 16:30 UTC = 23:30 WIB: JP of 2025.
    plan('a3', c5, '2025-11-01T03:00:00Z', '2025-12-31T16:30:00Z'),
    plan('a3', c2, '2026-03-01T03:00:00Z', undefined, {
      source: 'assigned',
      dueAt: d('2026-06-01T17:00:00Z'),
      assignedByName: 'HR',
    }),
    plan('a4', c5, '2026-04-10T03:00:00Z'),
    plan('a4', c2, '2026-04-01T03:00:00Z', '2026-04-20T03:00:00Z'),
    plan('a5', c15, '2026-02-01T03:00:00Z', '2026-03-01T03:00:00Z'),
    plan('b1', c15, '2026-02-01T03:00:00Z', '2026-03-01T03:00:00Z'),
    plan('b1', c10, '2026-02-01T03:00:00Z', '2026-03-05T03:00:00Z', {
      source: 'assigned',
      dueAt: d('2026-06-01T17:00:00Z'),
    }),
  ]);
  hrA = await signedInAgent(t.app, a2.email!, DEFAULT_PASSWORD);
  admin = await signedInAgent(t.app, 'admin.monitoring@uji.example', DEFAULT_PASSWORD);
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  await fixture();
});
afterAll(() => t.close());

/** The text of the element that carries `attribute` (e.g. data-figure="people"). */
function valueAt(html: string, attribute: string): string | undefined {
  const at = html.indexOf(`${attribute}>`);
  if (at < 0) return undefined;
  const from = at + attribute.length + 1;
  return html.slice(from, html.indexOf('<', from));
}
const figure = (html: string, name: string) => valueAt(html, `data-figure="${name}"`);
const band = (html: string, name: string) => valueAt(html, `data-band="${name}"`);

describe('the OPD dashboard', () => {
  it('shows the HR of OPD A the hand-computed figures of 2026', async () => {
    const page = await hrA.get('/pemantauan');
    expect(page.status).toBe(200);
    // People: a1–a4 (a5 is deactivated; a2 is also HR and counts once).
    expect(figure(page.text, 'people')).toBe('4');
    // Started in 2026: a1×2, a3 c2, a4×2; completed a1×2, a4 c2; a3 c2 and a4 c5 in progress.
    expect(figure(page.text, 'enrolled')).toBe('5');
    expect(figure(page.text, 'completed')).toBe('3');
    expect(figure(page.text, 'inProgress')).toBe('2');
    expect(figure(page.text, 'completionRate')).toBe('60%');
    // a3's assignment was due on 1 June.
    expect(figure(page.text, 'overdue')).toBe('1');
    // JP 2026: a1 25, a2 10 (00:30 WIB on 1 January), a3 0 (23:30 WIB on 31 December), a4 2.
    expect(figure(page.text, 'attainmentRate')).toBe('25%');
    expect(['0', '1-9', '10-19', '20+'].map((b) => band(page.text, b))).toEqual(['1', '1', '1', '1']);
    expect(page.text).not.toContain('Pegawai B1');
    expect(page.text).not.toContain('Pegawai A5');
  });

  it('lists the people below target by JP with a link to assign them a course', async () => {
    const page = await hrA.get('/pemantauan');
    const section = page.text.slice(page.text.indexOf('id="di-bawah-target"'));
    const names = [...section.matchAll(/">(Pegawai [A-Z0-9]+)<\/a><\/th>/g)].map((m) => m[1]);
    expect(names).toEqual(['Pegawai A3', 'Pegawai A4', 'Pegawai A2']);
    const a3 = await User.findById(ids.a3).lean();
    expect(section).toContain(`/penugasan?nip=${a3!.nip}`);
    const byName = await hrA.get('/pemantauan?sort=name');
    const sorted = [
      ...byName.text
        .slice(byName.text.indexOf('id="di-bawah-target"'))
        .matchAll(/">(Pegawai [A-Z0-9]+)<\/a><\/th>/g),
    ].map((m) => m[1]);
    expect(sorted).toEqual(['Pegawai A2', 'Pegawai A3', 'Pegawai A4']);
  });

  it('narrows to a unit kerja, and counts JP of another year in that year', async () => {
    const unit = await hrA.get('/pemantauan?unit=Bidang%20Layanan');
    // a3 and a4: enrolled a3 c2, a4 c5, a4 c2; completed a4 c2.
    expect(figure(unit.text, 'people')).toBe('2');
    expect(figure(unit.text, 'enrolled')).toBe('3');
    expect(figure(unit.text, 'completionRate')).toBe('33,3%');
    const lastYear = await hrA.get('/pemantauan?year=2025');
    // 2025: a2 c10 and a3 c5 started; a3's c5 completed in 2025 WIB (5 JP), a2's in 2026.
    expect(figure(lastYear.text, 'enrolled')).toBe('2');
    expect(figure(lastYear.text, 'completed')).toBe('2');
    expect(['0', '1-9', '10-19', '20+'].map((b) => band(lastYear.text, b))).toEqual(['3', '1', '0', '0']);
  });

  it('exports the per-unit and per-golongan tables with the figures computed by hand', async () => {
    const units = await hrA.get('/pemantauan/ekspor.csv?tabel=unit');
    expect(units.headers['content-type']).toContain('text/csv');
    const lines = units.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    // unit, people, enrolled, in progress, completed, rate, overdue, attained, attainment, bands 0/1–9/10–19/20+
    expect(lines.slice(1)).toEqual([
      'Bidang Layanan,2,3,2,1,33.3,1,0,0,1,1,0,0',
      'Sekretariat,2,2,0,2,100,0,1,50,0,0,1,1',
    ]);
    const golongan = await hrA.get('/pemantauan/ekspor.csv?tabel=golongan');
    expect(
      golongan.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n')
        .slice(1),
    ).toEqual(['III/a,2,3,1,2,66.7,1,1,50,1,0,0,1', 'III/b,2,2,1,1,50,0,0,0,0,1,1,0']);
  });

  it('writes the XLSX with the same numbers as the page', async () => {
    const response = await hrA
      .get('/pemantauan/ekspor.xlsx?tabel=ringkasan')
      .buffer(true)
      .parse(collectBytes);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as unknown as ExcelJS.Buffer);
    const row = workbook.worksheets[0].getRow(2).values as unknown[];
    expect(row.slice(1)).toEqual([4, 5, 2, 3, 60, 1, 1, 25, 1, 1, 1, 1]);
  });

  // a3 and a4; a2 is below target too, but is the HR who exports (nobody logs their own data).
  it('records who exported the people below target in the access log', async () => {
    const before = await AccessLog.countDocuments({ what: 'monitoring.export.below' });
    await hrA.get('/pemantauan/ekspor.csv?tabel=di-bawah-target');
    expect((await AccessLog.countDocuments({ what: 'monitoring.export.below' })) - before).toBe(2);
  });
});

/** The PDF report's text as pdftotext reads it (the PDF opens, and its numbers can be compared). */
async function reportText(agent: Agent, query = ''): Promise<{ text: string; bytes: Buffer }> {
  const response = await agent.get(`/pemantauan/laporan.pdf${query}`).buffer(true).parse(collectBytes);
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toBe('application/pdf');
  const bytes = response.body as Buffer;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pemantauan-')), 'laporan.pdf');
  fs.writeFileSync(file, bytes);
  return { text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }), bytes };
}

describe('the PDF report for the head of the OPD', () => {
  it('holds the same figures, bands, tables and people below target as the page', async () => {
    const { text } = await reportText(hrA);
    expect(text).toContain('Laporan pemantauan pengembangan kompetensi ASN');
    expect(text).toContain('Dinas A');
    expect(text).toContain('Periode: tahun 2026 (WIB)');
    // The summary: the same numbers as the page (4 people, 5 enrolled, 60 % completed, 25 % attained).
    expect(text).toMatch(/Pegawai: 4\b/);
    expect(text).toMatch(/Pendaftaran: 5\b/);
    expect(text).toMatch(/Tingkat penyelesaian: 60\b/);
    expect(text).toMatch(/Capaian 20 JP: 25\b/);
    // The per-unit rows of the CSV, the people below target with their JP, nobody of OPD B.
    expect(text).toMatch(/Bidang Layanan\s+2\s+3\s+2\s+1\s+33\.3\s+1\s+0\s+0\s+1\s+1\s+0\s+0/);
    expect(text).toMatch(/Pegawai A3\s+Bidang Layanan\s+III\/a\s+0/);
    expect(text).toMatch(/Pegawai A2\s+Sekretariat\s+III\/b\s+10/);
    expect(text).not.toContain('Pegawai B1');
    expect(text).not.toContain('Pegawai A5');
    expect(text).not.toContain('Peringkat OPD');
  });

  it('records the people it lists in the access log, and is the OPD of the filter for admins', async () => {
    const before = await AccessLog.countDocuments({ what: 'monitoring.report.pdf' });
    await reportText(hrA);
    expect((await AccessLog.countDocuments({ what: 'monitoring.report.pdf' })) - before).toBe(2);
    const b = await reportText(admin, `?opd=${String(opdB._id)}`);
    expect(b.text).toContain('Dinas B');
    expect(b.text).toMatch(/Capaian 20 JP: 100\b/);
    const city = await reportText(admin);
    expect(city.text).toContain('Kota Medan (semua OPD)');
    expect(city.text).toContain('Peringkat OPD');
  });
});

describe('the charts', () => {
  it('draws the JP bands and the trend as inline SVG with a title, a description and no style or script', async () => {
    const page = await hrA.get('/pemantauan');
    const svgs = page.text.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(2);
    for (const svg of svgs) {
      expect(svg).toContain('role="img"');
      expect(svg).toMatch(/<title id="chart-[a-z]+-title">/);
      expect(svg).toMatch(/<desc id="chart-[a-z]+-desc">/);
      expect(svg).not.toMatch(/style|<script|on[a-z]+=/i);
    }
    // One bar per band, each as tall as its share of the largest (all four bands hold one person).
    expect(svgs[0]?.match(/<rect /g)).toHaveLength(4);
    expect(svgs[0]).toContain('<title>20+ JP: 1</title>');
    // The trend: 12 months; February, January, April and May 2026 each had one completion.
    expect(svgs[1].match(/<rect /g)).toHaveLength(12);
    expect(svgs[1]).toContain('2026-05: 1');
  });
});

describe('the scope of the dashboard', () => {
  it('gives the HR of OPD A byte-identical exports whether or not OPD B has data', async () => {
    const tables = ['ringkasan', 'unit', 'golongan', 'di-bawah-target', 'tren'];
    const withB = await Promise.all(
      tables.map((x) => hrA.get(`/pemantauan/ekspor.csv?tabel=${x}&opd=${String(opdB._id)}`)),
    );
    const pdfWithB = (await reportText(hrA, `?opd=${String(opdB._id)}`)).bytes;
    const saved = await Enrolment.find({ opd: opdB._id }).lean();
    const credits = await JpCredit.find({ person: new Types.ObjectId(ids.b1) }).lean();
    await Enrolment.deleteMany({ opd: opdB._id });
    await JpCredit.deleteMany({ person: new Types.ObjectId(ids.b1) });
    await User.updateOne({ _id: ids.b1 }, { $set: { status: 'inactive' } });
    try {
      const withoutB = await Promise.all(tables.map((x) => hrA.get(`/pemantauan/ekspor.csv?tabel=${x}`)));
      withB.forEach((r, i) => expect(r.text).toBe(withoutB[i].text));
      expect((await reportText(hrA)).bytes.equals(pdfWithB)).toBe(true);
    } finally {
      await Enrolment.insertMany(saved);
      await JpCredit.insertMany(credits);
      await User.updateOne({ _id: ids.b1 }, { $set: { status: 'active' } });
    }
  });

  it('shows admins every OPD, with a filter by OPD', async () => {
    const all = await admin.get('/pemantauan');
    expect(figure(all.text, 'people')).toBe('5');
    expect(all.text).toContain('Dinas B');
    const b = await admin.get(`/pemantauan?opd=${String(opdB._id)}`);
    expect(figure(b.text, 'people')).toBe('1');
    expect(figure(b.text, 'attainmentRate')).toBe('100%');
    expect(figure(b.text, 'overdue')).toBe('0');
  });

  it('ranks the OPDs for the city and shares enrolments by competency type', async () => {
    const city = await admin.get('/pemantauan');
    // Dinas B: b1 has 25 JP (100%); Dinas A: 25%.
    const ranking = await admin.get('/pemantauan/ekspor.csv?tabel=opd');
    const rows = ranking.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .slice(1);
    expect(rows.map((r) => r.split(',').slice(0, 3))).toEqual([
      ['1', 'Dinas B', '1'],
      ['2', 'Dinas A', '4'],
    ]);
    // Started in 2026 by active people: teknis a1 c10, a3 c2, a4 c2, b1 c10; manajerial a4 c5; sosial kultural a1 c15, b1 c15.
    const competency = await admin.get('/pemantauan/ekspor.csv?tabel=kompetensi');
    expect(
      competency.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n')
        .slice(1),
    ).toEqual(['Teknis,4,57.1', 'Manajerial,1,14.3', 'Sosial kultural,2,28.6']);
    expect(city.text).toContain('data-opd-rank="2"');
    // The HR of one OPD get no ranking of other OPDs.
    const own = await hrA.get('/pemantauan/ekspor.csv?tabel=opd');
    expect(
      own.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n'),
    ).toHaveLength(1);
  });

  it('is not there for a learner', async () => {
    const learner = await createUser({ opd: opdA });
    const agent = await signedInAgent(t.app, learner.email!, DEFAULT_PASSWORD);
    expect((await agent.get('/pemantauan')).status).toBe(403);
    expect((await agent.get('/pemantauan/ekspor.csv?tabel=unit')).status).toBe(403);
    expect((await agent.get('/pemantauan/laporan.pdf')).status).toBe(403);
  });
});

describe("a person's learning record", () => {
  it('lists the courses completed in the WIB year with kind, provider, dates and JP, and logs HR reading it', async () => {
    const before = await AccessLog.countDocuments({
      what: 'monitoring.record',
      subject: new Types.ObjectId(ids.a1),
    });
    const page = await hrA.get(`/pemantauan/pegawai/${ids.a1}?year=2026`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('25 dari target 20 JP pada tahun 2026');
    expect(page.text).toContain('Teknis');
    expect(page.text).toContain('Sosial kultural');
    expect(page.text).toContain('— (belum ada data)');
    expect(
      (await AccessLog.countDocuments({ what: 'monitoring.record', subject: new Types.ObjectId(ids.a1) })) -
        before,
    ).toBe(1);
  });

  it('files a course completed at 00:30 WIB on 1 January under the new year', async () => {
    const page = await hrA.get(`/pemantauan/pegawai/${ids.a2}?year=2025`);
    expect(page.text).toContain('0 dari target 20 JP pada tahun 2025');
    const next = await hrA.get(`/pemantauan/pegawai/${ids.a2}?year=2026`);
    expect(next.text).toContain('10 dari target 20 JP pada tahun 2026');
  });

  it('answers 404 for a person of another OPD, exactly like a missing id; the person reads their own', async () => {
    const foreign = await hrA.get(`/pemantauan/pegawai/${ids.b1}`);
    const missing = await hrA.get(`/pemantauan/pegawai/${new Types.ObjectId()}`);
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    const b1 = await User.findById(ids.b1).lean();
    const own = await signedInAgent(t.app, b1!.email!, DEFAULT_PASSWORD);
    const mine = await own.get('/catatan-belajar?year=2026');
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('25 dari target 20 JP pada tahun 2026');
  });
});

describe('the course report', () => {
  it('shows a curator enrolments, completion, time to complete and where learners stop', async () => {
    const curator = await createUser({ roles: ['curator'], email: 'kurator.monitoring@uji.example' });
    const agent = await signedInAgent(t.app, curator.email!, DEFAULT_PASSWORD);
    const list = await agent.get('/laporan-kursus');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`/laporan-kursus/${c5.id}`);
    const page = await agent.get(`/laporan-kursus/${c5.id}`);
    expect(page.status).toBe(200);
    // c5: a3 completed (1 Nov 2025 10:00 → 31 Dec 2025 23:30 WIB: 60.6 days), a4 did lesson 1 of 3.
    expect(figure(page.text, 'enrolled')).toBe('2');
    expect(figure(page.text, 'completed')).toBe('1');
    expect(figure(page.text, 'completionRate')).toBe('50%');
    expect(figure(page.text, 'medianDays')).toBe('60,6');
    expect(figure(page.text, 'averageScore')).toBe('—');
    const lessons = [...page.text.matchAll(/data-lesson-(done|stopped)="[0-9a-f]+">(\d+)</g)].map(
      (m) => m[2],
    );
    // Lesson 1: done by both; lesson 2: done by a3, a4 stopped there; lesson 3: done by a3.
    expect(lessons).toEqual(['2', '0', '1', '1', '1', '0']);
    const only2026 = await agent.get(`/laporan-kursus/${c5.id}?year=2026`);
    expect(figure(only2026.text, 'enrolled')).toBe('1');
    expect(figure(only2026.text, 'completionRate')).toBe('0%');
  });

  /** The body of a file download as bytes. */
  const bytesOf = (agent: Agent, url: string) => agent.get(url).buffer(true).parse(collectBytes);
  /** A figure as the page shows it ("67,5", "50%", "—"), as the number it stands for. */
  const pageNumber = (text: string | undefined) =>
    text === undefined || text === '—' ? null : Number(text.replace('%', '').replace(',', '.'));
  const SUMMARY_FIGURES = [
    'enrolled',
    'completed',
    'inProgress',
    'completionRate',
    'averageScore',
    'scored',
    'passRate',
    'gainPeople',
    'pre',
    'post',
    'gainPoints',
    'normalisedGain',
    'timeCompleted',
    'medianDays',
    'meanDays',
  ];

  it('exports its figures and its lessons as CSV and XLSX holding the numbers of the page', async () => {
    // c5's pre-test and post-test (pass mark 70): a3 40 → 80 (passed), a4 60 → 55 (not passed).
    const course = new Types.ObjectId(c5.id);
    const [pre, post] = await Quiz.create([
      { course, lessonKey: new Types.ObjectId().toHexString(), kind: 'pretest' },
      { course, lessonKey: new Types.ObjectId().toHexString(), kind: 'posttest', passMark: 70 },
    ]);
    const attempt = (quiz: typeof pre, key: string, scorePercent: number) => ({
      quiz: quiz._id,
      course,
      courseVersion: 1,
      lessonKey: quiz.lessonKey,
      person: new Types.ObjectId(ids[key]),
      number: 1,
      startedAt: d('2026-05-01T03:00:00Z'),
      state: 'graded',
      passMark: 70,
      gradings: 1,
      scorePercent,
    });
    await Attempt.create([
      attempt(pre, 'a3', 40),
      attempt(post, 'a3', 80),
      attempt(pre, 'a4', 60),
      attempt(post, 'a4', 55),
    ]);
    const curator = await signedInAgent(t.app, 'kurator.monitoring@uji.example', DEFAULT_PASSWORD);
    const page = await curator.get(`/laporan-kursus/${c5.id}`);
    const shown = SUMMARY_FIGURES.map((name) => pageNumber(figure(page.text, name)));
    // By hand: score (80 + 55) / 2 = 67.5; one pass of two; pre 50, post 67.5, gain 17.5, g = 17.5 / 50.
    expect(shown).toEqual([2, 1, 1, 50, 67.5, 2, 50, 2, 50, 67.5, 17.5, 0.35, 1, 60.6, 60.6]);
    expect(page.text).toContain(`href="/laporan-kursus/${c5.id}/ekspor.xlsx?tabel=ringkasan"`);

    const csv = await curator.get(`/laporan-kursus/${c5.id}/ekspor.csv?tabel=ringkasan`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(
      /filename="laporan-kursus-UJI-[\w-]+-ringkasan-semua-tahun.csv"/,
    );
    const [header, row] = parseCsv(csv.text.replace(/^\uFEFF/, '')) as string[][];
    expect(header.slice(0, 4)).toEqual(['Kode', 'Kursus', 'Periode pendaftaran', 'Pendaftaran']);
    expect(row.slice(1, 3)).toEqual([expect.stringMatching(/^Kursus Uji/), 'Semua tahun']);
    expect(row.slice(3).map((cell) => (cell === '' ? null : Number(cell)))).toEqual(shown);

    const xlsx = await bytesOf(curator, `/laporan-kursus/${c5.id}/ekspor.xlsx?tabel=ringkasan`);
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ExcelJS.Buffer);
    const cells = (workbook.worksheets[0].getRow(2).values as unknown[]).slice(1);
    expect(Array.from({ length: 15 }, (_, i) => cells[i + 3] ?? null)).toEqual(shown);

    // The lessons: position, title, done by, stopped here; the same in both files and on the page.
    const lessons = [...page.text.matchAll(/data-lesson-(?:done|stopped)="[0-9a-f]+">(\d+)</g)].map((m) =>
      Number(m[1]),
    );
    const lessonCsv = await curator.get(`/laporan-kursus/${c5.id}/ekspor.csv?tabel=pelajaran`);
    const lessonRows = (parseCsv(lessonCsv.text.replace(/^\uFEFF/, '')) as string[][]).slice(1);
    expect(lessonRows.map((r) => r[0])).toEqual(['1', '2', '3']);
    expect(lessonRows.flatMap((r) => [Number(r[2]), Number(r[3])])).toEqual(lessons);
    const lessonXlsx = await bytesOf(curator, `/laporan-kursus/${c5.id}/ekspor.xlsx?tabel=pelajaran`);
    const lessonBook = new ExcelJS.Workbook();
    await lessonBook.xlsx.load(lessonXlsx.body as unknown as ExcelJS.Buffer);
    const sheetRows = [2, 3, 4].map((r) => (lessonBook.worksheets[0].getRow(r).values as unknown[]).slice(1));
    expect(sheetRows.flatMap((r) => [r[2], r[3]])).toEqual(lessons);
    expect(sheetRows.map((r) => r[1])).toEqual(lessonRows.map((r) => r[1]));

    // The year of the page applies to the files: only a4 enrolled in 2026 (55 on the post-test).
    const year = await curator.get(`/laporan-kursus/${c5.id}?year=2026`);
    expect(year.text).toContain(`href="/laporan-kursus/${c5.id}/ekspor.csv?tabel=ringkasan&amp;year=2026"`);
    const yearCsv = await curator.get(`/laporan-kursus/${c5.id}/ekspor.csv?tabel=ringkasan&year=2026`);
    const yearRow = (parseCsv(yearCsv.text.replace(/^\uFEFF/, '')) as string[][])[1];
    expect(yearRow.slice(2, 8)).toEqual(['2026', '1', '0', '1', '0', '55']);
    expect(yearRow.slice(3).map((cell) => (cell === '' ? null : Number(cell)))).toEqual(
      SUMMARY_FIGURES.map((name) => pageNumber(figure(year.text, name))),
    );
  });

  it("opens for the course's authors only; other authors, HR and learners get nothing", async () => {
    const course = await Course.findById(c5.id).lean();
    const author = await createUser({ roles: ['author'], institution: course!.partner });
    await Course.updateOne({ _id: c5.id }, { $set: { authors: [author._id] } });
    const own = await signedInAgent(t.app, author.email!, DEFAULT_PASSWORD);
    expect((await own.get(`/laporan-kursus/${c5.id}`)).status).toBe(200);
    expect((await own.get('/laporan-kursus')).text).toContain(`/laporan-kursus/${c5.id}`);
    const other = await createUser({ roles: ['author'], institution: course!.partner });
    const stranger = await signedInAgent(t.app, other.email!, DEFAULT_PASSWORD);
    expect((await stranger.get(`/laporan-kursus/${c5.id}`)).status).toBe(404);
    // The exports answer as the page does: the course's author gets the file, another author a 404.
    expect((await own.get(`/laporan-kursus/${c5.id}/ekspor.csv`)).status).toBe(200);
    for (const format of ['csv', 'xlsx'])
      expect((await stranger.get(`/laporan-kursus/${c5.id}/ekspor.${format}?tabel=pelajaran`)).status).toBe(
        404,
      );
    expect((await hrA.get(`/laporan-kursus/${c5.id}/ekspor.csv`)).status).toBe(403);
    expect((await stranger.get('/laporan-kursus')).text).not.toContain(`/laporan-kursus/${c5.id}`);
    expect((await hrA.get(`/laporan-kursus/${c5.id}`)).status).toBe(403);
  });
});

// The dashboards count from mirrors in memory kept by change streams (src/db/watched-mirror.ts):
// a write shows on the next page, and the mirrors loaded afresh give what the database gives.
describe('the dashboard after a write', () => {
  const MIRRORS = ['mirror:users', 'mirror:enrolments', 'mirror:jpcredits'];
  let opdC: { _id: Types.ObjectId };
  let opdD: { _id: Types.ObjectId };
  let hrC: Agent;
  let c1: Awaited<ReturnType<typeof createUser>>;
  let c2: Awaited<ReturnType<typeof createUser>>;
  let learnerC1: Agent;
  let course: { id: string; lessonKeys?: string[] };

  /** Posts a form and expects the redirect that follows a saved change. */
  const post = async (agent: Agent, page: string, action: string, fields: Record<string, string> = {}) => {
    const response = await postForm(agent, page, action, fields);
    expect([302, 303]).toContain(response.status);
    return response;
  };
  const figures = async (agent: Agent, query = '') => {
    const page = await agent.get(`/pemantauan${query}`);
    expect(page.status).toBe(200);
    return Object.fromEntries(
      ['people', 'enrolled', 'completed', 'inProgress', 'attainmentRate'].map((f) => [
        f,
        figure(page.text, f),
      ]),
    );
  };
  const liveMirrors = () => MIRRORS.every((name) => watchedCacheStates()[name] === 'live');

  beforeAll(async () => {
    opdC = await createOpd({ name: 'Dinas C' });
    opdD = await createOpd({ name: 'Dinas D' });
    const hr = await createUser({ opd: opdC, roles: ['hr'], name: 'HR C', unitKerja: 'Sekretariat' });
    c1 = await createUser({ opd: opdC, name: 'Pegawai C1', unitKerja: 'Bidang Layanan' });
    c2 = await createUser({ opd: opdC, name: 'Pegawai C2', unitKerja: 'Bidang Layanan' });
    hrC = await signedInAgent(t.app, hr.email!, DEFAULT_PASSWORD);
    learnerC1 = await signedInAgent(t.app, c1.email!, DEFAULT_PASSWORD);
    course = await publishCourse({ jp: 20, modules: [[{}]] });
    await hrC.get('/pemantauan'); // opens the mirrors' streams
    await whenWatchedCachesLive();
  });

  it('counts a new enrolment and a completion on the next page', async () => {
    expect(liveMirrors()).toBe(true);
    expect(await figures(hrC)).toEqual({
      people: '3',
      enrolled: '0',
      completed: '0',
      inProgress: '0',
      attainmentRate: '0%',
    });
    await post(learnerC1, `/kursus/${course.id}`, `/kursus/${course.id}/ikuti`);
    expect(await figures(hrC)).toMatchObject({ enrolled: '1', inProgress: '1', completed: '0' });
    const saved = await Course.findById(course.id).lean();
    const lesson = saved!.modules[0].lessons[0].key;
    const page = `/kursus/${course.id}/pelajaran/${lesson}`;
    await post(learnerC1, page, `${page}/selesai`);
    // C1 completed the 20 JP course: one of the three people reached the target.
    expect(await figures(hrC)).toEqual({
      people: '3',
      enrolled: '1',
      completed: '1',
      inProgress: '0',
      attainmentRate: '33,3%',
    });
    expect(liveMirrors()).toBe(true);
  });

  it('leaves out a person deactivated, and follows a person moved to another OPD', async () => {
    await post(admin, `/admin/users/${c2._id}`, `/admin/users/${c2._id}/status`, { status: 'inactive' });
    expect(await figures(hrC)).toMatchObject({ people: '2', attainmentRate: '50%' });
    await post(admin, `/admin/users/${c1._id}/edit`, `/admin/users/${c1._id}`, {
      nip: c1.nip!,
      name: c1.name,
      email: c1.email!,
      employeeType: 'pns',
      golongan: 'III/a',
      jabatan: '',
      unitKerja: 'Bidang Layanan',
      opd: String(opdD._id),
    });
    // C1's enrolment and JP go with the person: counted by OPD D now, no longer by OPD C.
    expect(await figures(hrC)).toEqual({
      people: '1',
      enrolled: '0',
      completed: '0',
      inProgress: '0',
      attainmentRate: '0%',
    });
    expect(await figures(admin, `?opd=${String(opdD._id)}`)).toEqual({
      people: '1',
      enrolled: '1',
      completed: '1',
      inProgress: '0',
      attainmentRate: '100%',
    });
  });

  it("sees another instance's write through the stream", async () => {
    // Written past Mongoose, as another app instance or mongosh would: only the stream reports it.
    await t.db.connection.db!.collection('users').updateOne({ _id: c2._id }, { $set: { status: 'active' } });
    let seen = await figures(hrC);
    for (let i = 0; seen.people !== '2' && i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await figures(hrC);
    }
    expect(seen.people).toBe('2');
  });

  it('gives the same tables from the mirrors, from the database, and from mirrors loaded afresh', async () => {
    const tables = ['ringkasan', 'unit', 'golongan', 'di-bawah-target', 'tren', 'opd', 'kompetensi'];
    const all = async () =>
      Promise.all(
        tables.map(async (x) => (await admin.get(`/pemantauan/ekspor.csv?tabel=${x}&year=2026`)).text),
      );
    expect(liveMirrors()).toBe(true);
    const fromMirrors = await all();
    // Streams closed: the next pages read the database (the mirrors reopen and load from scratch).
    await stopWatchedCaches();
    expect(watchedCacheStates()['mirror:enrolments']).toBe('reading-through');
    const fromDatabase = await all();
    await whenWatchedCachesLive();
    expect(liveMirrors()).toBe(true);
    const reloaded = await all();
    expect(fromDatabase).toEqual(fromMirrors);
    expect(reloaded).toEqual(fromMirrors);
    // a1–a4, b1, the learner of OPD A made above, HR C, C1 (now in D), C2.
    expect(fromMirrors[0].split('\r\n')[1]).toMatch(/^9,/);
  });
});
