// The learning pages' queries use their indexes (`explain` names them; no collection scan), so the
// catalog, the player, my-learning and the reminders stay fast at 10,000 learners, 100 courses and
// 200,000 lesson-progress records (measured by `npm run bench`; here the plans, on enough data that
// a planner has a choice).
import { trusted, Types } from 'mongoose';
import { createTestApp, type TestApp } from '../support/app';
import { publishCourse } from '../support/learning';
import { CatalogEntry } from '../../src/courses/catalog-entry.model';
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
