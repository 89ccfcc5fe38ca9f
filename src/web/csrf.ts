// CSRF protection (synchronizer tokens, csrf-sync) on every state-changing request.
// Signed-in people keep their token in the server session. Anonymous visitors (the sign-in and
// language forms) keep it in an HMAC-signed cookie instead, so that an anonymous visit never
// creates a session document; at sign-in the session is regenerated and gets its own token.
import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { csrfSync } from 'csrf-sync';
import { Forbidden } from './errors';
import { cookieValue } from './cookies';
import { securityEvent } from './logging';

export interface CsrfOptions {
  secret: string;
  secureCookies: boolean;
}

export interface Csrf {
  /** Global middleware: sets res.locals.csrfToken and checks non-multipart state-changing requests. */
  protect: RequestHandler;
  /** For multipart routes: run after multer has parsed the body. */
  verifyCsrf: RequestHandler;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Paths whose POST handlers parse a multipart body with multer and then run `verifyCsrf`. Only
 * there may the global check wait for the body: a multipart request to any other path is checked
 * at once (its token cannot be read, so it is refused), or a cross-site form with
 * `enctype="multipart/form-data"` would skip the check on every route that needs no body.
 */
const uploadPaths = new Set<string>();
/** Upload paths with parameters (`/penulisan/:id/gambar`): a parameter is one segment of hex digits (an id or key). */
const uploadPatterns = new Map<string, RegExp>();

const trimmed = (path: string) => path.replace(/\/+$/, '') || '/';

/**
 * Declares that POSTs to `path` carry files and verify CSRF after multer (`verifyCsrf`). A path
 * may hold `:name` parameters, each standing for one id-like segment (hex digits only).
 */
export function acceptUploadsAt(path: string): void {
  const clean = trimmed(path);
  if (!clean.includes('/:')) {
    uploadPaths.add(clean);
    return;
  }
  const source = clean
    .split('/')
    .map((part) => (part.startsWith(':') ? '[0-9a-fA-F]{1,64}' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  // eslint-disable-next-line security/detect-non-literal-regexp -- built from route paths in code, parameters as hex only
  uploadPatterns.set(clean, new RegExp(`^${source}$`));
}

function isUploadPath(path: string): boolean {
  const clean = trimmed(path);
  return uploadPaths.has(clean) || [...uploadPatterns.values()].some((re) => re.test(clean));
}

export function createCsrf({ secret, secureCookies }: CsrfOptions): Csrf {
  const cookieName = secureCookies ? '__Host-binaasn.csrf' : 'binaasn.csrf';
  const sign = (token: string) =>
    crypto.createHmac('sha256', secret).update(`csrf:${token}`).digest('base64url');
  const isSignedIn = (req: Request) => !!req.user;

  const fromCookie = (req: Request): string | undefined => {
    const raw = cookieValue(req, cookieName);
    if (!raw) return undefined;
    const [token, mac] = raw.split('.');
    if (!token || !mac) return undefined;
    const expected = Buffer.from(sign(token));
    const given = Buffer.from(mac);
    return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? token : undefined;
  };

  const sync = csrfSync({
    size: 32,
    getTokenFromRequest: (req) => {
      const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
      if (typeof fromBody === 'string') return fromBody;
      const header = req.headers['x-csrf-token'];
      return typeof header === 'string' ? header : undefined;
    },
    getTokenFromState: (req) => (isSignedIn(req) ? req.session?.csrfToken : fromCookie(req)),
    storeTokenInState: (req, token) => {
      if (isSignedIn(req)) {
        req.session.csrfToken = token;
        return;
      }
      const res = req.res;
      if (!res || !token) return;
      res.cookie(cookieName, `${token}.${sign(token)}`, {
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies,
        path: '/',
      });
    },
  });

  const check = (req: Request, _res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method) || sync.isRequestValid(req)) return next();
    securityEvent(req, 'csrf.rejected');
    next(new Forbidden('errors.csrf'));
  };

  const protect: RequestHandler = (req, res, next) => {
    // Generated lazily: only pages that render a form ask for it (via the csrf partial).
    let token: string | undefined;
    Object.defineProperty(res.locals, 'csrfToken', {
      configurable: true,
      enumerable: true,
      get: () => (token ??= sync.generateToken(req)),
    });
    if (req.is('multipart/form-data') && !SAFE_METHODS.has(req.method) && isUploadPath(req.path))
      return next(); // checked by verifyCsrf after multer
    check(req, res, next);
  };

  return { protect, verifyCsrf: check };
}

/** The multipart routes' CSRF check: `router.post('/import', upload.single('file'), verifyCsrf, ...)`. */
export const verifyCsrf: RequestHandler = (req, res, next) => {
  const csrf = req.app.get('csrf') as Csrf | undefined;
  if (!csrf) return next(new Error('CSRF protection is not configured on this app'));
  csrf.verifyCsrf(req, res, next);
};
