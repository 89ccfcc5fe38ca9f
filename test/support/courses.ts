// Helpers of the course tests: course forms, multipart uploads with a CSRF token, the staging
// folder's contents, GridFS counts, and a course package read back from a ZIP.
import fs from 'node:fs';
import mongoose from 'mongoose';
import { csrfToken, type Agent } from './auth';

export const VALID_COURSE = {
  code: 'LITDIG-UJI',
  title: 'Literasi Digital untuk ASN',
  summary: 'Bekerja aman dengan layanan digital pemerintah.',
  objectives: 'Mengenali phishing\nMembuat kata sandi yang kuat',
  competencyType: 'teknis',
  area: 'literasi_digital',
  jp: '2.5',
  audienceAll: 'all',
  quizPassMark: '70',
};

export async function postCourseForm(
  agent: Agent,
  page: string,
  action: string,
  fields: Record<string, string | string[]>,
) {
  const token = await csrfToken(agent, page);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: token, ...fields });
}

export async function upload(
  agent: Agent,
  page: string,
  action: string,
  field: string,
  bytes: Buffer,
  name: string,
  extra: Record<string, string> = {},
) {
  const token = await csrfToken(agent, page);
  let req = agent.post(action).field('_csrf', token);
  for (const [k, v] of Object.entries(extra)) req = req.field(k, v);
  return req.attach(field, bytes, name);
}

/** Files in the staging folder (dotfiles aside). */
export function stagedFiles(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((n) => !n.startsWith('.'));
  } catch {
    return [];
  }
}

export async function gridFsCount(bucket: string): Promise<number> {
  return mongoose.connection.db!.collection(`${bucket}.files`).countDocuments();
}

/** The id after /penulisan/ in a redirect. */
export function courseIdFrom(location: string | undefined): string {
  const match = /\/penulisan\/([0-9a-f]{24})/.exec(String(location));
  if (!match) throw new Error(`no course id in ${location}`);
  return match[1];
}

export const MINIMAL_PDF = fs.readFileSync(
  `${__dirname}/../fixtures/course-packages/UJI-01/files/ringkasan.pdf`,
);
export const PACKAGE_DIR = `${__dirname}/../fixtures/course-packages/UJI-01`;
