// The one error handler: HttpErrors (and the errors of body parsing, multer and CSRF) become a
// status and a page in the person's language; anything else is a 500 page with the request id.
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { HttpError, NotFound } from './errors';
import { translatorFor, languageOf } from './i18n';
import { renderInLayout } from './layout';

const VIEWS: Record<number, string> = { 403: 'errors/403', 404: 'errors/404', 500: 'errors/500' };

function statusOf(error: unknown): { status: number; messageKey: string } {
  if (error instanceof HttpError) return { status: error.status, messageKey: error.messageKey };
  const e = error as { status?: number; statusCode?: number; code?: string; type?: string };
  if (e?.code === 'LIMIT_FILE_SIZE' || e?.type === 'entity.too.large')
    return { status: 413, messageKey: 'errors.payloadTooLarge' };
  if (typeof e?.code === 'string' && e.code.startsWith('LIMIT_'))
    return { status: 400, messageKey: 'errors.badRequest' };
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return { status, messageKey: status === 403 ? 'errors.forbidden' : 'errors.badRequest' };
  return { status: 500, messageKey: 'errors.internal' };
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new NotFound());

export const errorHandler: ErrorRequestHandler = (error, req: Request, res, next) => {
  const { status, messageKey } = statusOf(error);
  const log = (
    req as Request & { log?: { error: (o: object, m: string) => void; warn: (o: object, m: string) => void } }
  ).log;
  if (status >= 500) log?.error({ err: error }, 'request failed');
  if (res.headersSent) return next(error);
  if (res.locals.isRenderingError) {
    // The error page itself failed: answer in plain text rather than loop.
    res.status(500).type('text/plain').send(`500 Internal Server Error`);
    return;
  }
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
      error: t(messageKey),
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
    message: t(messageKey),
    requestId: status >= 500 ? requestId : '',
  };
  const plainRender = (v: string, o: object, cb: (err: Error | null, html?: string) => void) =>
    req.app.render(v, { ...res.locals, ...o }, cb);
  renderInLayout(plainRender, view, locals, (err, html) => {
    if (err) {
      log?.error({ err }, 'error page failed to render');
      res.status(500).type('text/plain').send('500 Internal Server Error');
      return;
    }
    res.type('html').send(html);
  });
};
