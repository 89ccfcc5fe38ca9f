// Uploads staged on disk by multer (the uploads folder, UPLOADS_DIR), with a size limit per route,
// removed when the response ends, whether the request succeeded, failed or was cut off: the folder
// only ever holds files of requests in flight (the retention job sweeps anything a crash left).
// The route then checks the CSRF token (multipart bodies skip the global check: see csrf.ts).
/* eslint-disable security/detect-non-literal-fs-filename -- multer's own random staging paths */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';

export interface StagingOptions {
  dir: string;
  /** The one file field of the form. */
  field: string;
  maxBytes: number;
  /** Most text fields of the form (besides the file). */
  maxFields?: number;
}

function removeStaged(req: Request): void {
  const files = [req.file, ...(Array.isArray(req.files) ? req.files : [])].filter(Boolean);
  for (const file of files) if (file?.path) fs.rmSync(file.path, { force: true });
}

/** Removes the staged upload just before the response's last byte goes out (so no reply races it). */
function removeBeforeEnd(req: Request, res: Response): void {
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    removeStaged(req);
    return end(...args);
  }) as Response['end'];
}

/**
 * multer on disk for one file field; on a refusal it calls `onLimit(req, res, code)` (multer's
 * LIMIT_* code, or MALFORMED for a broken body) instead of the error page. The staged file is deleted when the response ends.
 */
export function stagedUpload(
  options: StagingOptions,
  onLimit: (req: Request, res: Response, code: string, next: NextFunction) => unknown,
): RequestHandler {
  fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const upload = multer({
    storage: multer.diskStorage({
      destination: options.dir,
      filename: (_req, _file, cb) => cb(null, `upload-${crypto.randomBytes(12).toString('hex')}`),
    }),
    limits: {
      fileSize: options.maxBytes,
      files: 1,
      fields: options.maxFields ?? 5,
      parts: (options.maxFields ?? 5) + 1,
      fieldSize: 200 * 1024,
    },
  }).single(options.field);
  return (req, res, next) => {
    removeBeforeEnd(req, res);
    res.once('close', () => removeStaged(req)); // a request cut off before any answer
    upload(req, res, (err: unknown) => {
      if (!err) return next();
      removeStaged(req);
      // Limits (LIMIT_FILE_SIZE → 413, …) and malformed multipart bodies (400) are the form's to answer.
      const code = (err as { code?: string }).code;
      onLimit(req, res, typeof code === 'string' && code.startsWith('LIMIT_') ? code : 'MALFORMED', next);
    });
  };
}
