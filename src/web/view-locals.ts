// What every view may use besides its own data: the signed-in person, the current path (for the
// navigation and the language switch), the privacy officer, and small formatting functions.
import type { RequestHandler } from 'express';
import type { Config } from '../config';
import { hasRole } from '../core/actor';
import { formatDateTimeWib, formatDateWib } from '../core/wib';
import { navBadgesFor, navItemsFor } from './navigation';
import type { Role } from '../core/roles';

export function viewLocals(config: Config): RequestHandler {
  return (req, res, next) => {
    res.locals.currentUser = req.user;
    res.locals.currentPath = req.originalUrl;
    const navItems = navItemsFor(req.user);
    res.locals.navItems = navItems;
    res.locals.navBadges = {};
    res.locals.hasRole = (...roles: Role[]) => hasRole(req.user, ...roles);
    res.locals.privacyOfficer = config.privacyOfficer;
    res.locals.fieldErrors = {};
    res.locals.values = {};
    // Dates in WIB in the page's language, for every view.
    res.locals.formatDate = (date: Date | string | undefined | null) => formatDateWib(date, req.lang);
    res.locals.formatDateTime = (date: Date | string | undefined | null, options?: { seconds?: boolean }) =>
      formatDateTimeWib(date, req.lang, options);
    // Badges are read for pages (GET), not for form posts that redirect.
    if (!req.user || (req.method !== 'GET' && req.method !== 'HEAD') || !navItems.some((i) => i.badge))
      return next();
    navBadgesFor(req.user, navItems)
      .then((badges) => {
        res.locals.navBadges = badges;
        next();
      })
      .catch(next);
  };
}
