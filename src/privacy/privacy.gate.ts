// Until a signed-in person has confirmed the privacy notice, every page sends them to it (GET) or
// is refused (other methods). The confirmation is remembered in the session, so the database is
// asked only until it is given.
import type { RequestHandler } from 'express';
import { Forbidden } from '../web/errors';
import { safeReturnTo } from '../web/return-to';
import { PRIVACY_ACKNOWLEDGE_PATH, PRIVACY_PATH, hasAcknowledged, noticeUrl } from './privacy.service';

declare module 'express-session' {
  interface SessionData {
    /** Set once the person has confirmed the privacy notice. */
    privacyAcknowledged?: boolean;
  }
}

// The notice itself, signing out, the language switch and a forced password change stay reachable.
const ALLOWED = new Set([
  PRIVACY_PATH,
  PRIVACY_ACKNOWLEDGE_PATH,
  '/logout',
  '/language',
  '/account/password',
]);

export const requirePrivacyAcknowledgement: RequestHandler = async (req, res, next) => {
  if (!req.user || req.session?.privacyAcknowledged || ALLOWED.has(req.path)) return next();
  if (await hasAcknowledged(req.user)) {
    req.session.privacyAcknowledged = true;
    return next();
  }
  if (req.method === 'GET' || req.method === 'HEAD')
    return res.redirect(noticeUrl(safeReturnTo(req.originalUrl)));
  next(new Forbidden('privacy.mustAcknowledge'));
};
