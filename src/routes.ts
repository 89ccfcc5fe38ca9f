// THE one place where each feature's router is mounted: one line per feature, in the order a
// request should meet them. Routers get the app's dependencies (config, db, logger, clock).
import type { Express } from 'express';
import type { RouteDeps } from './app';
import { usersRouter } from './users/users.routes';
import { institutionsRouter } from './institutions/institutions.routes';
import { auditRouter } from './audit/audit.routes';
import { registerPeopleDashboard } from './dashboard';
import { privacyRouter } from './privacy';
import { accessLogRouter, personalDataRouter } from './personal-data';
import { mfaAdminRouter } from './mfa';

export function mountFeatureRoutes(app: Express, deps: RouteDeps): void {
  app.use('/admin/users', usersRouter(deps));
  app.use('/admin/institutions', institutionsRouter(deps));
  app.use('/admin/audit', auditRouter(deps));
  registerPeopleDashboard(); // home-page panels of people administration
  app.use(privacyRouter(deps)); // /privasi: the privacy notice and its confirmation
  app.use(personalDataRouter(deps)); // /data-saya: a person's own data and who accessed it
  app.use('/admin/akses', accessLogRouter(deps)); // whose data an account read or exported
  app.use('/admin/mfa', mfaAdminRouter(deps)); // an admin resets a person's second factor
}
