// Course evaluation by learners after completion: the invitation the learning feature sends at
// completion (inviteToCourseEvaluation), the person's own pending and answered evaluations, the
// answer (once, by the invited person only), the template curators edit, and the results for
// curators and the partner's authors: aggregates only, and only from MIN_ANSWERS answers up.
import { trusted, Types } from 'mongoose';
import type { Actor } from '../core/actor';
import { audit, type AuditContext } from '../audit';
import { publishedCourse } from '../courses';
import { institutionRefs } from '../institutions';
import { Conflict, NotFound } from '../web/errors';
import { CourseEvaluation, CourseEvaluationTemplate } from './course-evaluation.model';
import type { Period } from './ikm';

/** Below this many answers a group's results are hidden: a few answers would name their writers. */
export const MIN_ANSWERS = 5;

export const DEFAULT_ITEMS = [
  { key: 'k1', text: 'Materi kursus jelas dan tersusun dengan baik.' },
  { key: 'k2', text: 'Materi kursus sesuai dengan kebutuhan pekerjaan saya.' },
  { key: 'k3', text: 'Mitra pengajar menyampaikan materi dengan baik.' },
  { key: 'k4', text: 'Latihan dan kuis membantu saya memahami materi.' },
  { key: 'k5', text: 'Saya akan menerapkan yang saya pelajari dalam pekerjaan.' },
  { key: 'k6', text: 'Secara keseluruhan saya puas dengan kursus ini.' },
];
export const DEFAULT_COMMENT_PROMPT = 'Saran Anda untuk perbaikan kursus ini';

export interface CompletionEvent {
  enrolmentId: string;
  personId: string;
  courseId: string;
  completedAt: Date;
}

/** Reads courses as the curators see them: the invitation records the title and partner of any published course. */
const COURSE_READER: Actor = {
  id: 'evaluation',
  name: 'evaluation',
  roles: ['curator'],
  seesAllOpds: false,
  language: 'id',
};

export async function template() {
  const found = await CourseEvaluationTemplate.findById('default').lean();
  return found ?? { items: DEFAULT_ITEMS, commentPrompt: DEFAULT_COMMENT_PROMPT };
}

export function canEditTemplate(actor: Actor): boolean {
  return actor.roles.includes('curator');
}

export async function saveTemplate(
  actor: Actor,
  input: { items: Array<{ key?: string; text: string }>; commentPrompt: string },
  context: AuditContext = {},
): Promise<void> {
  if (!canEditTemplate(actor)) throw new NotFound('page');
  const current = await template();
  const known = new Set(current.items.map((i) => i.key));
  let next = Math.max(0, ...current.items.map((i) => Number(i.key.slice(1)))) + 1;
  const items = input.items.map((i) => ({
    key: i.key && known.has(i.key) ? i.key : `k${next++}`,
    text: i.text,
  }));
  await CourseEvaluationTemplate.updateOne(
    { _id: 'default' },
    { $set: { items, commentPrompt: input.commentPrompt } },
    { upsert: true },
  );
  await audit.record(
    actor,
    {
      action: 'courseEvaluation.template',
      targetType: 'courseEvaluationTemplate',
      targetLabel: 'default',
      after: { items: items.map((i) => i.text) },
    },
    context,
  );
}

/**
 * Records a pending evaluation for the person who completed a course (the learning feature calls
 * this at completion). Called twice for one enrolment, it keeps the first invitation.
 */
export async function inviteToCourseEvaluation(event: CompletionEvent, now = new Date()): Promise<void> {
  if (!Types.ObjectId.isValid(event.personId) || !Types.ObjectId.isValid(event.courseId))
    throw new Error('inviteToCourseEvaluation: personId and courseId must be object ids');
  const course = await publishedCourse(COURSE_READER, event.courseId).catch(() => undefined);
  await CourseEvaluation.updateOne(
    { enrolment: String(event.enrolmentId) },
    {
      $setOnInsert: {
        enrolment: String(event.enrolmentId),
        person: new Types.ObjectId(event.personId),
        course: new Types.ObjectId(event.courseId),
        courseTitle: course?.content.title ?? '',
        partner: course?.content.partner ?? null,
        completedAt: event.completedAt,
        invitedAt: now,
        status: 'pending',
      },
    },
    { upsert: true },
  );
}

/** The person's own evaluations, pending first. */
export async function mine(actor: Actor) {
  return CourseEvaluation.find({ person: actor.id })
    .select('courseTitle status completedAt answeredAt')
    .sort({ status: -1, completedAt: -1 })
    .lean();
}

/** One of the person's own evaluations; anyone else's answers like a missing one. */
export async function ownEvaluation(actor: Actor, id: string) {
  const evaluation = Types.ObjectId.isValid(id)
    ? await CourseEvaluation.findOne({ _id: id, person: actor.id }).lean()
    : null;
  if (!evaluation) throw new NotFound('courseEvaluation');
  const items = evaluation.status === 'answered' ? evaluation.items : (await template()).items;
  const prompt = (await template()).commentPrompt;
  return { ...evaluation, items, commentPrompt: prompt };
}

/** Stores the answers, once: a second post answers 409 and changes nothing. */
export async function answer(
  actor: Actor,
  id: string,
  input: Record<string, unknown> & { comment: string },
  now: Date,
): Promise<void> {
  const evaluation = await ownEvaluation(actor, id);
  if (evaluation.status === 'answered') throw new Conflict('evaluation.errors.alreadyAnswered');
  const answers = evaluation.items.map((i) => ({ key: i.key, score: input[i.key] as number }));
  const result = await CourseEvaluation.updateOne(
    { _id: evaluation._id, status: 'pending' },
    {
      $set: { status: 'answered', answeredAt: now, items: evaluation.items, answers, comment: input.comment },
    },
  );
  if (result.modifiedCount === 0) throw new Conflict('evaluation.errors.alreadyAnswered');
}

/** "Data saya": the person's own evaluations with what they answered. */
export async function exportFor(userId: string): Promise<unknown[]> {
  if (!Types.ObjectId.isValid(userId)) return [];
  const rows = await CourseEvaluation.find({ person: userId }).sort({ invitedAt: 1 }).lean();
  return rows.map((r) => ({
    course: r.courseTitle,
    status: r.status,
    completedAt: r.completedAt,
    invitedAt: r.invitedAt,
    answeredAt: r.answeredAt,
    answers: r.answers.map((a) => ({
      item: r.items.find((i) => i.key === a.key)?.text ?? a.key,
      score: a.score,
    })),
    comment: r.comment,
  }));
}

export function canSeeResults(actor: Actor): boolean {
  return actor.roles.some((r) => r === 'curator' || r === 'admin' || r === 'author');
}

/** The evaluations a reader may aggregate: every course for curators and admins, the partner's courses for its authors. */
function resultsScope(actor: Actor): Record<string, unknown> {
  if (actor.roles.includes('curator') || actor.roles.includes('admin')) return {};
  if (actor.roles.includes('author') && actor.institutionId)
    return { partner: new Types.ObjectId(actor.institutionId) };
  return { _id: new Types.ObjectId('000000000000000000000000') };
}

export interface GroupResult {
  id: string;
  label: string;
  answers: number;
  isHidden: boolean;
  items: Array<{ key: string; text: string; mean: number | null }>;
  overall: number | null;
  comments: string[];
}

/**
 * Results per course and per partner for a period: means per item, only for groups with at least
 * MIN_ANSWERS answers; smaller groups show their count and nothing else. Comments are listed in
 * alphabetical order, without dates or names, so their order says nothing about who wrote them.
 */
export async function results(actor: Actor, period: Period, filter: { course?: string; partner?: string }) {
  if (!canSeeResults(actor)) throw new NotFound('page');
  const match: Record<string, unknown> = {
    ...resultsScope(actor),
    status: 'answered',
    answeredAt: trusted({ $gte: period.start, $lt: period.end }),
  };
  if (filter.course) match.course = new Types.ObjectId(filter.course);
  if (filter.partner) match.partner = new Types.ObjectId(filter.partner);
  const rows = await CourseEvaluation.find(match)
    .select('course courseTitle partner items answers comment')
    .lean();
  const { items } = await template();
  const group = (
    members: typeof rows,
    key: (r: (typeof rows)[number]) => string,
    label: (r: (typeof rows)[number]) => string,
  ) => {
    const groups = new Map<string, typeof rows>();
    for (const r of members) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
    return [...groups.entries()]
      .map(([id, inGroup]) => summarise(id, label(inGroup[0]), inGroup, items))
      .sort((a, b) => a.label.localeCompare(b.label, 'id'));
  };
  const byCourse = group(
    rows,
    (r) => String(r.course),
    (r) => r.courseTitle,
  );
  // A partner's figures count only courses shown on their own: otherwise a hidden course's few
  // answers could be read as the difference between the partner's figures and its other courses'.
  const shown = new Set(byCourse.filter((c) => !c.isHidden).map((c) => c.id));
  const partners = await institutionRefs(rows.map((r) => r.partner));
  const byPartner = group(
    rows.filter((r) => shown.has(String(r.course))),
    (r) => String(r.partner ?? ''),
    (r) => partners.get(String(r.partner))?.name ?? '-',
  );
  return { byCourse, byPartner, items };
}

function summarise(
  id: string,
  label: string,
  members: Array<{ answers: Array<{ key?: string | null; score?: number | null }>; comment?: string | null }>,
  items: Array<{ key: string; text: string }>,
): GroupResult {
  const isHidden = members.length < MIN_ANSWERS;
  if (isHidden)
    return { id, label, answers: members.length, isHidden, items: [], overall: null, comments: [] };
  const means = items.map((item) => {
    const scores = members.flatMap((m) =>
      m.answers.filter((a) => a.key === item.key).map((a) => a.score ?? 0),
    );
    return { ...item, mean: scores.length ? scores.reduce((s, v) => s + v, 0) / scores.length : null };
  });
  const answered = means.filter((m) => m.mean !== null);
  const overall = answered.length
    ? answered.reduce((s, m) => s + (m.mean as number), 0) / answered.length
    : null;
  const comments = members
    .map((m) => (m.comment ?? '').trim())
    .filter(Boolean)
    .sort((a, b) => a.localeCompare(b, 'id'));
  return { id, label, answers: members.length, isHidden, items: means, overall, comments };
}
