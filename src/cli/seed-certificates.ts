// Demo certificates: many demo learners completed the demo courses during 2026, so the learner's
// "Sertifikat saya", HR's list and its ZIP show something. Each is issued the way a completion
// issues it (issueCertificateOnCompletion inside a transaction) with a made-up enrolment id that
// names the learner and the course, so running the seed again issues nothing twice.
import type { Config } from '../config';
import type { Actor } from '../core/actor';
import { configureCertificates, issueCertificateOnCompletion } from '../certificates';
import { courseForCertificate, courseIdByCode } from '../courses';
import { inTransaction } from '../db/transactions';
import { users } from '../users';

const DEMO_COURSES = ['LITDIG-01', 'KOMPEL-01', 'ADUAN-01'];
const SEEDER: Actor = {
  id: '000000000000000000000000',
  name: 'seed',
  roles: ['admin'],
  seesAllOpds: true,
  language: 'id',
};
const DAY = 24 * 3_600_000;

export interface CertificateSeedReport {
  issued: number;
}

/** Issues the demo certificates not issued yet: about `learners` learners, one to three courses each. */
export async function seedDemoCertificates(
  config: Config,
  now: Date,
  learners = 120,
): Promise<CertificateSeedReport> {
  configureCertificates(config);
  const courses = [];
  for (const code of DEMO_COURSES) {
    const found = await courseIdByCode(code);
    const course = found && found.status !== 'draft' ? await courseForCertificate(found.id, 1) : undefined;
    if (found && course) courses.push({ id: found.id, jp: course.jp });
  }
  if (courses.length === 0) return { issued: 0 };
  const people = await users.listPeople(SEEDER, { role: 'learner', page: 1 }, learners);
  let issued = 0;
  for (const [i, person] of people.items.entries()) {
    const taken = courses.slice(0, 1 + (i % courses.length));
    for (const [j, course] of taken.entries()) {
      const completedAt = new Date(now.getTime() - ((i * 7 + j * 23) % 300) * DAY - 3 * 3_600_000);
      const before = issued;
      await inTransaction((session) =>
        issueCertificateOnCompletion(
          {
            enrolmentId: `demo-${String(person._id)}-${course.id}`,
            personId: String(person._id),
            courseId: course.id,
            courseVersion: 1,
            completedAt,
            startedAt: new Date(completedAt.getTime() - (10 + (i % 20)) * DAY),
            jp: course.jp,
          },
          session!,
        ).then((created) => {
          if (created) issued = before + 1;
        }),
      );
    }
  }
  return { issued };
}
