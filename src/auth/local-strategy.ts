// Passport's local strategy: an identifier (NIP, spaces allowed, or email) and a password.
// The rules live in auth.service.signIn; the strategy only adapts them to Passport.
import type { NextFunction, Request, Response } from 'express';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { RouteDeps } from '../core/deps';
import { signIn, type SessionPerson, type SignInResult } from './auth.service';

const LOCAL_STRATEGY = 'local';

/** What the strategy reports when it refuses: the service's reason. */
export type SignInRefusal = Exclude<SignInResult, { ok: true }>;

let isRegistered = false;
export function configureLocalStrategy(): void {
  if (isRegistered) return;
  isRegistered = true;
  passport.use(
    LOCAL_STRATEGY,
    new LocalStrategy(
      { usernameField: 'identifier', passwordField: 'password', passReqToCallback: true, session: true },
      (req, identifier, password, done) => {
        // Dependencies come from the app handling the request (tests run several apps in one process).
        const { config, clock } = (req as Request).app.get('deps') as RouteDeps;
        signIn(identifier, password, config, clock())
          // The custom callback in auth.routes receives these as they are (person, or the refusal).
          .then((result) =>
            result.ok
              ? done(null, result.person as unknown as Express.User)
              : done(null, false, result as unknown as { message: string }),
          )
          .catch(done);
      },
    ),
  );
}

/** Runs the local strategy on a sign-in form: the person signed in, or why not. */
export function authenticateLocal(
  req: Request,
  res: Response,
  next: NextFunction,
): Promise<{ person: SessionPerson } | { person: false; refusal?: SignInRefusal }> {
  return new Promise((resolve, reject) => {
    const done = (err: unknown, person: SessionPerson | false, refusal?: SignInRefusal) =>
      err ? reject(err) : resolve(person ? { person } : { person: false, refusal });
    passport.authenticate(LOCAL_STRATEGY, { session: false }, done)(req, res, next);
  });
}
