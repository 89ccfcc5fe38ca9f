// A person whose password was set by someone else (new account, admin reset) must choose their own
// before anything else: every other page redirects to the change-password page until done.
import type { RequestHandler } from 'express';
import { Forbidden } from '../web/errors';

export const CHANGE_PASSWORD_PATH = '/account/password';
const ALLOWED = new Set([CHANGE_PASSWORD_PATH, '/logout', '/language']);

export const enforcePasswordChange: RequestHandler = (req, res, next) => {
  if (!req.user || !req.session?.mustChangePassword || ALLOWED.has(req.path)) return next();
  if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(CHANGE_PASSWORD_PATH);
  next(new Forbidden('auth.password.mustChange'));
};
