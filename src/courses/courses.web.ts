// Web helpers shared by the course routers: parameters, form values, refused uploads, sending a
// package or a stored file (ETag, 304, ranges, safe headers).
import type { Request, Response } from 'express';
import rangeParser from 'range-parser';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NotFound } from '../web/errors';
import type { CourseFields, FileRef } from './course.model';
import { openDownload } from './course-files';
import { FileRefused } from './courses.service';
import type { Problem } from './courses.packages';

/** A module or lesson key in the path: 24 hex digits, or the same 404 as a missing one. */
export function keyParam(req: Request, name: string): string {
  const value = req.params[name];
  if (typeof value !== 'string' || !/^[0-9a-f]{24}$/i.test(value)) throw new NotFound(name);
  return value.toLowerCase();
}

/** The settings form's values for a stored course. */
export function courseFormValues(course: CourseFields, selfId: string): Record<string, unknown> {
  const values: Record<string, unknown> = {
    code: course.code,
    title: course.title,
    summary: course.summary,
    objectives: (course.objectives ?? []).join('\n'),
    competencyType: course.competencyType,
    area: course.area,
    jp: String(course.jp),
    audienceAll: course.audience?.all ? 'all' : 'opds',
    audienceOpds: (course.audience?.opds ?? []).map(String),
    prerequisites: (course.prerequisites ?? []).map(String),
    coauthors: (course.authors ?? []).map(String).filter((a) => a !== selfId),
    cover: course.cover,
    quizPassMark: String(course.quizPassMark ?? 70),
    studyInOrder: course.studyInOrder ? 'on' : '',
  };
  (course.signatories ?? []).forEach((s, i) => {
    values[`sig${i + 1}Name`] = s.name;
    values[`sig${i + 1}Nip`] = s.nip;
    values[`sig${i + 1}Position`] = s.position;
  });
  return values;
}

/**
 * Runs a file upload; a refused file (wrong type, mismatch, too large, empty) calls `refused` with
 * the status (413 for size, else 422) and the message, and answers true.
 */
export async function fileRefusal(
  run: () => Promise<unknown>,
  refused: (status: number, messageKey: string, params: Record<string, string>) => unknown,
): Promise<boolean> {
  try {
    await run();
    return false;
  } catch (error) {
    if (!(error instanceof FileRefused)) throw error;
    const key = error.fieldErrors.file;
    await refused(key === 'courses.files.errors.tooLarge' ? 413 : 422, key, error.params);
    return true;
  }
}

export function showImportPage(req: Request, res: Response, status: number, problems: Problem[] = []) {
  res.status(status).render('courses/import', {
    title: req.t('courses.import.title'),
    problems: problems.map((p) => req.t(p.key, p.params ?? {})),
  });
}

/** RFC 6266 header: an ASCII fallback plus the UTF-8 name; names are already sanitised when stored. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._-]/g, '_') || 'berkas';
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export async function sendPackage(
  res: Response,
  pkg: { fileName: string; write(out: Writable): Promise<void> },
) {
  res.setHeader('Content-Type', 'application/zip');
  res.setHeader('Content-Disposition', contentDisposition('attachment', pkg.fileName));
  res.setHeader('Cache-Control', 'no-store, no-transform');
  await pkg.write(res);
}

/** Images show in lessons and videos play inline; SVG and every download are attachments. */
function dispositionOf(ref: FileRef): 'inline' | 'attachment' {
  if (ref.contentType === 'image/svg+xml') return 'attachment';
  return /^(image|video)\//.test(ref.contentType) ? 'inline' : 'attachment';
}

/**
 * Sends a stored file: Content-Type as sniffed at upload, a sanitised Content-Disposition, nosniff,
 * a sandboxing CSP, a strong ETag (its SHA-256) with 304, and single byte ranges (206/416).
 * Media are revalidated on every use (`no-cache`: access is checked again, then 304); downloads are
 * `no-store`.
 */
export async function sendStoredFile(req: Request, res: Response, ref: FileRef): Promise<void> {
  const etag = `"${ref.sha256}"`;
  const media = dispositionOf(ref) === 'inline' || ref.contentType === 'image/svg+xml';
  res.setHeader('Cache-Control', media ? 'private, no-cache, no-transform' : 'no-store, no-transform');
  res.setHeader('ETag', etag);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; media-src 'self'; sandbox");
  res.setHeader('Content-Disposition', contentDisposition(dispositionOf(ref), ref.name));
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', ref.contentType);
  const inm = req.headers['if-none-match'];
  if (inm && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    res.status(304).end();
    return;
  }
  const ranges = req.headers.range ? rangeParser(ref.size, req.headers.range, { combine: true }) : undefined;
  const ifRange = req.headers['if-range'];
  const useRange = Array.isArray(ranges) && ranges.length === 1 && (!ifRange || ifRange === etag);
  if (ranges === -1) {
    res.status(416).setHeader('Content-Range', `bytes */${ref.size}`);
    res.end();
    return;
  }
  const range = useRange ? { start: ranges[0].start, end: ranges[0].end + 1 } : undefined;
  res.status(range ? 206 : 200);
  if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.end - 1}/${ref.size}`);
  res.setHeader('Content-Length', String(range ? range.end - range.start : ref.size));
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(openDownload(ref, range), res).catch((error: unknown) => {
    if (!res.headersSent) throw error;
    res.destroy(); // the client went away (a seek in a video does that), or the store failed mid-way
  });
}
