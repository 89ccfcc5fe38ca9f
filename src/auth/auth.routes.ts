// Sign-in, sign-out, change password and the language switch.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { RouteDeps } from '../core/deps';
import { TooManyRequests } from '../web/errors';
import { languageCookieName } from '../web/cookies';
import { securityEvent } from '../web/logging';
import { parseInput, type FieldErrors } from '../web/validation';
import { changePassword, setLanguage, type SessionPerson } from './auth.service';
import { changePasswordForm, languageForm, loginForm, loginQuery } from './auth.schemas';
import { safeReturnTo } from '../web/return-to';
import { requireAuth } from './guards';
import { authenticateLocal, type SignInRefusal } from './local-strategy';
import { CHANGE_PASSWORD_PATH } from './must-change-password';
import { afterSignIn, MFA_LOGIN_PATH, startMfaStep, startSession } from './sign-in-flow';
import { ipRateLimit } from './rate-limit';
import { sessionCookieName } from './session';

function renderLogin(req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) {
  res.status(status).render('auth/login', {
    title: req.t('auth.login.title'),
    returnTo: '',
    values: {},
    fieldErrors: {},
    error: undefined,
    ...extra,
  });
}

function renderChangePassword(req: Request, res: Response, status: number, fieldErrors: FieldErrors) {
  res.status(status).render('auth/change-password', {
    title: req.t('auth.password.title'),
    fieldErrors,
    isForced: !!req.session.mustChangePassword,
  });
}

export function authRouter({ config, clock }: RouteDeps): Router {
  const router = Router();
  const tooManyAttempts: RequestHandler = (req, res) => {
    securityEvent(req, 'login.rateLimited');
    renderLogin(req, res, 429, { error: req.t('auth.login.tooManyAttempts') });
  };
  // Sign-in and password change count against the same per-IP budget (one counter in MongoDB).
  const ipLimit = {
    max: config.login.ipMaxAttempts,
    windowMinutes: config.login.failureWindowMinutes,
    clock,
  };
  const limitByIp = ipRateLimit({ ...ipLimit, onLimit: tooManyAttempts });
  const limitPasswordChangeByIp = ipRateLimit({
    ...ipLimit,
    onLimit: (_req, _res, next) => next(new TooManyRequests()),
  });

  router.get('/login', (req, res) => {
    if (req.user) return res.redirect('/');
    const { returnTo, ended } = loginQuery.parse(req.query);
    renderLogin(req, res, 200, {
      returnTo: safeReturnTo(returnTo, ''),
      notice: ended ? req.t(`auth.login.ended.${ended}`) : undefined,
    });
  });

  /** Signs the person in, or starts the second-factor step when they have one. */
  const completeSignIn = async (req: Request, res: Response, person: SessionPerson, target: string) => {
    if (person.isMfaEnabled) {
      await startMfaStep(req, person, target, clock());
      securityEvent(req, 'login.passwordAccepted', { userId: person.actor.id }, 'info');
      return res.redirect(MFA_LOGIN_PATH);
    }
    await startSession(req, person, clock());
    securityEvent(req, 'login.succeeded', { userId: person.actor.id }, 'info');
    res.redirect(afterSignIn(target, person));
  };
  const refuseSignIn = (req: Request, res: Response, refusal: SignInRefusal | undefined, form: object) => {
    if (refusal?.reason !== 'locked') {
      securityEvent(req, 'login.failed');
      return renderLogin(req, res, 401, { ...form, error: req.t('auth.login.invalid') });
    }
    securityEvent(req, refusal.justLocked ? 'login.lockout' : 'login.locked');
    renderLogin(req, res, 429, {
      ...form,
      error: req.t('auth.login.locked', { minutes: config.login.lockMinutes }),
    });
  };

  router.post('/login', limitByIp, async (req, res, next) => {
    const input = parseInput(loginForm, req.body);
    const returnTo = safeReturnTo((req.body as { returnTo?: unknown })?.returnTo, '');
    const identifier = input.ok ? input.data.identifier : String(req.body?.identifier ?? '');
    const form = { values: { identifier }, returnTo };
    if (!input.ok) return renderLogin(req, res, 422, { ...form, fieldErrors: input.errors });
    const outcome = await authenticateLocal(req, res, next);
    if (!outcome.person) return refuseSignIn(req, res, outcome.refusal, form);
    await completeSignIn(req, res, outcome.person, safeReturnTo(input.data.returnTo));
  });

  router.post('/logout', (req, res, next) => {
    const userId = req.user?.id;
    if (!req.session) return res.redirect('/');
    req.session.destroy((err) => {
      if (err) return next(err);
      if (userId) securityEvent(req, 'logout', { userId }, 'info');
      res.clearCookie(sessionCookieName(config), { path: '/' });
      res.redirect('/login');
    });
  });

  router.get(CHANGE_PASSWORD_PATH, requireAuth, (req, res) => renderChangePassword(req, res, 200, {}));

  router.post(CHANGE_PASSWORD_PATH, requireAuth, limitPasswordChangeByIp, async (req, res) => {
    const render = (status: number, fieldErrors: FieldErrors) =>
      renderChangePassword(req, res, status, fieldErrors);
    const input = parseInput(changePasswordForm, req.body);
    if (!input.ok) return render(422, input.errors);
    const result = await changePassword(req.user!, input.data, config, clock());
    if (!result.ok) securityEvent(req, 'password.changeRefused', { field: Object.keys(result.errors)[0] });
    if (!result.ok)
      return render(result.errors.currentPassword === 'auth.login.locked' ? 429 : 422, result.errors);
    req.session.epoch = result.epoch; // this session stays; every other one of this person ends
    req.session.mustChangePassword = false;
    securityEvent(req, 'password.changed', {}, 'info');
    req.flash('success', req.t('auth.password.changed'));
    res.redirect('/');
  });

  const languageCookie = {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.secureCookies,
    path: '/',
    maxAge: 365 * 86_400_000,
  };
  router.post('/language', async (req, res) => {
    const input = parseInput(languageForm, req.body);
    const returnTo = safeReturnTo((req.body as { returnTo?: unknown })?.returnTo);
    // A signed-in person's choice is kept with them; a visitor's in a cookie.
    if (input.ok && req.user) await setLanguage(req.user, input.data.lang);
    else if (input.ok) res.cookie(languageCookieName(config.secureCookies), input.data.lang, languageCookie);
    res.redirect(returnTo);
  });

  return router;
}
