// The learning pages' queries use their indexes (`explain` names them; no collection scan), so the
// catalog, the player, my-learning and the reminders stay fast at 10,000 learners, 100 courses and
// 200,000 lesson-progress records (measured by `npm run bench`; here the plans, on enough data that
// a planner has a choice).
import mongoose, { trusted, Types } from 'mongoose';
import { createTestApp, type TestApp } from '../support/app';
import { publishCourse } from '../support/learning';
import { CatalogEntry } from '../../src/courses/catalog-entry.model';
import { CatalogTextIndex } from '../../src/courses/catalog-text';
import { searchCatalog } from '../../src/courses';
import { whenWatchedCachesLive } from '../../src/db/watched-cache';
import type { Actor } from '../../src/core/actor';
import { Enrolment, JpCredit, LessonProgress, Notification } from '../../src/learning/enrolment.model';

let t: TestApp;
const people = Array.from({ length: 300 }, () => new Types.ObjectId());
const courses: Types.ObjectId[] = [];
const opd = new Types.ObjectId();

beforeAll(async () => {
  t = await createTestApp();
  for (let i = 0; i < 6; i++)
    courses.push(
      (await publishCourse({ title: `Kursus Indeks ${i}`, audienceOpds: i % 2 ? [opd] : undefined }))._id,
    );
  await Promise.all([Enrolment, LessonProgress, JpCredit, Notification, CatalogEntry].map((m) => m.init()));
  const now = new Date('2026-05-01T00:00:00Z');
  const enrolments = people.flatMap((person, p) =>
    courses.slice(0, 4).map((course, c) => ({
      _id: new Types.ObjectId(),
      person,
      course,
      opd,
      version: 1,
      courseTitle: 'Kursus',
      courseCode: `K${c}`,
      jp: 2,
      source: (p + c) % 3 ? 'self' : 'assigned',
      status: (p + c) % 5 ? 'active' : 'completed',
      enrolledAt: now,
      dueAt: new Date(now.getTime() + ((p % 30) - 10) * 86_400_000),
      lastActivityAt: now,
    })),
  );
  await Enrolment.insertMany(enrolments, { lean: true });
  await LessonProgress.insertMany(
    enrolments.flatMap((e) =>
      ['a', 'b', 'c'].map((k) => ({
        enrolment: e._id,
        person: e.person,
        course: e.course,
        lessonKey: k.repeat(24),
        version: 1,
        doneAt: now,
      })),
    ),
    { lean: true },
  );
  await Notification.insertMany(
    enrolments.map((e, i) => ({
      person: e.person,
      kind: 'assigned',
      key: `n${i}`,
      courseTitle: 'K',
      createdAt: now,
      readAt: i % 2 ? now : undefined,
    })),
    { lean: true },
  );
  await JpCredit.insertMany(
    enrolments
      .filter((e) => e.status === 'completed')
      .map((e) => ({
        person: e.person,
        year: 2026,
        enrolment: e._id,
        course: e.course,
        courseTitle: 'K',
        jp: 2,
        creditedAt: now,
      })),
    { lean: true },
  );
}, 120_000);
afterAll(() => t.close());

/** Every stage of a winning plan, with the index it reads. */
function stagesOf(explain: unknown): string[] {
  const out: string[] = [];
  const visit = (p: Record<string, unknown> | undefined) => {
    if (!p) return;
    out.push(`${String(p.stage)}${p.indexName ? `(${String(p.indexName)})` : ''}`);
    visit(p.inputStage as Record<string, unknown> | undefined);
    for (const s of (p.inputStages as Array<Record<string, unknown>> | undefined) ?? []) visit(s);
  };
  const e = (Array.isArray(explain) ? explain[0] : explain) as {
    queryPlanner: { winningPlan: Record<string, unknown> };
  };
  visit(e.queryPlanner.winningPlan);
  return out;
}

function expectIndex(explain: unknown, index: string) {
  const stages = stagesOf(explain);
  expect(stages.join(' > ')).toContain(`(${index})`);
  expect(stages).not.toContain('COLLSCAN');
}

describe('learning queries use their indexes', () => {
  const person = () => people[7];

  it('my-learning: the person’s enrolments, newest activity first', async () => {
    const plan = await Enrolment.find({ person: person(), status: 'active' })
      .sort({ lastActivityAt: -1 })
      .explain();
    expectIndex(plan, 'person_1_status_1_lastActivityAt_-1');
  });

  it('course page and player: the person’s enrolment of a course, its lesson records', async () => {
    expectIndex(
      await Enrolment.findOne({ person: person(), course: courses[1] }).explain(),
      'person_1_course_1',
    );
    const enrolment = (await Enrolment.findOne({ person: person() }).lean())!;
    expectIndex(
      await LessonProgress.find({ enrolment: enrolment._id, version: 1 }).explain(),
      'enrolment_1_lessonKey_1',
    );
  });

  it('the JP ledger and the unread count of a person', async () => {
    expectIndex(await JpCredit.find({ person: person() }).explain(), 'person_1_year_-1');
    expectIndex(await Notification.find({ person: person(), readAt: null }).explain(), 'person_1_readAt_1');
  });

  it('reminders: active assignments by due date; HR lists by OPD', async () => {
    const now = new Date('2026-05-05T00:00:00Z');
    expectIndex(
      await Enrolment.find({
        status: 'active',
        dueAt: trusted({ $gt: now, $lte: new Date(now.getTime() + 7 * 86_400_000) }),
        source: 'assigned',
      }).explain(),
      'status_1_dueAt_1',
    );
    expectIndex(await Enrolment.find({ opd, status: 'active' }).explain(), 'opd_1_status_1_dueAt_1');
  });

  it('the catalog: the audience with the A–Z order', async () => {
    expectIndex(
      await CatalogEntry.find({ audienceAll: true }).sort({ sortTitle: 1 }).explain(),
      'audienceAll_1_sortTitle_1',
    );
    expectIndex(
      await CatalogEntry.find({ audienceOpds: opd }).sort({ sortTitle: 1 }).explain(),
      'audienceOpds_1_sortTitle_1',
    );
  });

  it('the catalog: text search needs the catalog text index (MongoDB reads it; the embedded engine scores the entries by its weights)', async () => {
    const plan = stagesOf(await CatalogEntry.find({ $text: trusted({ $search: 'indeks' }) }).explain());
    if (process.env.MONGODB_URI) expect(plan.join(' > ')).toContain('(catalog_text)');
    // The embedded engine has no inverted index: it scores each of the (at most a few hundred) entries.
    else expect(plan).toEqual(['COLLSCAN']);
    const without = CatalogEntry.collection.conn.db!.collection('noTextIndex');
    await without.insertOne({ title: 'x' });
    await expect(without.find({ $text: { $search: 'x' } }).toArray()).rejects.toThrow(/text index required/);
  });
});

describe('the catalog searched in memory', () => {
  const entries = [
    {
      title: 'Pelayanan Prima untuk Publik',
      code: 'PELAYANAN-01',
      summary: 'Melayani dengan empati: pelayanan yang ramah, cepat dan tuntas.',
      objectives: ['Menjelaskan standar pelayanan publik', 'Menangani keluhan warga'],
    },
    {
      title: 'Penanganan Pengaduan Masyarakat',
      code: 'ADUAN-01',
      summary: 'SP4N-LAPOR! dan tindak lanjut aduan pelayanan publik.',
      objectives: ['Mencatat aduan', 'Menindaklanjuti aduan dalam 5 hari kerja'],
    },
    {
      title: 'Café Digital: Literasi Data',
      code: 'DIGI-02',
      summary: 'Kata sandi, surel palsu dan data pribadi yang aman.',
      objectives: ['Mengenali sürel palsu', 'Melindungi data pribadi'],
    },
    {
      title: 'Komunikasi Efektif — Éfektivitas Rapat',
      code: 'KOM-03',
      summary: '',
      objectives: [],
    },
    {
      title: 'Integritas dan Anti-Korupsi',
      code: 'INTEG-01',
      summary: 'Gratifikasi, benturan kepentingan, pelaporan. Integritas integritas integritas.',
      objectives: ['Menolak gratifikasi', 'Melaporkan benturan kepentingan'],
    },
  ];
  const queries = [
    'pelayanan',
    'Pelayanan publik',
    'PELAYANAN -publik',
    '"pelayanan publik"',
    'komunikasi "layanan publik"',
    '"aduan" "lapor"',
    'efektivitas',
    'éfektívitas',
    'ADUAN-01',
    'surel',
    'data pribadi aman',
    'anti-korupsi integritas',
    'integritas -gratifikasi',
    '5 hari',
    'kursus indeks',
    'indeks -3',
    '-pelayanan',
    '""',
    'tidakada',
    '!!!',
  ];

  beforeAll(async () => {
    await CatalogEntry.insertMany(
      entries.map((e, i) => ({
        ...e,
        _id: new Types.ObjectId(),
        version: 1,
        sortTitle: e.title.toLowerCase(),
        competencyType: 'teknis',
        area: 'pelayanan_publik',
        jp: 1 + i,
        partner: new Types.ObjectId(),
        publishedAt: new Date('2026-05-01T00:00:00Z'),
      })),
    );
  });

  it('matches and scores every query exactly as `$text` with textScore does', async () => {
    const rows = await CatalogEntry.find().lean();
    const index = new CatalogTextIndex(rows, (r) => r);
    for (const q of queries) {
      const viaText = await CatalogEntry.find(
        { $text: trusted({ $search: q }) },
        { _id: 1, score: { $meta: 'textScore' } },
      ).lean<Array<{ _id: Types.ObjectId; score: number }>>();
      const inMemory = [...index.search(q)].map(([r, score]) => [String(r._id), score]);
      const expected = viaText.map((r) => [String(r._id), r.score]);
      // MongoDB scores with its own formula: there the same entries match; the embedded engine's scores are equal to the bit.
      if (process.env.MONGODB_URI)
        expect({ q, ids: inMemory.map(([id]) => id).sort() }).toEqual({
          q,
          ids: expected.map(([id]) => id).sort(),
        });
      else
        expect({ q, found: Object.fromEntries(inMemory) }).toEqual({
          q,
          found: Object.fromEntries(expected),
        });
    }
  });

  it('orders a search by that relevance, then A–Z, with no database round trip', async () => {
    const actor: Actor = {
      id: String(people[0]),
      name: 'Uji',
      roles: ['learner'],
      seesAllOpds: false,
      language: 'id',
    };
    await searchCatalog(actor, {}); // warms the cache
    await whenWatchedCachesLive();
    await searchCatalog(actor, {});
    const commands: string[] = [];
    mongoose.set('debug', (collection: string, method: string) => commands.push(`${collection}.${method}`));
    let page: Awaited<ReturnType<typeof searchCatalog>>;
    try {
      page = await searchCatalog(actor, { q: 'pelayanan publik' }, 50);
    } finally {
      mongoose.set('debug', false);
    }
    expect(commands).toEqual([]);
    const viaText = await CatalogEntry.find(
      { $text: trusted({ $search: 'pelayanan publik' }) },
      { title: 1, sortTitle: 1, score: { $meta: 'textScore' } },
    ).lean<Array<{ title: string; sortTitle: string; score: number }>>();
    viaText.sort((a, b) => b.score - a.score || (a.sortTitle < b.sortTitle ? -1 : 1));
    expect(page.items.map((i) => i.title)).toEqual(viaText.map((r) => r.title));
    expect(page.items.map((i) => i.title)).toEqual([
      'Pelayanan Prima untuk Publik',
      'Penanganan Pengaduan Masyarakat',
    ]);
  });
});
