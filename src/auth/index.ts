// Public surface of the auth feature: the guards every router uses, the session person, the steps
// after a password is accepted (the second factor continues them), the attempt counters and the
// per-IP limiter, and the middleware app.ts installs. Routers are mounted by src/routes.ts.
export { requireAuth, requireRole } from './guards';
export {
  confirmOwnPassword,
  loadSessionPerson,
  type OwnPasswordCheck,
  type SessionPerson,
} from './auth.service';
export { afterSignIn, startSession, MFA_LOGIN_PATH, MFA_SETUP_PATH, MFA_PENDING_MS } from './sign-in-flow';
export { CHANGE_PASSWORD_PATH, enforcePasswordChange } from './must-change-password';
export * as throttle from './throttle.service';
export { ipRateLimit } from './rate-limit';
export { configurePassport, sessionLifetime, sessionMiddleware } from './session';
export { configureLocalStrategy } from './local-strategy';
