// createApp(deps): the whole Express app, used by src/server.ts and by the tests (no port here).
import path from 'node:path';
import express, { type Express } from 'express';
import compression from 'compression';
import passport from 'passport';
import type { AppDeps, RouteDeps } from './core/deps';
import {
  configureLocalStrategy,
  configurePassport,
  enforcePasswordChange,
  sessionLifetime,
  sessionMiddleware,
} from './auth';
import { enforceMfaEnrolment } from './mfa';
import { requirePrivacyAcknowledgement } from './privacy';
import { setWatchedCacheLog } from './db/watched-cache';
import { mountFeatureRoutes, mountPublicRoutes } from './routes';
import { languageCookieName } from './web/cookies';
import { createCsrf } from './web/csrf';
import { errorHandler, notFoundHandler } from './web/error-handler';
import { flashMiddleware } from './web/flash';
import { i18nMiddleware } from './web/i18n';
import { layoutMiddleware } from './web/layout';
import { createLogger, httpLogger } from './web/logging';
import { noStore, securityHeaders } from './web/security';
import { staticFiles } from './web/static-files';
import { viewLocals } from './web/view-locals';

const ROOT = path.join(__dirname, '..');

export function createApp(deps: AppDeps): Express {
  const routeDeps: RouteDeps = {
    config: deps.config,
    db: deps.db,
    logger: deps.logger ?? createLogger(deps.config.logLevel),
    clock: deps.clock ?? (() => new Date()),
  };
  const { config, logger } = routeDeps;
  // The in-memory caches say in the log when their change stream breaks and when it resumes.
  setWatchedCacheLog((level, message, details) => logger[level](details ?? {}, message));
  const app = express();
  app.set('deps', routeDeps);
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('languageCookie', languageCookieName(config.secureCookies));
  app.set('query parser', 'simple'); // `?a[$ne]=1` stays the string key "a[$ne]", never an object
  app.set('views', path.join(ROOT, 'views'));
  app.set('view engine', 'ejs');
  // Compiled templates are cached everywhere but on a developer's machine, where edits should show at once.
  if (config.nodeEnv !== 'development') app.set('view cache', true);

  app.use(httpLogger(routeDeps.logger));
  app.use(securityHeaders(config.isProduction));
  app.use(compression());
  app.use(staticFiles(path.join(ROOT, 'public'), { index: false, maxAge: config.isProduction ? '7d' : 0 }));
  mountPublicRoutes(app, routeDeps);

  app.use(noStore);
  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 500 }));
  app.use(express.json({ limit: '200kb' }));
  configurePassport();
  configureLocalStrategy();
  app.use(sessionMiddleware(config, deps.db));
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(sessionLifetime(config, routeDeps.clock));
  app.use(i18nMiddleware);
  app.use(flashMiddleware);
  app.use(layoutMiddleware);
  app.use(viewLocals(config));
  const csrf = createCsrf({ secret: config.sessionSecret, secureCookies: config.secureCookies });
  app.set('csrf', csrf);
  app.use(csrf.protect);
  app.use(enforcePasswordChange);
  app.use(enforceMfaEnrolment(config));
  app.use(requirePrivacyAcknowledgement); // the privacy notice is confirmed once, at first sign-in

  mountFeatureRoutes(app, routeDeps);
  deps.extraRoutes?.(app, routeDeps);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
