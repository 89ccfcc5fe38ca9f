// The learning volume `npm run bench` measures with (issue #16): 10,000 learners, 100 published
// courses and about 200,000 lesson-progress records. The demo seed provides the city, its demo
// courses and the learners' learning in the first three; this adds copies of the first four up to 100
// (published through the courses feature's own version code) and enrolments with progress for
// every learner, written in bulk like the demo seed's.
import { trusted, Types } from 'mongoose';
import { Course } from '../../src/courses/course.model';
import { freezeVersion } from '../../src/courses/courses.versions';
import { refreshCatalogEntry } from '../../src/courses/courses.catalog';
import { insertDemoEnrolments, type DemoEnrolment } from '../../src/learning';
import { LessonProgress, Enrolment } from '../../src/learning/enrolment.model';
import { User } from '../../src/users/user.model';

export const BENCH_LEARNERS = 10_000;
export const BENCH_COURSES = 100;
/** The demo courses the bench learners study and the bench copies (the volume of #16, before the five text courses). */
export const BENCH_DEMO_COURSES = ['LITDIG-01', 'KOMPEL-01', 'ADUAN-01'];
const COPIED = [...BENCH_DEMO_COURSES, 'INTEG-01'];
const AREAS = [
  'literasi_digital',
  'komunikasi',
  'penanganan_pengaduan',
  'pelayanan_publik',
  'kepemimpinan',
  'manajemen_kinerja',
  'integritas_antikorupsi',
];

async function copyCourses(now: Date): Promise<void> {
  const originals = await Course.find({
    publishedVersion: trusted({ $gt: 0 }),
    code: trusted({ $in: COPIED }),
  }).lean();
  const missing = BENCH_COURSES - (await Course.countDocuments({ publishedVersion: trusted({ $gt: 0 }) }));
  for (let i = 0; i < missing; i++) {
    const source = originals[i % originals.length];
    const {
      _id,
      createdAt: _c,
      updatedAt: _u,
      ...fields
    } = source as typeof source & { createdAt?: Date; updatedAt?: Date };
    const copy = await Course.create({
      ...fields,
      code: `BENCH-${String(i + 1).padStart(3, '0')}`,
      title: `${source.title} (kelas ${i + 1})`,
      area: AREAS[i % AREAS.length],
      jp: 1 + (i % 8),
      status: 'published',
    });
    const number = await freezeVersion(
      copy._id,
      { id: String(new Types.ObjectId()), name: 'Bench' },
      '',
      now,
    );
    await Course.updateOne({ _id: copy._id }, { $set: { publishedVersion: number, publishedAt: now } });
    await refreshCatalogEntry(copy._id);
  }
}

/** Seeds the volume (idempotent enough for a fresh in-memory database); returns the counts. */
export async function seedBenchLearning(now = new Date()) {
  await copyCourses(now);
  const courses = (
    await Course.find({ publishedVersion: trusted({ $gt: 0 }) })
      .select('_id')
      .lean()
  ).map((c) => String(c._id));
  const learners = await User.find({ roles: 'learner', status: 'active' })
    .select('_id opd')
    .limit(BENCH_LEARNERS)
    .lean();
  let state = 7;
  const next = () => (state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
  const plans: DemoEnrolment[] = [];
  for (const learner of learners)
    for (let k = 0; k < 3; k++) {
      const completes = next() < 0.2;
      plans.push({
        person: String(learner._id),
        opd: learner.opd ? String(learner.opd) : undefined,
        course: courses[Math.floor(next() * courses.length)],
        lessonsDone: completes ? 99 : 2 + Math.floor(next() * 5),
        source: next() < 0.3 ? 'assigned' : 'self',
        enrolledAt: new Date(now.getTime() - Math.floor(next() * 200) * 86_400_000),
        dueAt: new Date(now.getTime() + Math.floor(next() * 60 - 10) * 86_400_000),
        ...(completes
          ? { completedAt: new Date(now.getTime() - Math.floor(next() * 100) * 86_400_000) }
          : {}),
      });
    }
  await insertDemoEnrolments(plans);
  return {
    learners: await User.countDocuments({ roles: 'learner' }),
    courses: courses.length,
    enrolments: await Enrolment.countDocuments(),
    progress: await LessonProgress.countDocuments(),
  };
}
