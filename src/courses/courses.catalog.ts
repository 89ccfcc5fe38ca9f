// What learners see: published versions only, of courses whose audience includes them (staff who
// assign or review courses see every published course). A draft, a never-published course, an
// archived one or one outside the learner's audience answers like a missing one. Course files are
// served through `openCourseFile`, which applies the same rule per file: a file of the published
// version to those who may study it, any file of the course to its authors and the curators.
import { Types, trusted, type ClientSession } from 'mongoose';
import type { Actor } from '../core/actor';
import { NotFound } from '../web/errors';
import { courseForStaff, inAudience, isAuthorOf, isCurator, seesAllPublished } from './courses.access';
import {
  Course,
  CourseVersion,
  type CourseContent,
  type FileRef,
  type LessonFields,
  type ModuleFields,
} from './course.model';
import { getVersion, lessonsOf } from './courses.versions';
import { CatalogEntry, type CatalogEntryFields } from './catalog-entry.model';
import { paginate, type Page } from '../db/pagination';
import { WatchedCache } from '../db/watched-cache';
import { CatalogTextIndex } from './catalog-text';
import { renderMarkdown } from './markdown';

export const courseFileUrl = (courseId: unknown, fileId: unknown) =>
  `/kursus/${String(courseId)}/berkas/${String(fileId)}`;

/** Renders a lesson's Markdown with `files/<name>` pointing at the course's served images. */
export function renderLessonBody(
  courseId: unknown,
  content: Pick<CourseContent, 'assets'>,
  markdown: string,
): string {
  const byName = new Map((content.assets ?? []).map((a) => [a.name, a.file.id]));
  return renderMarkdown(markdown, (name) => {
    const id = byName.get(name);
    return id ? courseFileUrl(courseId, id) : undefined;
  });
}

/**
 * Copies a course's published version into the catalog, or takes it out (archived, never published).
 * Called where publication, archiving and restoring happen, in the same transaction when given one.
 */
export async function refreshCatalogEntry(courseId: Types.ObjectId | string, session?: ClientSession) {
  const course = await Course.findById(courseId)
    .select('status publishedVersion')
    .session(session ?? null)
    .lean();
  if (!course || course.publishedVersion === 0 || course.status === 'archived') {
    await CatalogEntry.deleteOne({ _id: courseId }, { session });
    catalogCache.clear();
    return;
  }
  const version = await CourseVersion.findOne({ course: course._id, number: course.publishedVersion })
    .session(session ?? null)
    .lean();
  if (!version) return;
  const c = version.content as CourseContent;
  const lessons = lessonsOf(c);
  const cover = (c.assets ?? []).find((a) => a.name === c.cover);
  const entry: Omit<CatalogEntryFields, '_id'> = {
    version: version.number,
    code: c.code,
    title: c.title,
    sortTitle: c.title.toLocaleLowerCase('id'),
    summary: c.summary ?? '',
    objectives: c.objectives ?? [],
    competencyType: c.competencyType,
    area: c.area,
    jp: c.jp,
    partner: c.partner,
    audienceAll: c.audience?.all !== false,
    audienceOpds: (c.audience?.opds ?? []) as Types.ObjectId[],
    prerequisites: (c.prerequisites ?? []) as Types.ObjectId[],
    coverFile: cover?.file.id,
    lessons: lessons.length,
    minutes: lessons.reduce((sum, l) => sum + (l.minutes ?? 0), 0),
    publishedAt: version.publishedAt,
  };
  await CatalogEntry.updateOne({ _id: course._id }, { $set: entry }, { upsert: true, session });
  catalogCache.clear(); // the stream says so too, a moment later (and after the transaction commits)
}

/** Rebuilds every catalog entry (start-up on a database written before the catalog existed; cheap). */
export async function syncCatalog(): Promise<number> {
  const courses = await Course.find({ publishedVersion: trusted({ $gt: 0 }) })
    .select('_id')
    .lean();
  for (const c of courses) await refreshCatalogEntry(c._id);
  const ids = courses.map((c) => c._id);
  await CatalogEntry.deleteMany({ _id: trusted({ $nin: ids }) });
  catalogCache.clear();
  return courses.length;
}

export const CATALOG_SORTS = ['relevance', 'title', 'newest', 'jpAsc', 'jpDesc'] as const;
export const JP_RANGES = ['upTo2', '2to5', 'over5'] as const;
export interface CatalogQuery {
  q?: string;
  competencyType?: string;
  area?: string;
  partner?: string;
  jp?: (typeof JP_RANGES)[number];
  sort?: (typeof CATALOG_SORTS)[number];
  page?: number;
}
export type CatalogItem = Omit<CatalogEntryFields, 'audienceOpds' | 'sortTitle'> & {
  id: string;
  /** The summary's first sentences for a catalog card (the course page shows it whole). */
  excerpt: string;
};

/** Cards stay small on a phone: a summary longer than this is cut at a word and ends in "…". */
const EXCERPT_CHARS = 180;

export function excerptOf(text: string, max = EXCERPT_CHARS): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max + 1);
  const space = cut.lastIndexOf(' ');
  return `${cut.slice(0, space > max * 0.6 ? space : max).replace(/[\s,.;:–-]+$/u, '')}…`;
}

/**
 * The whole catalog in memory: about a hundred small entries, read once and forgotten the moment
 * any app instance changes any of them (the collection's change stream; this instance's own writes
 * forget it at once). Without a stream (a standalone mongod) every call reads the collection again.
 */
type CatalogRow = CatalogEntryFields & { id: string; excerpt: string; opdIds: ReadonlySet<string> };
interface CatalogSnapshot {
  entries: readonly CatalogRow[];
  byId: ReadonlyMap<string, CatalogRow>;
  partners: readonly string[];
  /** Title, code, objectives and summary, indexed as the catalog's `$text` index does. */
  text: CatalogTextIndex<CatalogRow>;
}
const catalogCache = new WatchedCache<CatalogSnapshot>('catalogentries', 1, { forgetAllOnAnyChange: true });

/** Reads the catalog and indexes it (the cache keeps the result until any entry changes). */
async function loadCatalog(): Promise<CatalogSnapshot> {
  const rows = await CatalogEntry.find().lean();
  const entries = rows.map((r) =>
    Object.freeze({
      ...r,
      id: String(r._id),
      excerpt: excerptOf(r.summary ?? ''),
      opdIds: new Set(r.audienceOpds.map(String)),
    }),
  );
  return {
    entries,
    byId: new Map(entries.map((e) => [e.id, e])),
    partners: [...new Set(entries.map((e) => String(e.partner)))],
    text: new CatalogTextIndex(entries, (e) => e),
  };
}

const catalogSnapshot = () => catalogCache.get('all', loadCatalog);

/** Whether the actor's audience includes the entry: every entry for staff, else all ASN or their OPD. */
function isVisible(actor: Actor, entry: CatalogRow): boolean {
  return seesAllPublished(actor) || entry.audienceAll || (!!actor.opdId && entry.opdIds.has(actor.opdId));
}

const JP_TESTS: Record<(typeof JP_RANGES)[number], (jp: number) => boolean> = {
  upTo2: (jp) => jp <= 2,
  '2to5': (jp) => jp > 2 && jp <= 5,
  over5: (jp) => jp > 5,
};

function isFilteredIn(query: CatalogQuery, entry: CatalogRow): boolean {
  if (query.competencyType && entry.competencyType !== query.competencyType) return false;
  if (query.area && entry.area !== query.area) return false;
  if (
    query.partner &&
    /^[0-9a-f]{24}$/i.test(query.partner) &&
    String(entry.partner) !== query.partner.toLowerCase()
  )
    return false;
  return !query.jp || JP_TESTS[query.jp](entry.jp);
}

/**
 * One page of the catalog the actor may see: searched, filtered and sorted, all in memory (the
 * catalog and its text index are held by the cache; no database round trip once it is warm).
 */
export async function searchCatalog(
  actor: Actor,
  query: CatalogQuery,
  pageSize = 12,
): Promise<Page<CatalogItem>> {
  const snapshot = await catalogSnapshot();
  const scores = query.q ? snapshot.text.search(query.q) : undefined;
  const rows = snapshot.entries
    .filter((e) => isVisible(actor, e) && isFilteredIn(query, e) && (!scores || scores.has(e)))
    .sort(orderOf(query, scores));
  return paginate(
    query.page,
    pageSize,
    () => Promise.resolve(rows.length),
    (skip, limit) => Promise.resolve(rows.slice(skip, skip + limit) as CatalogItem[]),
  );
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byTitle = (a: CatalogRow, b: CatalogRow) => byText(a.sortTitle, b.sortTitle) || byText(a.id, b.id);

function orderOf(
  query: CatalogQuery,
  scores?: Map<CatalogRow, number>,
): (a: CatalogRow, b: CatalogRow) => number {
  const sort = query.sort ?? (query.q ? 'relevance' : 'title');
  if (sort === 'relevance' && scores) return (a, b) => scores.get(b)! - scores.get(a)! || byTitle(a, b);
  if (sort === 'newest')
    return (a, b) => b.publishedAt.getTime() - a.publishedAt.getTime() || byText(a.id, b.id);
  if (sort === 'jpAsc') return (a, b) => a.jp - b.jp || byTitle(a, b);
  if (sort === 'jpDesc') return (a, b) => b.jp - a.jp || byTitle(a, b);
  return byTitle;
}

/** The partners that have a course in the catalog (the partner filter's choices). */
export async function catalogPartners(): Promise<string[]> {
  return [...(await catalogSnapshot()).partners];
}

/** Code and title of catalog courses, by id (prerequisites, my-learning rows). */
export async function catalogTitles(ids: Array<Types.ObjectId | string>) {
  const { byId } = await catalogSnapshot();
  const rows = ids.flatMap((id) => byId.get(String(id).toLowerCase()) ?? []);
  return new Map(rows.map((r) => [r.id, { code: r.code, title: r.title, jp: r.jp, version: r.version }]));
}

/**
 * The published version (its number) of a course the actor may study, from the catalog in memory:
 * the learner's pages take the version's content from their own cache of immutable versions. A
 * course out of reach answers like a missing one.
 */
export async function studyableCourse(actor: Actor, id: string): Promise<{ id: string; version: number }> {
  if (!/^[0-9a-f]{24}$/i.test(id)) throw new NotFound('course');
  const entry = (await catalogSnapshot()).byId.get(id.toLowerCase());
  if (!entry) throw new NotFound('course');
  if (!isVisible(actor, entry)) {
    const course = await Course.findById(id).select('authors partner').lean();
    if (!course || !isAuthorOf(actor, course)) throw new NotFound('course');
  }
  return { id: entry.id, version: entry.version };
}

/** The published version of a course, if the actor may study it. */
export async function publishedCourse(actor: Actor, id: string) {
  if (!/^[0-9a-f]{24}$/i.test(id)) throw new NotFound('course');
  const course = await Course.findById(id).select('status publishedVersion authors partner').lean();
  if (!course || course.publishedVersion === 0 || course.status === 'archived') throw new NotFound('course');
  const version = await getVersion(course._id, course.publishedVersion);
  if (!version) throw new NotFound('course');
  const content = version.content as CourseContent;
  if (!seesAllPublished(actor) && !isAuthorOf(actor, course) && !inAudience(actor, content))
    throw new NotFound('course');
  const prerequisites = content.prerequisites?.length
    ? await Course.find({ _id: trusted({ $in: content.prerequisites }) })
        .select('code title')
        .lean()
    : [];
  return {
    id: String(course._id),
    version: version.number,
    publishedAt: version.publishedAt,
    content,
    prerequisites,
  };
}

export function findLesson(content: Pick<CourseContent, 'modules'>, key: string) {
  const modules = (content.modules ?? []) as ModuleFields[];
  const flat = modules.flatMap((m) => m.lessons.map((l) => ({ module: m, lesson: l as LessonFields })));
  const index = flat.findIndex((x) => x.lesson.key === key);
  if (index < 0) throw new NotFound('lesson');
  return {
    ...flat[index],
    previous: flat[index - 1]?.lesson,
    next: flat[index + 1]?.lesson,
    position: index + 1,
    count: flat.length,
  };
}

function filesOf(content: Pick<CourseContent, 'modules' | 'assets'>): FileRef[] {
  const lessons = ((content.modules ?? []) as ModuleFields[]).flatMap((m) => m.lessons as LessonFields[]);
  return [
    ...lessons.map((l) => l.file).filter((f): f is FileRef => !!f),
    ...(content.assets ?? []).map((a) => a.file),
  ];
}

/**
 * A course file the actor may fetch, with how to send it. Authors of the course and curators get
 * any file of the working copy or of a version; everyone else only the files of the published
 * version, and only when they may study it.
 */
export async function openCourseFile(actor: Actor, courseId: string, fileId: string): Promise<FileRef> {
  if (!/^[0-9a-f]{24}$/i.test(fileId)) throw new NotFound('file');
  const wanted = (f: FileRef) => String(f.id) === fileId.toLowerCase();
  const staff = await courseForStaff(actor, courseId).catch(() => undefined);
  if (staff) {
    const fromDraft = filesOf(staff.toObject() as never).find(wanted);
    if (fromDraft) return fromDraft;
    if (staff.publishedVersion > 0) {
      const version = await getVersion(staff._id, staff.publishedVersion);
      const fromVersion = version && filesOf(version.content as CourseContent).find(wanted);
      if (fromVersion) return fromVersion;
    }
    throw new NotFound('file');
  }
  const published = await publishedCourse(actor, courseId);
  const file = filesOf(published.content).find(wanted);
  if (!file) throw new NotFound('file');
  const lesson = lessonsOf(published.content).find((l) => l.file && wanted(l.file));
  if (lesson) await assertLessonOpen(actor, published.id, published.content, lesson.key);
  return file;
}

/** Throws when a lesson of a course studied in order is not open to the actor yet. */
export type LessonGate = (actor: Actor, courseId: string, lessonKey: string) => Promise<void>;
let lessonGate: LessonGate = () => Promise.resolve();

/** The learning feature says whether a lesson of a course studied in order is open to the learner. */
export function registerLessonGate(gate: LessonGate): void {
  lessonGate = gate;
}

/**
 * Refuses a lesson the learner has not reached in a course studied in order: every channel that
 * serves a lesson outside the player (its file, its quiz) asks here.
 */
export async function assertLessonOpen(
  actor: Actor,
  courseId: string,
  content: Pick<CourseContent, 'studyInOrder'>,
  lessonKey: string,
): Promise<void> {
  if (content.studyInOrder) await lessonGate(actor, courseId, lessonKey);
}

/** Draft preview of a lesson, for its authors and the curators. */
export async function previewLesson(actor: Actor, id: string, key: string) {
  const course = await courseForStaff(actor, id);
  const content = course.toObject() as unknown as CourseContent;
  const found = findLesson(content, key);
  return {
    course: { id: String(course._id), content, version: 0 },
    ...found,
    sanitizedHtml: renderLessonBody(course._id, content, found.lesson.body ?? ''),
    isCurator: isCurator(actor),
  };
}

export const asObjectId = (id: string) => new Types.ObjectId(id);
