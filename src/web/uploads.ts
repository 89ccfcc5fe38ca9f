// What an upload's failure means for the person who sent it. multer (and busboy beneath it)
// reports a malformed multipart body (no boundary, cut off, a broken part header) as a plain
// Error without a status; left alone, that became a 500. Everything the request itself caused is
// a 4xx: 413 for a file over the limit, 400 for the rest. Only failures of the machine (a storage
// engine's system error such as ENOSPC) stay 500.
import type { Request, RequestHandler, Response } from 'express';
import { BadRequest, HttpError, PayloadTooLarge } from './errors';

export const MALFORMED_UPLOAD_KEY = 'errors.malformedUpload';

function isSystemError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/** The HttpError an upload failure stands for; undefined for a failure of the server itself. */
export function uploadProblem(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (isSystemError(err)) return undefined;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'LIMIT_FILE_SIZE') return new PayloadTooLarge();
  if (typeof code === 'string' && code.startsWith('LIMIT_')) return new BadRequest();
  return new BadRequest(MALFORMED_UPLOAD_KEY);
}

/**
 * Runs a multer middleware and passes its failures on as HttpErrors, so the one error handler
 * answers them with the right status: `router.post('/x', receiveUpload(upload), verifyCsrf, ...)`.
 */
export function receiveUpload(multerMiddleware: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next) => {
    void multerMiddleware(req, res, (err?: unknown) => {
      if (!err) return next();
      next(uploadProblem(err) ?? err);
    });
  };
}
