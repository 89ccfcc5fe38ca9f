// A person's learning record of a WIB year, in the shape of the yearly competency-development record
// (reference/asn.md, planning: kind, provider, material, dates, JP earned and proof), with the score
// and certificate where the quizzes and certificates features provide them. The person reads their
// own; HR and admins read the people in their scope (users' peopleScope), and that reading is
// recorded in the access log. Anyone else's id answers exactly like a missing one.
import type { Actor } from '../core/actor';
import { startOfDayWib } from '../core/wib';
import { courseFacts } from '../courses';
import { institutionRef } from '../institutions';
import { enrolmentFacts, jpTotals, wibYear } from '../learning';
import { accessLog } from '../personal-data';
import { ownRecord, users } from '../users';
import type { RequestContext } from '../web/request-context';
import { JP_TARGET } from './monitoring.figures';
import { certificatesOf, resultsOf } from './monitoring.sources';

export interface RecordRow {
  courseTitle: string;
  courseCode: string;
  competencyType: string;
  provider: string;
  enrolledAt: Date;
  completedAt: Date;
  jp: number;
  scorePercent?: number;
  passed?: boolean;
  certificate?: string;
}

export interface LearningRecord {
  person: {
    id: string;
    name: string;
    nip: string;
    golongan: string;
    jabatan: string;
    unitKerja: string;
    opd: string;
  };
  year: number;
  rows: RecordRow[];
  jp: number;
  target: number;
  inProgress: Array<{ courseTitle: string; enrolledAt: Date }>;
}

async function personFor(actor: Actor, personId: string) {
  if (personId === actor.id) {
    const me = await ownRecord(actor.id);
    if (!me) throw new Error('signed-in person without a record');
    return me;
  }
  return users.getPerson(actor, personId); // NotFound outside the scope, like a missing id
}

export async function learningRecord(
  actor: Actor,
  personId: string,
  year: number,
  context: RequestContext = {},
): Promise<LearningRecord> {
  const person = await personFor(actor, personId);
  const id = String(person._id);
  await accessLog.record(actor, id, 'view', 'monitoring.record', context);
  const [enrolments, jp] = await Promise.all([enrolmentFacts([id]), jpTotals([id], year)]);
  const done = enrolments
    .filter((e) => e.status === 'completed' && e.completedAt && wibYear(e.completedAt) === year)
    .sort((a, b) => a.completedAt!.getTime() - b.completedAt!.getTime());
  const period = { from: startOfDayWib(`${year}-01-01`), to: startOfDayWib(`${year + 1}-01-01`) };
  const [facts, results, certificates, opd] = await Promise.all([
    courseFacts(done.map((e) => e.course)),
    resultsOf(
      [id],
      done.map((e) => e.course),
      period,
    ),
    certificatesOf(done.map((e) => e.id)),
    institutionRef(
      person.opd && typeof person.opd === 'object' && '_id' in person.opd ? person.opd._id : person.opd,
    ),
  ]);
  return {
    person: {
      id,
      name: person.name,
      nip: person.nip ?? '',
      golongan: person.golongan ?? '',
      jabatan: person.jabatan ?? '',
      unitKerja: person.unitKerja ?? '',
      opd: opd?.name ?? '',
    },
    year,
    jp: jp.get(id) ?? 0,
    target: JP_TARGET,
    rows: done.map((e) => {
      const result = results.find((r) => r.courseId === e.course);
      return {
        courseTitle: e.courseTitle,
        courseCode: facts.get(e.course)?.code ?? '',
        competencyType: facts.get(e.course)?.competencyType ?? '',
        provider: facts.get(e.course)?.partnerName ?? '',
        enrolledAt: e.enrolledAt,
        completedAt: e.completedAt!,
        jp: e.jp,
        scorePercent: result?.scorePercent,
        passed: result?.passed,
        certificate: certificates.get(e.id),
      };
    }),
    inProgress: enrolments
      .filter((e) => e.status === 'active')
      .map((e) => ({ courseTitle: e.courseTitle, enrolledAt: e.enrolledAt })),
  };
}
