// What the app is built from (createApp's input) and what every router receives. This module sits
// below every feature and imports nothing of the app at run time, so routers depend on it, not on app.ts.
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Database } from '../db';

/** The app's notion of "now" (session lifetimes, lockouts, dates written); tests inject a movable clock. */
export type Clock = () => Date;

export interface AppDeps {
  config: Config;
  db: Database;
  logger?: Logger;
  clock?: Clock;
  /** Extra routes mounted after the features (tests use it for guarded and failing routes). */
  extraRoutes?: (app: Express, deps: RouteDeps) => void;
}

/** What routers receive: the same dependencies, with defaults filled in. */
export interface RouteDeps {
  config: Config;
  db: Database;
  logger: Logger;
  clock: Clock;
}
