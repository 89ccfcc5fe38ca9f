// The second factor: the code form after the password at sign-in, and enrolment/removal for the
// signed-in person. When MFA_REQUIRED is on, admin, curator and HR must enrol first (mfa.gate.ts).
import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../core/deps';
import {
  afterSignIn,
  confirmOwnPassword,
  ipRateLimit,
  loadSessionPerson,
  MFA_LOGIN_PATH,
  MFA_PENDING_MS,
  MFA_SETUP_PATH,
  requireAuth,
  startSession,
  throttle,
} from '../auth';
import { Forbidden, TooManyRequests } from '../web/errors';
import { securityEvent } from '../web/logging';
import { parseInput, type FieldErrors } from '../web/validation';
import { mfaKeys } from './mfa-crypto';
import { codeForm, disableForm, enrolForm } from './mfa.schemas';
import {
  checkSignInCode,
  confirmEnrolment,
  disableMfa,
  enrolmentFor,
  mfaStatus,
  needsMfa,
  type CodeStepResult,
} from './mfa.service';

function renderCode(
  req: Request,
  res: Response,
  status: number,
  error?: string,
  fieldErrors: FieldErrors = {},
) {
  res.status(status).render('mfa/login', { title: req.t('auth.mfa.loginTitle'), error, fieldErrors });
}

export function mfaRouter({ config, clock }: RouteDeps): Router {
  const router = Router();
  const keys = mfaKeys(config.mfaEncryptionKey);
  const lockRule = throttle.loginLockRule(config.login);
  const pendingOf = (req: Request) => {
    const pending = req.session?.mfaPending;
    return pending && clock().getTime() - pending.startedAt <= MFA_PENDING_MS ? pending : undefined;
  };
  // The code step counts against the same per-IP budget as the password step (one counter in MongoDB).
  const ipBudget = {
    max: config.login.ipMaxAttempts,
    windowMinutes: config.login.failureWindowMinutes,
    clock,
  };
  const limitByIp = ipRateLimit({
    ...ipBudget,
    onLimit: (req, res) => {
      securityEvent(req, 'login.rateLimited');
      renderCode(req, res, 429, req.t('auth.login.tooManyAttempts'));
    },
  });
  const limitDisableByIp = ipRateLimit({
    ...ipBudget,
    onLimit: (_req, _res, next) => next(new TooManyRequests()),
  });

  /** A refused code: locked (429), or wrong (401), logged with the reason. */
  const refuseCode = (
    req: Request,
    res: Response,
    userId: string,
    verdict: Exclude<CodeStepResult, { ok: true }>,
  ) => {
    const locked = () =>
      renderCode(req, res, 429, req.t('auth.login.locked', { minutes: config.login.lockMinutes }));
    if (verdict.reason === 'locked') {
      securityEvent(req, 'login.mfaLocked', { userId });
      return locked();
    }
    // A stored secret that does not open means a wrong MFA_ENCRYPTION_KEY or damaged data: tell operators.
    if (verdict.reason === 'unreadable') securityEvent(req, 'mfa.secretUnreadable', { userId }, 'warn');
    securityEvent(req, verdict.justLocked ? 'login.mfaLockout' : 'login.mfaFailed', { userId });
    return verdict.justLocked ? locked() : renderCode(req, res, 401, req.t('auth.mfa.wrongCode'));
  };

  router.get(MFA_LOGIN_PATH, (req, res) => {
    if (!pendingOf(req)) return res.redirect('/login');
    renderCode(req, res, 200);
  });

  router.post(MFA_LOGIN_PATH, limitByIp, async (req, res) => {
    const pending = pendingOf(req);
    if (!pending) return res.redirect('/login');
    const input = parseInput(codeForm, req.body);
    if (!input.ok) return renderCode(req, res, 422, undefined, input.errors);
    const verdict = await checkSignInCode(keys, pending.userId, input.data.code, lockRule, clock());
    if (!verdict.ok) return refuseCode(req, res, pending.userId, verdict);
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
    const kept = extra.restart === true ? undefined : req.session.mfaPendingSecret;
    const enrolment = current.isEnabled ? undefined : await enrolmentFor(keys, req.user!, kept);
    if (enrolment)
      req.session.mfaPendingSecret = enrolment.sealedPending; // sealed: never in clear in the store
    else delete req.session.mfaPendingSecret;
    const canDisable = !(config.mfaRequired && needsMfa(req.user!));
    res.status(status).render('mfa/setup', {
      title: req.t('auth.mfa.setupTitle'),
      ...{ mfa: current, enrolment, canDisable, fieldErrors: {}, recoveryCodes: undefined },
      ...extra,
    });
  };

  router.get(MFA_SETUP_PATH, requireAuth, async (req, res) => renderSetup(req, res));
  router.post(`${MFA_SETUP_PATH}/restart`, requireAuth, async (req, res) =>
    renderSetup(req, res, 200, { restart: true }),
  );

  /** Enrolment asks for the password again: a stolen session must not enrol the thief's authenticator. */
  const ownPasswordProblem = async (req: Request, password: string): Promise<string | undefined> => {
    const check = await confirmOwnPassword(req.user!, password, config, clock());
    if (check === 'locked') throw new TooManyRequests();
    if (check === 'confirmed') return undefined;
    securityEvent(req, 'mfa.enrolRefused');
    return 'auth.password.currentWrong';
  };

  router.post(`${MFA_SETUP_PATH}/confirm`, requireAuth, async (req, res) => {
    const input = parseInput(enrolForm, req.body);
    if (!input.ok) return renderSetup(req, res, 422, { fieldErrors: input.errors });
    const passwordProblem = await ownPasswordProblem(req, input.data.password);
    if (passwordProblem) return renderSetup(req, res, 422, { fieldErrors: { password: passwordProblem } });
    const pending = req.session.mfaPendingSecret;
    const codes = await confirmEnrolment(keys, req.user!, pending, input.data.code, clock());
    if (!codes) return renderSetup(req, res, 422, { fieldErrors: { code: 'auth.mfa.wrongCode' } });
    delete req.session.mfaPendingSecret;
    req.session.isMfaEnabled = true;
    securityEvent(req, 'mfa.enabled', {}, 'info');
    res.render('mfa/recovery', { title: req.t('auth.mfa.setupTitle'), recoveryCodes: codes });
  });

  router.post(`${MFA_SETUP_PATH}/disable`, requireAuth, limitDisableByIp, async (req, res) => {
    if (config.mfaRequired && needsMfa(req.user!)) throw new Forbidden('auth.mfa.required');
    const input = parseInput(disableForm, req.body);
    if (!input.ok) return renderSetup(req, res, 422, { fieldErrors: input.errors });
    const { password, code } = input.data;
    const outcome = await disableMfa(keys, req.user!, password, code, lockRule, clock());
    if (outcome === 'locked') throw new TooManyRequests();
    if (outcome === 'refused') securityEvent(req, 'mfa.disableRefused');
    if (outcome === 'refused')
      return renderSetup(req, res, 422, { fieldErrors: { code: 'auth.mfa.disableRefused' } });
    req.session.isMfaEnabled = false;
    securityEvent(req, 'mfa.disabled', {}, 'info');
    req.flash('success', req.t('auth.mfa.disabled'));
    res.redirect(MFA_SETUP_PATH);
  });

  return router;
}
