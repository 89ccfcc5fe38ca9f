// Exporting a course as a package ZIP ("binaasn.course.v1", see manifest.ts): the manifest, each
// text lesson as lessons/<module>-<lesson>.md and every file under files/<name>. Files are streamed
// from GridFS into the archive, which is streamed to the response: nothing is held whole in memory.
// Module and lesson keys are written, so an import elsewhere keeps the lessons' stable ids.
import { ZipFile } from 'yazl';
import { trusted } from 'mongoose';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { institutionRef, institutionRefs } from '../../institutions';
import {
  Course,
  type CourseFields,
  type FileRef,
  type LessonFields,
  type ModuleFields,
} from '../course.model';
import { openDownload } from '../course-files';
import { PACKAGE_FORMAT, type Manifest } from './manifest';

type CourseData = CourseFields & { _id: unknown };

/** Unique names under files/: a lesson file whose name an image already has gets a prefix. */
function fileNames(course: CourseData): Map<string, string> {
  const names = new Map<string, string>(); // file id → package path
  const used = new Set<string>();
  const claim = (ref: FileRef, prefix: string) => {
    const id = String(ref.id);
    if (names.has(id)) return;
    let name = ref.name;
    if (used.has(name)) name = `${prefix}-${name}`;
    used.add(name);
    names.set(id, `files/${name}`);
  };
  for (const asset of course.assets) claim(asset.file, 'gambar');
  (course.modules as ModuleFields[]).forEach((m, mi) =>
    m.lessons.forEach((l, li) => l.file && claim(l.file, `m${mi + 1}-l${li + 1}`)),
  );
  return names;
}

export async function buildManifest(course: CourseData, paths: Map<string, string>) {
  const partner = await institutionRef(course.partner);
  const opds = await institutionRefs(course.audience?.opds ?? []);
  const prerequisites = course.prerequisites?.length
    ? await Course.find({ _id: trusted({ $in: course.prerequisites }) })
        .select('code')
        .lean()
    : [];
  const bodies = new Map<string, string>();
  const coverAsset = course.assets.find((a) => a.name === course.cover);
  const manifest: Manifest = {
    format: PACKAGE_FORMAT,
    course: {
      code: course.code,
      title: course.title,
      summary: course.summary ?? '',
      objectives: course.objectives ?? [],
      competencyType: course.competencyType,
      area: course.area,
      jp: course.jp,
      partner: partner?.code,
      audience: course.audience?.all
        ? { all: true }
        : {
            opds: (course.audience?.opds ?? []).map((id) => opds.get(String(id))?.code ?? '').filter(Boolean),
          },
      cover: coverAsset ? paths.get(String(coverAsset.file.id)) : undefined,
      signatories: (course.signatories ?? []).map((s) => ({
        name: s.name,
        nip: s.nip,
        position: s.position,
      })),
      prerequisites: prerequisites.map((p) => p.code),
      quizPassMark: course.quizPassMark ?? 70,
      studyInOrder: !!course.studyInOrder,
    },
    modules: (course.modules as ModuleFields[]).map((m, mi) => ({
      key: m.key,
      title: m.title,
      lessons: (m.lessons as LessonFields[]).map((l, li) => {
        const base = { key: l.key, title: l.title, kind: l.kind, minutes: l.minutes };
        if (l.kind === 'text') {
          const body = `lessons/m${mi + 1}-l${li + 1}.md`;
          bodies.set(body, l.body ?? '');
          return { ...base, body };
        }
        return {
          ...base,
          ...(l.file ? { file: paths.get(String(l.file.id)) } : {}),
          ...(l.embedUrl ? { embed: l.embedUrl } : {}),
          ...(l.body ? { description: l.body } : {}),
          ...(l.kind === 'quiz' ? { quizRequired: !!l.quizRequired } : {}),
        };
      }),
    })),
  };
  return { manifest, bodies };
}

const ALREADY_COMPRESSED = /^(video|image\/(png|jpeg|webp|gif))|\/(pdf|zip)|officedocument|opendocument/;

/** Writes the package of a course (the working copy) to `out`; resolves when the archive is complete. */
export async function writePackage(course: CourseData, out: Writable): Promise<void> {
  const paths = fileNames(course);
  const { manifest, bodies } = await buildManifest(course, paths);
  const zip = new ZipFile();
  const mtime = new Date(course.updatedAt ?? Date.now());
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 'manifest.json', { mtime });
  for (const [name, body] of bodies) zip.addBuffer(Buffer.from(body), name, { mtime });
  const refs = new Map<string, FileRef>();
  for (const a of course.assets) refs.set(String(a.file.id), a.file);
  for (const m of course.modules as ModuleFields[])
    for (const l of m.lessons) if (l.file) refs.set(String(l.file.id), l.file);
  for (const [id, name] of paths) {
    const ref = refs.get(id)!;
    // Opened when the archive reaches it, so only one GridFS stream is open at a time.
    zip.addReadStreamLazy(
      name,
      { mtime, compress: !ALREADY_COMPRESSED.test(ref.contentType), size: ref.size },
      (cb) => cb(null, openDownload(ref) as unknown as NodeJS.ReadableStream),
    );
  }
  zip.end();
  await pipeline(zip.outputStream, out);
}
