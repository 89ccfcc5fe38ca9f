// With MFA_REQUIRED, a person with an MFA role who has not enrolled is sent to enrol before anything else.
import type { RequestHandler } from 'express';
import type { Config } from '../config';
import { CHANGE_PASSWORD_PATH, MFA_SETUP_PATH } from '../auth';
import { Forbidden } from '../web/errors';
import { needsMfa } from './mfa.service';

const SETUP_ALLOWED = [MFA_SETUP_PATH, '/logout', '/language', CHANGE_PASSWORD_PATH, '/privasi'];

export function enforceMfaEnrolment(config: Pick<Config, 'mfaRequired'>): RequestHandler {
  return (req, res, next) => {
    if (!config.mfaRequired || !req.user || req.session?.isMfaEnabled || !needsMfa(req.user)) return next();
    if (SETUP_ALLOWED.some((p) => req.path === p || req.path.startsWith(`${p}/`))) return next();
    if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(MFA_SETUP_PATH);
    next(new Forbidden('auth.mfa.required'));
  };
}
