// Versions (see the version model in course.model.ts): what a lesson's content hash covers, freezing
// the working copy into a version, what changed since the published version, and which lessons are
// unchanged between two versions (so progress on them carries over).
import crypto from 'node:crypto';
import type { ClientSession, Types } from 'mongoose';
import {
  CONTENT_FIELDS,
  Course,
  CourseVersion,
  type CourseContent,
  type LessonFields,
  type ModuleFields,
} from './course.model';

type LessonLike = Pick<LessonFields, 'kind' | 'body' | 'file' | 'embedUrl' | 'quizRequired'>;

/** SHA-256 of what the learner studies in a lesson: kind, text, file bytes, embed, quiz setting. */
export function lessonContentHash(lesson: LessonLike): string {
  const canonical = JSON.stringify([
    lesson.kind,
    lesson.body ?? '',
    lesson.file?.sha256 ?? '',
    lesson.embedUrl ?? '',
    lesson.quizRequired ? 1 : 0,
  ]);
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

/** The working copy's content, as plain data, with every lesson's content hash. */
export function contentOf(course: Record<string, unknown>): CourseContent {
  const plain = Object.fromEntries(CONTENT_FIELDS.map((f) => [f, course[f]])) as unknown as CourseContent;
  const modules = (plain.modules ?? []) as ModuleFields[];
  plain.modules = modules.map((m) => ({
    key: m.key,
    title: m.title,
    lessons: m.lessons.map((l) => ({ ...toPlain(l), contentHash: lessonContentHash(l) })),
  })) as never;
  return JSON.parse(JSON.stringify(plain)) as CourseContent; // plain data: ids as hex, cast back on save
}

function toPlain<T>(value: T): T {
  const v = value as { toObject?: () => T };
  return typeof v.toObject === 'function' ? v.toObject() : value;
}

/** Freezes the working copy as the next version and returns its number. */
export async function freezeVersion(
  courseId: Types.ObjectId,
  publishedBy: { id: string; name: string },
  comment: string,
  now: Date,
  session?: ClientSession,
): Promise<number> {
  const course = await Course.findById(courseId)
    .session(session ?? null)
    .lean();
  if (!course) throw new Error('course vanished while publishing');
  const last = await CourseVersion.findOne({ course: courseId }, { number: 1 })
    .sort({ number: -1 })
    .session(session ?? null)
    .lean();
  const number = (last?.number ?? 0) + 1;
  await CourseVersion.create(
    [
      {
        course: courseId,
        number,
        content: contentOf(course as unknown as Record<string, unknown>),
        publishedAt: now,
        publishedBy: publishedBy.id,
        publishedByName: publishedBy.name,
        comment,
      },
    ],
    { session },
  );
  return number;
}

export async function getVersion(courseId: Types.ObjectId | string, number: number) {
  return CourseVersion.findOne({ course: courseId, number }).lean();
}

/**
 * Keys of the lessons a learner need not study again when moving from version `from` to `to`:
 * present in both with the same content hash. The learning feature carries progress over for these.
 */
export async function unchangedLessonKeys(
  courseId: Types.ObjectId | string,
  from: number,
  to: number,
): Promise<string[]> {
  const [a, b] = await Promise.all([getVersion(courseId, from), getVersion(courseId, to)]);
  if (!a || !b) return [];
  const before = new Map(lessonsOf(a.content as CourseContent).map((l) => [l.key, l.contentHash]));
  return lessonsOf(b.content as CourseContent)
    .filter((l) => l.contentHash && before.get(l.key) === l.contentHash)
    .map((l) => l.key);
}

export function lessonsOf(content: Pick<CourseContent, 'modules'>): LessonFields[] {
  return ((content.modules ?? []) as ModuleFields[]).flatMap((m) => m.lessons as LessonFields[]);
}

export type ChangeKind = 'added' | 'removed' | 'edited' | 'renamed' | 'moved';

export interface CourseChanges {
  isFirstVersion: boolean;
  settings: Array<{ field: string; before: string; after: string }>;
  modules: Array<{ change: ChangeKind; title: string; before?: string }>;
  lessons: Array<{ change: ChangeKind; title: string; module: string; before?: string; details: string[] }>;
  assets: Array<{ change: ChangeKind; name: string }>;
}

const SETTING_FIELDS = [
  'code',
  'title',
  'summary',
  'objectives',
  'competencyType',
  'area',
  'jp',
  'audience',
  'prerequisites',
  'cover',
  'quizPassMark',
  'studyInOrder',
  'signatories',
] as const;

function show(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  if (Array.isArray(value))
    return value
      .map((v) => (typeof v === 'object' && v ? Object.values(v as object).join(' · ') : String(v)))
      .join('; ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function comparable(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** A setting's value; a switch that versions older than it lack was off. */
function settingOf(content: Record<string, unknown>, field: (typeof SETTING_FIELDS)[number]): unknown {
  return field === 'studyInOrder' ? !!content[field] : content[field];
}

/** What the working copy changes compared with a published version (or everything, when none). */
export function diffContent(published: CourseContent | undefined, draft: CourseContent): CourseChanges {
  const changes: CourseChanges = {
    isFirstVersion: !published,
    settings: [],
    modules: [],
    lessons: [],
    assets: [],
  };
  const before = (published ?? {}) as Record<string, unknown>;
  const after = draft as unknown as Record<string, unknown>;
  for (const field of SETTING_FIELDS) {
    const [was, is] = [settingOf(before, field), settingOf(after, field)];
    if (published && comparable(was) === comparable(is)) continue;
    if (!published && (is === '' || is === false || (Array.isArray(is) && !(is as []).length))) continue;
    changes.settings.push({ field, before: published ? show(was) : '', after: show(is) });
  }
  const oldModules = new Map(((published?.modules ?? []) as ModuleFields[]).map((m, i) => [m.key, { m, i }]));
  const newModules = (draft.modules ?? []) as ModuleFields[];
  newModules.forEach((m, i) => {
    const old = oldModules.get(m.key);
    if (!old) changes.modules.push({ change: 'added', title: m.title });
    else if (old.m.title !== m.title)
      changes.modules.push({ change: 'renamed', title: m.title, before: old.m.title });
    else if (old.i !== i) changes.modules.push({ change: 'moved', title: m.title });
  });
  const newModuleKeys = new Set(newModules.map((m) => m.key));
  for (const { m } of oldModules.values())
    if (!newModuleKeys.has(m.key)) changes.modules.push({ change: 'removed', title: m.title });

  const oldLessons = new Map<string, { l: LessonFields; module: string; position: number }>();
  ((published?.modules ?? []) as ModuleFields[]).forEach((m) =>
    m.lessons.forEach((l, position) =>
      oldLessons.set(l.key, { l: l as LessonFields, module: m.key, position }),
    ),
  );
  const seen = new Set<string>();
  for (const m of newModules) {
    m.lessons.forEach((lesson, position) => {
      const l = lesson as LessonFields;
      seen.add(l.key);
      const old = oldLessons.get(l.key);
      if (!old)
        return changes.lessons.push({ change: 'added', title: l.title, module: m.title, details: [] });
      const details: string[] = [];
      if (old.l.title !== l.title) details.push('title');
      if (old.l.minutes !== l.minutes) details.push('minutes');
      if (lessonContentHash(old.l) !== lessonContentHash(l)) details.push('content');
      if (details.length)
        changes.lessons.push({
          change: 'edited',
          title: l.title,
          module: m.title,
          before: old.l.title,
          details,
        });
      else if (old.module !== m.key || old.position !== position)
        changes.lessons.push({ change: 'moved', title: l.title, module: m.title, details: [] });
    });
  }
  const oldModuleTitles = new Map(
    ((published?.modules ?? []) as ModuleFields[]).map((m) => [m.key, m.title]),
  );
  for (const [key, old] of oldLessons)
    if (!seen.has(key))
      changes.lessons.push({
        change: 'removed',
        title: old.l.title,
        module: oldModuleTitles.get(old.module) ?? '',
        details: [],
      });

  const oldAssets = new Map((published?.assets ?? []).map((a) => [a.name, a.file.sha256]));
  const newAssets = new Map((draft.assets ?? []).map((a) => [a.name, a.file.sha256]));
  for (const [name, sha] of newAssets) {
    if (!oldAssets.has(name)) changes.assets.push({ change: 'added', name });
    else if (oldAssets.get(name) !== sha) changes.assets.push({ change: 'edited', name });
  }
  for (const name of oldAssets.keys())
    if (!newAssets.has(name)) changes.assets.push({ change: 'removed', name });
  return changes;
}

export function hasChanges(changes: CourseChanges): boolean {
  return (
    changes.settings.length + changes.modules.length + changes.lessons.length + changes.assets.length > 0
  );
}
