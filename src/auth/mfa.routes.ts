// The second factor: the code form after the password at sign-in, and enrolment/removal for the
// signed-in person. When MFA_REQUIRED is on, admin, curator and HR must enrol before anything else.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '../app';
import type { Config } from '../config';
import { mfaKeys } from '../mfa/mfa-crypto';
import { Forbidden, TooManyRequests } from '../web/errors';
import { securityEvent } from '../web/logging';
import { parseInput } from '../web/validation';
import { loadSessionPerson } from './auth.service';
import { requireAuth } from './guards';
import {
  checkSignInCode,
  confirmEnrolment,
  disableMfa,
  enrolmentFor,
  mfaStatus,
  needsMfa,
} from './mfa.service';
import { ipRateLimit } from './rate-limit';
import { afterSignIn, MFA_LOGIN_PATH, MFA_PENDING_MS, MFA_SETUP_PATH, startSession } from './sign-in-flow';
import * as throttle from './throttle.service';

const codeForm = z
  .object({ _csrf: z.string().optional(), code: z.string().trim().min(1, 'auth.mfa.codeRequired').max(40) })
  .strict();
const disableForm = z
  .object({
    _csrf: z.string().optional(),
    password: z.string().min(1, 'auth.login.passwordRequired').max(256),
    code: z.string().trim().min(1, 'auth.mfa.codeRequired').max(40),
  })
  .strict();

export function mfaRouter({ config, clock }: RouteDeps): Router {
  const router = Router();
  const keys = mfaKeys(config.mfaEncryptionKey);
  const lockRule = throttle.loginLockRule(config.login);
  const renderCode = (
    req: Request,
    res: Response,
    status: number,
    error?: string,
    fieldErrors: Record<string, string> = {},
  ) =>
    res.status(status).render('auth/mfa-login', { title: req.t('auth.mfa.loginTitle'), error, fieldErrors });
  const pendingOf = (req: Request) => {
    const pending = req.session?.mfaPending;
    return pending && clock().getTime() - pending.startedAt <= MFA_PENDING_MS ? pending : undefined;
  };
  // The code step counts against the same per-IP budget as the password step (one counter in MongoDB).
  const limitByIp = ipRateLimit({
    max: config.login.ipMaxAttempts,
    windowMinutes: config.login.failureWindowMinutes,
    clock,
    onLimit: (req, res) => {
      securityEvent(req, 'login.rateLimited');
      renderCode(req, res, 429, req.t('auth.login.tooManyAttempts'));
    },
  });

  const limitDisableByIp = ipRateLimit({
    max: config.login.ipMaxAttempts,
    windowMinutes: config.login.failureWindowMinutes,
    clock,
    onLimit: (_req, _res, next) => next(new TooManyRequests()),
  });

  router.get(MFA_LOGIN_PATH, (req, res) => {
    if (!pendingOf(req)) return res.redirect('/login');
    renderCode(req, res, 200);
  });

  router.post(MFA_LOGIN_PATH, limitByIp, async (req, res) => {
    const pending = pendingOf(req);
    if (!pending) return res.redirect('/login');
    const input = parseInput(codeForm, req.body);
    if (!input.ok) return renderCode(req, res, 422, undefined, input.errors);
    const locked = () =>
      renderCode(req, res, 429, req.t('auth.login.locked', { minutes: config.login.lockMinutes }));
    const verdict = await checkSignInCode(keys, pending.userId, input.data.code, lockRule, clock());
    if (!verdict.ok) {
      if (verdict.reason === 'locked') {
        securityEvent(req, 'login.mfaLocked', { userId: pending.userId });
        return locked();
      }
      // A stored secret that does not open means a wrong MFA_ENCRYPTION_KEY or damaged data: tell operators.
      if (verdict.reason === 'unreadable')
        securityEvent(req, 'mfa.secretUnreadable', { userId: pending.userId }, 'warn');
      securityEvent(req, verdict.justLocked ? 'login.mfaLockout' : 'login.mfaFailed', {
        userId: pending.userId,
      });
      return verdict.justLocked ? locked() : renderCode(req, res, 401, req.t('auth.mfa.wrongCode'));
    }
    const person = await loadSessionPerson(pending.userId);
    if (!person) return res.redirect('/login');
    await startSession(req, person, clock());
    securityEvent(req, 'login.succeeded', { userId: person.actor.id, mfa: verdict.method }, 'info');
    res.redirect(afterSignIn(pending.returnTo, person));
  });

  const renderSetup = async (
    req: Request,
    res: Response,
    status = 200,
    extra: Record<string, unknown> = {},
  ) => {
    const current = await mfaStatus(req.user!);
    // The pending secret lives in the session until confirmed: showing this page changes no data.
    const enrolment = current.isEnabled
      ? undefined
      : await enrolmentFor(
          keys,
          req.user!,
          extra.restart === true ? undefined : req.session.mfaPendingSecret,
        );
    if (enrolment)
      req.session.mfaPendingSecret = enrolment.sealedPending; // sealed: the session store never holds it in clear
    else delete req.session.mfaPendingSecret;
    const canDisable = !(config.mfaRequired && needsMfa(req.user!));
    res
      .status(status)
      .render('auth/mfa-setup', {
        title: req.t('auth.mfa.setupTitle'),
        mfa: current,
        enrolment,
        canDisable,
        fieldErrors: {},
        recoveryCodes: undefined,
        ...extra,
      });
  };

  router.get(MFA_SETUP_PATH, requireAuth, async (req, res) => renderSetup(req, res));
  router.post(`${MFA_SETUP_PATH}/restart`, requireAuth, async (req, res) =>
    renderSetup(req, res, 200, { restart: true }),
  );

  router.post(`${MFA_SETUP_PATH}/confirm`, requireAuth, async (req, res) => {
    const input = parseInput(codeForm, req.body);
    if (!input.ok) return renderSetup(req, res, 422, { fieldErrors: input.errors });
    const codes = await confirmEnrolment(
      keys,
      req.user!,
      req.session.mfaPendingSecret,
      input.data.code,
      clock(),
    );
    if (!codes) return renderSetup(req, res, 422, { fieldErrors: { code: 'auth.mfa.wrongCode' } });
    delete req.session.mfaPendingSecret;
    req.session.isMfaEnabled = true;
    securityEvent(req, 'mfa.enabled', {}, 'info');
    res.render('auth/mfa-recovery', { title: req.t('auth.mfa.setupTitle'), recoveryCodes: codes });
  });

  router.post(`${MFA_SETUP_PATH}/disable`, requireAuth, limitDisableByIp, async (req, res) => {
    if (config.mfaRequired && needsMfa(req.user!)) throw new Forbidden('auth.mfa.required');
    const input = parseInput(disableForm, req.body);
    if (!input.ok) return renderSetup(req, res, 422, { fieldErrors: input.errors });
    const outcome = await disableMfa(
      keys,
      req.user!,
      input.data.password,
      input.data.code,
      lockRule,
      clock(),
    );
    if (outcome === 'locked') throw new TooManyRequests();
    if (outcome === 'refused') {
      securityEvent(req, 'mfa.disableRefused');
      return renderSetup(req, res, 422, { fieldErrors: { code: 'auth.mfa.disableRefused' } });
    }
    req.session.isMfaEnabled = false;
    securityEvent(req, 'mfa.disabled', {}, 'info');
    req.flash('success', req.t('auth.mfa.disabled'));
    res.redirect(MFA_SETUP_PATH);
  });

  return router;
}

const SETUP_ALLOWED = [MFA_SETUP_PATH, '/logout', '/language', '/account/password', '/privasi'];

/** With MFA_REQUIRED, a person with an MFA role who has not enrolled is sent to enrol first. */
export function enforceMfaEnrolment(config: Pick<Config, 'mfaRequired'>): RequestHandler {
  return (req, res, next) => {
    if (!config.mfaRequired || !req.user || req.session?.isMfaEnabled || !needsMfa(req.user)) return next();
    if (SETUP_ALLOWED.some((p) => req.path === p || req.path.startsWith(`${p}/`))) return next();
    if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(MFA_SETUP_PATH);
    next(new Forbidden('auth.mfa.required'));
  };
}
