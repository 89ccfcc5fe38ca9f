// Course packages with their rules: authors export the courses they write and curators any course
// they review (the working copy); authors import a package as a new draft of their own institution.
// The demo seed imports its course directories through the same checker and writer.
/* eslint-disable security/detect-non-literal-fs-filename -- the uploaded package is multer's staging file */
import fs from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Actor } from '../core/actor';
import { audit, type AuditContext } from '../audit';
import { Forbidden } from '../web/errors';
import { courseForStaff } from './courses.access';
import type { CourseFields } from './course.model';
import { writePackage } from './package/package-export';
import {
  entriesOfDirectory,
  entriesOfZip,
  MAX_PACKAGE_BYTES,
  PackageRejected,
  partnerOf,
  planImport,
  writeImport,
} from './package/package-import';

export { PackageRejected, MAX_PACKAGE_BYTES };
export type { Problem } from './package/package-import';

/** The course a person may export, and the file name of its package. */
export async function exportable(actor: Actor, id: string, context: AuditContext = {}) {
  const course = await courseForStaff(actor, id);
  await audit.record(
    actor,
    { action: 'course.export', targetType: 'course', targetId: course._id, targetLabel: course.title },
    context,
  );
  const data = course.toObject() as unknown as CourseFields & { _id: unknown };
  return {
    fileName: `${course.code.toLowerCase()}-paket-kursus.zip`,
    write: (out: Writable) => writePackage(data, out),
  };
}

/** Imports an uploaded package (a staged ZIP) as a new draft of the author's institution. */
export async function importUploaded(
  actor: Actor,
  stagedPath: string,
  code: string,
  now: Date,
  context: AuditContext = {},
): Promise<string> {
  if (!actor.roles.includes('author')) throw new Forbidden();
  const partner = await partnerOf(actor);
  const stat = await fs.stat(stagedPath);
  if (stat.size > MAX_PACKAGE_BYTES) throw new PackageRejected([{ key: 'courses.package.errors.tooLarge' }]);
  const entries = entriesOfZip(await fs.readFile(stagedPath));
  const plan = await planImport(entries, code || undefined);
  return writeImport(plan, actor, partner, now, context);
}

/** Imports a package directory (the demo seed) as a new draft authored by `author`. */
export async function importDirectory(author: Actor, dir: string, now: Date, code?: string): Promise<string> {
  const plan = await planImport(await entriesOfDirectory(dir), code);
  return writeImport(plan, author, await partnerOf(author), now, {});
}

/** Reads a package directory's course code (the seed skips courses already present). */
export async function packageCode(dir: string): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await fs.readFile(`${dir}/manifest.json`, 'utf8')) as {
      course?: { code?: unknown };
    };
    return typeof manifest.course?.code === 'string' ? manifest.course.code.toUpperCase() : undefined;
  } catch {
    return undefined;
  }
}
