// THE one place where each feature's router is mounted: one line per feature, in the order a
// request should meet them. Routers get the app's dependencies (config, db, logger, clock).
import type { Express } from 'express';
import type { RouteDeps } from './app';
import { usersRouter } from './users/users.routes';
import { institutionsRouter } from './institutions/institutions.routes';
import { auditRouter } from './audit/audit.routes';
import { registerPeopleDashboard } from './dashboard';

export function mountFeatureRoutes(app: Express, deps: RouteDeps): void {
  app.use('/admin/users', usersRouter(deps));
  app.use('/admin/institutions', institutionsRouter(deps));
  app.use('/admin/audit', auditRouter(deps));
  registerPeopleDashboard(); // home-page panels of people administration
}
