// Demo courses: every directory of src/cli/demo-courses/ is an unzipped course package
// (binaasn.course.v1). Each one is imported through the same checker and writer as an uploaded
// package, authored by the seeded author of its partner university, submitted, and published by the
// seeded curator. Idempotent: a course whose code exists already is left as it is.
/* eslint-disable security/detect-non-literal-fs-filename -- the seed's own package directories */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Actor } from '../core/actor';
import {
  approveCourse,
  courseIdByCode,
  importCoursePackageDirectory,
  packageCode,
  submitCourse,
} from '../courses';
import { institutionChoices } from '../institutions';
import { accountRoles, authorsOf, findAccount } from '../users';

export const DEMO_COURSES_DIR = path.join(__dirname, 'demo-courses');
const CURATOR_EMAIL = 'kurator@binaasn.example';

export async function actorOf(id: string): Promise<Actor> {
  const account = await accountRoles(id);
  if (!account) throw new Error(`demo account ${id} is missing`);
  return { ...account, seesAllOpds: false, language: 'id' };
}

export async function partnerAuthor(partnerCode: string): Promise<Actor> {
  const partner = (await institutionChoices('university')).find((u) => u.code === partnerCode.toUpperCase());
  if (!partner) throw new Error(`demo course partner ${partnerCode} is not a seeded university`);
  const [author] = await authorsOf(String(partner._id));
  if (!author) throw new Error(`no seeded author of ${partnerCode} to write its demo course`);
  return actorOf(author.id);
}

export async function partnerCodeOf(dir: string): Promise<string> {
  const manifest = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
    course?: { partner?: unknown };
  };
  return typeof manifest.course?.partner === 'string' ? manifest.course.partner : '';
}

export interface CourseSeedReport {
  created: string[];
  existing: string[];
}

/** Imports and publishes each package directory under `root` whose course code is not present yet. */
export async function seedDemoCourses(root = DEMO_COURSES_DIR, now = new Date()): Promise<CourseSeedReport> {
  const report: CourseSeedReport = { created: [], existing: [] };
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(root, { withFileTypes: true });
  } catch {
    return report; // no demo courses shipped
  }
  const curatorAccount = await findAccount(CURATOR_EMAIL);
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(root, entry.name);
    const code = await packageCode(dir);
    if (!code) throw new Error(`demo course ${entry.name} has no readable manifest.json`);
    if (await courseIdByCode(code)) {
      report.existing.push(code);
      continue;
    }
    const author = await partnerAuthor(await partnerCodeOf(dir));
    const id = await importCoursePackageDirectory(author, dir, now);
    await submitCourse(author, id, now);
    if (curatorAccount)
      await approveCourse(await actorOf(curatorAccount.id), id, 'Diterbitkan sebagai kursus demo.', now);
    report.created.push(code);
  }
  return report;
}
