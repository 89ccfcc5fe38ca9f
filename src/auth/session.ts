// Sessions in MongoDB (connect-mongo on the app's own MongoClient) and the per-request checks of a
// signed-in session: re-read the person, compare the epoch, enforce idle and absolute lifetimes.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session, { type SessionData } from 'express-session';
import MongoStore from 'connect-mongo';
import passport from 'passport';
import type { Config } from '../config';
import type { Database } from '../db';
import { WatchedCache } from '../db/watched-cache';
import { securityEvent } from '../web/logging';
import { loadSessionPerson } from './auth.service';
import type { Actor } from '../core/actor';
import type { Clock } from '../core/deps';

export function sessionCookieName(config: Pick<Config, 'secureCookies'>): string {
  return config.secureCookies ? '__Host-binaasn.sid' : 'binaasn.sid';
}

interface CachedSession {
  session: SessionData;
  expires?: Date;
  lastModified?: Date;
}

/**
 * Session documents are kept in memory and forgotten the moment any app instance writes or deletes
 * them (the sessions collection's change stream), so a signed-in page reads no session from the
 * database, and a sign-out on one instance ends the session on every instance.
 */
const sessionDocs = new WatchedCache<CachedSession | null>('sessions', 50_000);

function readSessionsThroughCache(store: MongoStore): void {
  const read = async (sid: string): Promise<CachedSession | null> => {
    const doc = await (await store.collectionP).findOne({ _id: sid });
    if (!doc) return null;
    const lastModified = (doc as { lastModified?: Date }).lastModified;
    return Object.freeze({ session: doc.session as SessionData, expires: doc.expires, lastModified });
  };
  // connect-mongo's own rule: a stored session past its `expires` is no session.
  store.get = (sid, callback) => {
    sessionDocs
      .get(sid, () => read(sid))
      .then((doc) => {
        if (!doc || (doc.expires && doc.expires.getTime() <= Date.now())) return callback(null, null);
        // Each request gets its own copy: express-session and passport change the object they get.
        const data = structuredClone(doc.session) as SessionData & { lastModified?: Date };
        if (doc.lastModified) data.lastModified = doc.lastModified; // connect-mongo's touchAfter reads it
        callback(null, data);
      })
      .catch((error: unknown) => callback(error));
  };
  // This instance's own writes are forgotten at once; the stream tells the others.
  for (const written of ['set', 'touch', 'destroy'] as const)
    store.on(written, (sid: string) => sessionDocs.forget(sid));
}

export function sessionMiddleware(config: Config, db: Database): RequestHandler[] {
  const store = MongoStore.create({
    client: db.client,
    dbName: db.dbName,
    collectionName: 'sessions',
    ttl: config.sessionAbsoluteHours * 3600,
    stringify: false,
    autoRemove: 'native',
    touchAfter: 60, // seconds: an unchanged session is written back at most once a minute
  });
  readSessionsThroughCache(store);
  const sessions = session({
    name: sessionCookieName(config),
    secret: config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false, // anonymous visits create no session document
    rolling: true,
    proxy: config.trustProxy !== false ? true : undefined,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      path: '/',
      maxAge: config.sessionIdleMinutes * 60_000,
    },
  });
  return [sessions, saveSessionBeforeResponding];
}

/** express-session's own hash of a session: everything but the cookie. */
function sessionHash(data: object | undefined): string | undefined {
  return (
    data && JSON.stringify(data, (key: string, value: unknown) => (key === 'cookie' ? undefined : value))
  );
}

/**
 * express-session sends the page and only then ends the response after saving a changed session,
 * so a browser could show the page and send its next request (a click, a redirect) before the
 * change was stored: that request read the session as it was, and a flash message came back or a
 * new one was lost. A changed session is stored before the response ends (express-session then
 * sees it saved and writes nothing more).
 */
export function saveSessionBeforeResponding(req: Request, res: Response, next: NextFunction): void {
  const before = sessionHash(req.session);
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    const current = req.session;
    if (!current || sessionHash(current) === before) return end(...args);
    // A failed save leaves the session unsaved: express-session then tries again and reports the error.
    current.save(() => end(...args));
    return res;
  }) as Response['end'];
  next();
}

/**
 * Passport keeps only the user id in the session; each request re-reads the person (lean, few
 * fields). A deactivated person, or a session older than the person's sessionEpoch, is signed out.
 */
let isPassportConfigured = false;
export function configurePassport(): void {
  if (isPassportConfigured) return; // passport is process-wide; its (de)serialisers stack up
  isPassportConfigured = true;
  passport.serializeUser<string>((user, done) => done(null, (user as Actor).id));
  passport.deserializeUser<string>(
    (req: Request, id: string, done: (err: unknown, user?: Actor | false) => void) => {
      loadSessionPerson(id)
        .then((person) => {
          if (!person || person.epoch !== req.session.epoch) return done(null, false);
          req.session.mustChangePassword = person.mustChangePassword;
          req.session.isMfaEnabled = person.isMfaEnabled;
          done(null, person.actor);
        })
        .catch(done);
    },
  );
}

function endSession(req: Request, res: Response, config: Config, reason: string, next: NextFunction): void {
  securityEvent(req, 'session.ended', { reason }, 'info');
  req.user = undefined;
  req.session.destroy((err) => {
    if (err) return next(err);
    res.clearCookie(sessionCookieName(config), { path: '/' });
    res.locals.sessionEnded = reason;
    next();
  });
}

/** After passport.session(): ends sessions that are idle, too old, or whose person was signed out. */
export function sessionLifetime(config: Config, clock: Clock): RequestHandler {
  const idleMs = config.sessionIdleMinutes * 60_000;
  const absoluteMs = config.sessionAbsoluteHours * 3_600_000;
  return (req, res, next) => {
    const s = req.session;
    if (!s || s.epoch === undefined) return next(); // not a signed-in session
    if (!req.user) return endSession(req, res, config, 'revoked', next);
    const now = clock().getTime();
    if (s.lastSeenAt !== undefined && now - s.lastSeenAt > idleMs)
      return endSession(req, res, config, 'idle', next);
    if (s.createdAt !== undefined && now - s.createdAt > absoluteMs)
      return endSession(req, res, config, 'expired', next);
    // Minute precision is enough for a 30-minute idle limit, and spares a session write per request.
    if (s.lastSeenAt === undefined || now - s.lastSeenAt >= 60_000) s.lastSeenAt = now;
    next();
  };
}
