// What every view may use besides its own data: the signed-in person, the current path (for the
// navigation and the language switch), the privacy officer, and small formatting functions.
import type { RequestHandler } from 'express';
import type { Config } from '../config';
import { hasRole } from '../auth/actor';
import { navItemsFor } from './navigation';
import type { Role } from '../users/user.model';

export function viewLocals(config: Config): RequestHandler {
  return (req, res, next) => {
    res.locals.currentUser = req.user;
    res.locals.currentPath = req.originalUrl;
    res.locals.navItems = navItemsFor(req.user);
    res.locals.hasRole = (...roles: Role[]) => hasRole(req.user, ...roles);
    res.locals.privacyOfficer = config.privacyOfficer;
    res.locals.fieldErrors = {};
    res.locals.values = {};
    res.locals.formatDate = (date: Date | string | undefined | null) =>
      date
        ? new Intl.DateTimeFormat(req.lang === 'en' ? 'en-GB' : 'id-ID', {
            dateStyle: 'medium',
            timeZone: 'Asia/Jakarta',
          }).format(new Date(date))
        : '';
    next();
  };
}
