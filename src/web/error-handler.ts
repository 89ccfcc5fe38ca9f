// The one error handler: HttpErrors (and the errors of body parsing, multer and CSRF) become a
// status and a page in the person's language; anything else is a 500 page with the request id.
// It never throws: whatever goes wrong inside it (an error object whose properties throw, a view
// that fails) ends in a plain-text 500, never in Express's fallback page with its stack trace.
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError, NotFound } from './errors';
import { translatorFor, languageOf } from './i18n';
import { renderInLayout } from './layout';

const VIEWS: Record<number, string> = { 403: 'errors/403', 404: 'errors/404', 500: 'errors/500' };

type Classified = { status: number; messageKey: string; messageParams?: Record<string, string | number> };

function statusOf(error: unknown): Classified {
  try {
    return classify(error);
  } catch {
    return { status: 500, messageKey: 'errors.internal' }; // an error whose properties throw
  }
}

function classify(error: unknown): Classified {
  if (error instanceof HttpError)
    return { status: error.status, messageKey: error.messageKey, messageParams: error.messageParams };
  const e = error as { status?: number; statusCode?: number; code?: string; type?: string };
  if (e?.code === 'LIMIT_FILE_SIZE' || e?.type === 'entity.too.large')
    return { status: 413, messageKey: 'errors.payloadTooLarge' };
  if (typeof e?.code === 'string' && e.code.startsWith('LIMIT_'))
    return { status: 400, messageKey: 'errors.badRequest' };
  if ((error as { name?: unknown })?.name === 'MulterError')
    return { status: 400, messageKey: 'errors.malformedUpload' }; // e.g. a part without a field name
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return { status, messageKey: status === 403 ? 'errors.forbidden' : 'errors.badRequest' };
  return { status: 500, messageKey: 'errors.internal' };
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new NotFound());

type RequestLog = { error: (o: object, m: string) => void };

function logFailure(req: Request, err: unknown, message: string): void {
  try {
    (req as Request & { log?: RequestLog }).log?.error({ err }, message);
  } catch {
    // an error that cannot even be logged is not worth a second failure
  }
}

/** The answer when the error page itself cannot be made. */
function plainFailure(res: Response): void {
  try {
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(500).set('Cache-Control', 'no-store').type('text/plain').send('500 Internal Server Error');
  } catch {
    res.destroy();
  }
}

export const errorHandler: ErrorRequestHandler = (error, req: Request, res, next) => {
  try {
    renderError(error, req, res, next);
  } catch (failure) {
    logFailure(req, failure, 'error handler failed');
    plainFailure(res);
  }
};

function renderError(error: unknown, req: Request, res: Response, next: NextFunction): void {
  const { status, messageKey, messageParams } = statusOf(error);
  if (status >= 500) logFailure(req, error, 'request failed');
  if (res.headersSent) return next(error);
  if (res.locals.isRenderingError) return plainFailure(res); // the error page itself failed: no loop
  res.locals.isRenderingError = true;
  const t = req.t ?? translatorFor(languageOf(req));
  res.locals.t ??= t;
  res.locals.lang ??= req.lang ?? 'id';
  // Error pages must not echo the request: a 404 for someone else's id is byte for byte the 404
  // of an id that does not exist (SECURITY.md). The language switch then returns home.
  res.locals.currentPath = '';
  // Errors raised before the view locals were set (body too large, bad JSON) still get the layout.
  res.locals.currentUser ??= req.user;
  res.locals.navItems ??= [];
  res.locals.takeFlash ??= () => [];
  res.locals.csrfToken ??= '';
  const requestId = String((req as Request & { id?: unknown }).id ?? '');
  res.status(status);
  res.setHeader('Cache-Control', 'no-store');
  if (req.accepts(['html', 'json']) === 'json') {
    res.json({
      error: t(messageKey, messageParams),
      status,
      requestId,
      ...(error instanceof HttpError && 'fieldErrors' in error ? { fieldErrors: error.fieldErrors } : {}),
    });
    return;
  }
  const view = VIEWS[status] ?? 'errors/error';
  const locals = {
    title: t(`errors.title.${VIEWS[status] ? status : 'other'}`),
    status,
    message: t(messageKey, messageParams),
    requestId: status >= 500 ? requestId : '',
  };
  const plainRender = (v: string, o: object, cb: (err: Error | null, html?: string) => void) =>
    req.app.render(v, { ...res.locals, ...o }, cb);
  renderInLayout(plainRender, view, locals, (err, html) => {
    if (err) {
      logFailure(req, err, 'error page failed to render');
      return plainFailure(res);
    }
    try {
      res.type('html').send(html);
    } catch (failure) {
      logFailure(req, failure, 'error page failed to send');
      plainFailure(res);
    }
  });
}
