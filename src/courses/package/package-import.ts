// Importing a course package as a new draft, from an uploaded ZIP or (the demo seed) a directory:
// both become the same map of entry paths to bytes, then go through one checker and one writer.
// Everything is checked before anything is written: the archive (zip bombs: the shared guard of
// src/web/bounded-unzip.ts counts the real bytes while inflating,
// path traversal, unexpected entries), the manifest (schema, unknown lesson kinds, references to
// missing entries, unknown OPDs or prerequisites), the Markdown (UTF-8, images it names) and every
// file's bytes against the type its use and its name call for. Any problem refuses the whole
// package, with one message per problem. Then the files are stored and the course created; if that
// fails, the stored files are deleted again, so nothing is ever half-created.
/* eslint-disable security/detect-non-literal-fs-filename -- reads the seed's own package directories */
import fs from 'node:fs/promises';
import path from 'node:path';
import { trusted, Types } from 'mongoose';
import type { Actor } from '../../core/actor';
import { audit, type AuditContext } from '../../audit';
import { institutionRef, opdsByCode } from '../../institutions';
import { Course, type FileRef, LESSON_KINDS, type LessonKind } from '../course.model';
import { FileRejected, deleteFiles, sniff, storeBytes, MAX_BYTES, type FileKind } from '../course-files';
import { referencedFileNames } from '../markdown';
import { newKey, recordEvent } from '../courses.service';
import { toEmbedUrl } from '../../core/video-embeds';
import { manifestSchema, type Manifest } from './manifest';
import { unzipWithinLimits, type UnzipLimits } from '../../web/bounded-unzip';

/** Largest package upload, and what its entries may unpack to in all. */
export const MAX_PACKAGE_BYTES = 100 * 1024 * 1024;
export const PACKAGE_LIMITS: UnzipLimits = { maxBytes: 150 * 1024 * 1024, maxEntries: 2000, maxRatio: 100 };

export interface Problem {
  key: string;
  params?: Record<string, string>;
}

export class PackageRejected extends Error {
  constructor(public readonly problems: Problem[]) {
    super(`course package refused: ${problems.map((p) => p.key).join(', ')}`);
    this.name = 'PackageRejected';
  }
}

const SAFE_ENTRY = /^(manifest\.json|lessons\/[A-Za-z0-9._-]{1,120}\.md|files\/[A-Za-z0-9._-]{1,120})$/;

/** A name that tries to leave the package root or hide what it is. */
function isTraversal(name: string): boolean {
  return (
    name.includes('\\') ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.split('/').some((part) => part === '..' || part === '.') ||
    /[\u0000-\u001f]/.test(name)
  );
}

/** Entries keyed by their path in the package, a single top folder (a zipped directory) taken off. */
function normaliseEntries(raw: Map<string, Buffer>, problems: Problem[]): Map<string, Buffer> {
  const names = [...raw.keys()].filter((n) => !n.endsWith('/'));
  for (const name of names)
    if (isTraversal(name)) problems.push({ key: 'courses.package.errors.traversal', params: { name } });
  if (problems.length) return new Map();
  const tops = new Set(names.map((n) => n.split('/')[0]));
  const prefix =
    !raw.has('manifest.json') && tops.size === 1 && raw.has(`${[...tops][0]}/manifest.json`)
      ? `${[...tops][0]}/`
      : '';
  const entries = new Map<string, Buffer>();
  for (const name of names) {
    const inner = name.slice(prefix.length);
    if (inner.startsWith('__MACOSX/') || inner.endsWith('.DS_Store')) continue;
    if (!SAFE_ENTRY.test(inner))
      problems.push({ key: 'courses.package.errors.unexpected', params: { name } });
    else entries.set(inner, raw.get(name)!);
  }
  return entries;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
function textOf(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

function zodProblems(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): Problem[] {
  return error.issues.slice(0, 20).map((issue) => ({
    key: 'courses.package.errors.manifestField',
    params: { field: issue.path.map(String).join('.') || '(manifest)' },
  }));
}

interface PlannedFile {
  path: string;
  kind: FileKind;
}

export interface PlannedCourse {
  manifest: Manifest;
  entries: Map<string, Buffer>;
  files: PlannedFile[];
  bodies: Map<string, string>;
  opdIds: Types.ObjectId[];
  prerequisiteIds: Types.ObjectId[];
}

function parseManifest(entries: Map<string, Buffer>, problems: Problem[]): Manifest | undefined {
  const bytes = entries.get('manifest.json');
  if (!bytes) {
    problems.push({ key: 'courses.package.errors.noManifest' });
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(textOf(bytes) ?? '');
  } catch {
    problems.push({ key: 'courses.package.errors.manifestJson' });
    return undefined;
  }
  if ((json as { format?: unknown })?.format !== 'binaasn.course.v1') {
    problems.push({ key: 'courses.package.errors.format' });
    return undefined;
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    problems.push(...zodProblems(parsed.error));
    return undefined;
  }
  return parsed.data;
}

/** Checks lessons: kinds, referenced entries, Markdown text and the images it names. */
function planLessons(manifest: Manifest, entries: Map<string, Buffer>, problems: Problem[]) {
  const files = new Map<string, FileKind>();
  const bodies = new Map<string, string>();
  const markdownImages = new Set<string>();
  const keys = new Set<string>();
  const need = (p: string, lesson: string) => {
    if (!entries.has(p))
      problems.push({ key: 'courses.package.errors.missing', params: { name: p, lesson } });
    return entries.has(p);
  };
  for (const module of manifest.modules) {
    for (const k of [module.key, ...module.lessons.map((l) => l.key)])
      if (k && keys.has(k)) problems.push({ key: 'courses.package.errors.duplicateKey', params: { key: k } });
      else if (k) keys.add(k);
    for (const lesson of module.lessons) {
      const title = lesson.title;
      if (!(LESSON_KINDS as readonly string[]).includes(lesson.kind)) {
        problems.push({ key: 'courses.package.errors.kind', params: { kind: lesson.kind, lesson: title } });
        continue;
      }
      const kind = lesson.kind as LessonKind;
      if (kind === 'text') {
        if (!lesson.body) problems.push({ key: 'courses.package.errors.noBody', params: { lesson: title } });
        else if (need(lesson.body, title)) {
          const text = textOf(entries.get(lesson.body)!);
          if (text === undefined)
            problems.push({ key: 'courses.package.errors.notText', params: { name: lesson.body } });
          else {
            bodies.set(lesson.body, text.replace(/\r\n/g, '\n'));
            referencedFileNames(text).forEach((n) => markdownImages.add(`files/${n}`));
          }
        }
      }
      if (lesson.description)
        referencedFileNames(lesson.description).forEach((n) => markdownImages.add(`files/${n}`));
      if (kind === 'file' && !lesson.file)
        problems.push({ key: 'courses.package.errors.noFile', params: { lesson: title } });
      if (kind === 'video' && !lesson.file && !lesson.embed)
        problems.push({ key: 'courses.package.errors.noFile', params: { lesson: title } });
      if (kind === 'video' && lesson.embed && !toEmbedUrl(lesson.embed))
        problems.push({ key: 'courses.package.errors.embed', params: { lesson: title } });
      if ((kind === 'file' || kind === 'video') && lesson.file && need(lesson.file, title)) {
        if (files.has(lesson.file) && files.get(lesson.file) !== kind)
          problems.push({ key: 'courses.package.errors.sharedFile', params: { name: lesson.file } });
        files.set(lesson.file, kind);
      }
    }
  }
  if (manifest.course.cover) {
    need(manifest.course.cover, manifest.course.title);
    markdownImages.add(manifest.course.cover);
  }
  for (const image of markdownImages) {
    if (files.has(image))
      problems.push({ key: 'courses.package.errors.sharedFile', params: { name: image } });
    else if (!entries.has(image))
      problems.push({ key: 'courses.package.errors.missing', params: { name: image, lesson: '' } });
  }
  // Every other file of the package is an image of the course's library.
  for (const name of entries.keys())
    if (name.startsWith('files/') && !files.has(name)) files.set(name, 'image');
  return { files, bodies };
}

async function sniffFiles(files: Map<string, FileKind>, entries: Map<string, Buffer>, problems: Problem[]) {
  for (const [name, kind] of files) {
    const bytes = entries.get(name);
    if (!bytes) continue;
    if (bytes.length === 0) {
      problems.push({ key: 'courses.files.errors.empty', params: { name } });
      continue;
    }
    if (bytes.length > MAX_BYTES[kind]) {
      problems.push({ key: 'courses.package.errors.fileTooLarge', params: { name } });
      continue;
    }
    try {
      await sniff(kind, bytes.subarray(0, 4100), path.posix.basename(name));
    } catch (error) {
      if (!(error instanceof FileRejected)) throw error;
      problems.push({ key: error.messageKey, params: { ...error.params, name } });
    }
  }
}

async function resolveReferences(manifest: Manifest, code: string, problems: Problem[]) {
  const opdIds: Types.ObjectId[] = [];
  if ('opds' in manifest.course.audience) {
    const opds = await opdsByCode();
    for (const opdCode of manifest.course.audience.opds) {
      const opd = opds.get(opdCode.toUpperCase());
      if (opd) opdIds.push(opd._id);
      else problems.push({ key: 'courses.package.errors.opd', params: { code: opdCode } });
    }
  }
  const prerequisiteIds: Types.ObjectId[] = [];
  const wanted = (manifest.course.prerequisites ?? []).map((c) => c.toUpperCase());
  if (wanted.length) {
    const found = await Course.find({ code: trusted({ $in: wanted }) })
      .select('code')
      .lean();
    const byCode = new Map(found.map((c) => [c.code, c._id]));
    for (const c of wanted)
      if (byCode.has(c)) prerequisiteIds.push(byCode.get(c)!);
      else problems.push({ key: 'courses.package.errors.prerequisite', params: { code: c } });
  }
  if (await Course.exists({ code }))
    problems.push({ key: 'courses.package.errors.codeTaken', params: { code } });
  return { opdIds, prerequisiteIds };
}

/** Checks a package (entries by path) completely; throws PackageRejected listing every problem. */
export async function planImport(raw: Map<string, Buffer>, codeOverride?: string): Promise<PlannedCourse> {
  const problems: Problem[] = [];
  const entries = normaliseEntries(raw, problems);
  const manifest = problems.length ? undefined : parseManifest(entries, problems);
  if (!manifest) throw new PackageRejected(problems);
  if (codeOverride) manifest.course.code = codeOverride;
  manifest.course.code = manifest.course.code.toUpperCase();
  const { files, bodies } = planLessons(manifest, entries, problems);
  await sniffFiles(files, entries, problems);
  const refs = await resolveReferences(manifest, manifest.course.code, problems);
  if (problems.length) throw new PackageRejected(problems);
  return {
    manifest,
    entries,
    files: [...files].map(([p, kind]) => ({ path: p, kind })),
    bodies,
    ...refs,
  };
}

/** The entries of an uploaded package ZIP, within the limits; PackageRejected when refused. */
export function entriesOfZip(bytes: Buffer): Map<string, Buffer> {
  // The shared ZIP guard (#13): real inflated bytes are counted and inflation stops at the limit.
  const unzipped = unzipWithinLimits(bytes, PACKAGE_LIMITS);
  if (unzipped.ok) return unzipped.entries;
  const key =
    unzipped.reason === 'unreadable' ? 'courses.package.errors.unreadable' : 'courses.package.errors.zipBomb';
  throw new PackageRejected([{ key }]);
}

/** The entries of a package directory (the demo courses), under the same limits as a ZIP. */
export async function entriesOfDirectory(root: string): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  let total = 0;
  const walk = async (dir: string, prefix: string) => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const name = `${prefix}${entry.name}`;
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), `${name}/`);
      else if (entry.isFile()) {
        const bytes = await fs.readFile(path.join(dir, entry.name));
        total += bytes.length;
        if (total > PACKAGE_LIMITS.maxBytes || entries.size >= PACKAGE_LIMITS.maxEntries)
          throw new PackageRejected([{ key: 'courses.package.errors.zipBomb' }]);
        entries.set(name, bytes);
      }
    }
  };
  await walk(root, '');
  return entries;
}

function lessonKind(kind: string): LessonKind {
  return kind as LessonKind;
}

/**
 * Stores the files and creates the draft course, authored by `author` for `partnerId`; on any
 * failure the files stored so far are deleted. Returns the new course's id.
 */
export async function writeImport(
  plan: PlannedCourse,
  author: Actor,
  partnerId: string,
  now: Date,
  context: AuditContext = {},
): Promise<string> {
  const courseId = new Types.ObjectId();
  const stored = new Map<string, FileRef>();
  try {
    for (const file of plan.files) {
      const ref = await storeBytes(plan.entries.get(file.path)!, {
        kind: file.kind,
        name: path.posix.basename(file.path),
        courseId,
        uploaderId: author.id,
      });
      stored.set(file.path, ref);
    }
    const { course } = plan.manifest;
    const assets = plan.files
      .filter((f) => f.kind === 'image')
      .map((f) => ({ name: stored.get(f.path)!.name, file: stored.get(f.path)! }));
    const doc = await Course.create({
      _id: courseId,
      code: course.code,
      title: course.title,
      summary: course.summary,
      objectives: course.objectives,
      competencyType: course.competencyType,
      area: course.area,
      jp: course.jp,
      partner: partnerId,
      authors: [author.id],
      prerequisites: plan.prerequisiteIds,
      audience: 'all' in course.audience ? { all: true, opds: [] } : { all: false, opds: plan.opdIds },
      cover: course.cover ? stored.get(course.cover)!.name : '',
      quizPassMark: course.quizPassMark ?? 70,
      studyInOrder: course.studyInOrder ?? false,
      signatories: course.signatories,
      assets,
      status: 'draft',
      modules: plan.manifest.modules.map((m) => ({
        key: m.key ?? newKey(),
        title: m.title,
        lessons: m.lessons.map((l) => ({
          key: l.key ?? newKey(),
          title: l.title,
          kind: lessonKind(l.kind),
          minutes: l.minutes,
          body: l.kind === 'text' ? plan.bodies.get(l.body!)! : (l.description ?? ''),
          file: l.file ? stored.get(l.file) : undefined,
          embedUrl: l.embed && !l.file ? toEmbedUrl(l.embed) : undefined,
          quizRequired: l.kind === 'quiz' && !!l.quizRequired,
        })),
      })),
    });
    await recordEvent(doc._id, 'imported', author, now);
    await audit.record(
      author,
      {
        action: 'course.import',
        targetType: 'course',
        targetId: doc._id,
        targetLabel: doc.title,
        after: { code: doc.code, files: stored.size },
      },
      context,
    );
    return String(doc._id);
  } catch (error) {
    await deleteFiles([...stored.values()]);
    await Course.deleteOne({ _id: courseId }).catch(() => undefined);
    throw error;
  }
}

/** The author's institution, which becomes the imported course's partner. */
export async function partnerOf(author: Actor): Promise<string> {
  const partner = author.institutionId ? await institutionRef(author.institutionId) : null;
  if (!partner) throw new PackageRejected([{ key: 'courses.errors.noInstitution' }]);
  return String(partner._id);
}
