// Route guards: who may reach a route at all. Ownership and scope ("this person is in your OPD")
// are checked in services, because every channel needs them.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../core/roles';
import { Forbidden, Unauthorized } from '../web/errors';
import { securityEvent } from '../web/logging';
import { safeReturnTo } from '../web/return-to';
import { hasRole } from '../core/actor';

function rejectAnonymous(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    const params = new URLSearchParams({ returnTo: safeReturnTo(req.originalUrl) });
    if (res.locals.sessionEnded) params.set('ended', String(res.locals.sessionEnded));
    return res.redirect(`/login?${params.toString()}`);
  }
  next(new Unauthorized());
}

export const requireAuth: RequestHandler = (req, res, next) => {
  if (!req.user) return rejectAnonymous(req, res, next);
  next();
};

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    if (!req.user) return rejectAnonymous(req, res, next);
    if (!hasRole(req.user, ...roles)) {
      securityEvent(req, 'access.denied', { needed: roles });
      return next(new Forbidden());
    }
    next();
  };
}
