// Certificates in tests: a published course (the UJI-01 package, imported by a USU author and
// published by a curator) and certificates issued the way the learning feature will issue them:
// issueCertificateOnCompletion inside inTransaction, with a fabricated enrolment id.
import crypto from 'node:crypto';
import type { Types } from 'mongoose';
import { approveCourse, importCoursePackageDirectory, submitCourse } from '../../src/courses';
import { inTransaction } from '../../src/db/transactions';
import { issueCertificateOnCompletion } from '../../src/certificates';
import { Certificate } from '../../src/certificates/certificate.model';
import { afterIssueSettled, ensureFile } from '../../src/certificates/storage';
import type { Actor } from '../../src/core/actor';
import { createUser } from './factories';
import { PACKAGE_DIR } from './courses';

const actor = (id: unknown, roles: Actor['roles'], institutionId?: string): Actor => ({
  id: String(id),
  name: 'Uji',
  roles,
  institutionId,
  seesAllOpds: false,
  language: 'id',
});

/** Imports and publishes the UJI-01 package for the partner university `partner`; returns the course id. */
export async function publishedTestCourse(
  partner: { _id: Types.ObjectId },
  code = 'UJI-01',
): Promise<string> {
  const author = await createUser({ roles: ['author'], institution: partner });
  const curator = await createUser({ roles: ['curator'] });
  const authorActor = actor(author._id, ['author'], String(partner._id));
  const id = await importCoursePackageDirectory(authorActor, PACKAGE_DIR, new Date(), code);
  await submitCourse(authorActor, id, new Date());
  await approveCourse(actor(curator._id, ['curator']), id, 'Terbit.', new Date());
  return id;
}

export const newEnrolmentId = () => crypto.randomBytes(12).toString('hex');

/** Issues a certificate as a completion would and waits for its PDF; returns the certificate. */
export async function issueForTest(
  personId: unknown,
  courseId: string,
  options: { completedAt?: Date; enrolmentId?: string; render?: boolean } = {},
) {
  const enrolmentId = options.enrolmentId ?? newEnrolmentId();
  const completedAt = options.completedAt ?? new Date();
  await inTransaction((session) =>
    issueCertificateOnCompletion(
      {
        enrolmentId,
        personId: String(personId),
        courseId,
        courseVersion: 1,
        completedAt,
        startedAt: new Date(completedAt.getTime() - 7 * 24 * 3_600_000),
        jp: 1.5,
      },
      session!,
    ),
  );
  const certificate = await Certificate.findOne({ enrolmentId }).lean();
  if (!certificate) throw new Error('not issued');
  if (options.render !== false) {
    await ensureFile(String(certificate._id));
    await afterIssueSettled(String(certificate._id)); // the "certificate ready" notice and mail, too
  }
  return (await Certificate.findById(certificate._id).lean())!;
}
