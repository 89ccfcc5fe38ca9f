// THE one place where each feature's router is mounted: one line per feature, in the order a
// request should meet them. Routers get the app's dependencies (config, db, logger, clock).
import type { Express } from 'express';
import type { RouteDeps } from './app';

export function mountFeatureRoutes(app: Express, deps: RouteDeps): void {
  void deps;
  // app.use('/admin/users', usersRouter(deps));
}
