// Public pages of the links that set a password: "lupa kata sandi" (ask for a link by NIP or email,
// same answer whatever the account) and the set-password page each link opens. Rate-limited per IP
// with the sign-in's limiter; per account in the service.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { RouteDeps } from '../core/deps';
import { ipRateLimit } from '../auth';
import { securityEvent } from '../web/logging';
import { requestContext } from '../web/request-context';
import { formFields, parseInput, type FieldErrors } from '../web/validation';
import { forgotForm, setPasswordForm, tokenParam } from './password-links.schemas';
import { linkState, redeem, type LinkState } from './password-links.service';
import { requestPasswordReset } from './recovery.service';

export const FORGOT_PATH = '/lupa-sandi';
export const LINK_PATH = '/atur-sandi';

function renderForgot(req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) {
  const { config } = req.app.get('deps') as RouteDeps;
  res.status(status).render('password-links/forgot', {
    title: req.t('passwordLinks.forgot.title'),
    resetMinutes: config.mail.passwordResetMinutes,
    ...extra,
  });
}

function renderSetPassword(
  req: Request,
  res: Response,
  status: number,
  purpose: string,
  fieldErrors: FieldErrors = {},
) {
  res.status(status).render('password-links/set-password', {
    title: req.t(`passwordLinks.set.title.${purpose}`),
    purpose,
    fieldErrors,
  });
}

/** A link that cannot be used: 404 for one that never existed, 410 for a used or expired one. */
function renderDeadLink(req: Request, res: Response, link: Exclude<LinkState, { state: 'valid' }>) {
  securityEvent(req, 'passwordLink.refused', { reason: link.state });
  res.locals.currentPath = ''; // the dead token is not carried into the page's forms
  res.status(link.state === 'unknown' ? 404 : 410).render('password-links/dead-link', {
    title: req.t(`passwordLinks.dead.${link.state}.title`),
    reason: link.state,
  });
}

export function passwordLinksRouter({ config, clock, logger }: RouteDeps): Router {
  const router = Router();
  const tooMany: RequestHandler = (req, res) => {
    securityEvent(req, 'passwordLink.rateLimited');
    renderForgot(req, res, 429, { error: req.t('passwordLinks.forgot.tooMany') });
  };
  const limitByIp = ipRateLimit({
    max: config.login.ipMaxAttempts,
    windowMinutes: config.login.failureWindowMinutes,
    clock,
    onLimit: tooMany,
  });

  router.get(FORGOT_PATH, (req, res) => renderForgot(req, res, 200));

  router.post(FORGOT_PATH, limitByIp, async (req, res) => {
    const values = formFields(req.body);
    const input = parseInput(forgotForm, values);
    if (!input.ok) return renderForgot(req, res, 422, { values, fieldErrors: input.errors });
    const request = await requestPasswordReset(input.data.identifier, config, clock(), requestContext(req));
    const deliver = () =>
      request.deliver().catch((err: unknown) => logger.error({ err }, 'reset mail not queued'));
    res.once('finish', deliver); // after the answer: a known account answers as fast as an unknown one
    securityEvent(req, 'passwordReset.requested', {}, 'info');
    renderForgot(req, res, 200, { isSent: true });
  });

  router.get(`${LINK_PATH}/:token`, async (req, res) => {
    const link = await linkState(tokenParam.parse(req.params).token, clock());
    if (link.state !== 'valid') return renderDeadLink(req, res, link);
    res.setHeader('Referrer-Policy', 'no-referrer'); // the token is in this page's address
    renderSetPassword(req, res, 200, link.purpose);
  });

  router.post(`${LINK_PATH}/:token`, limitByIp, async (req, res) => {
    const { token } = tokenParam.parse(req.params);
    const input = parseInput(setPasswordForm, formFields(req.body));
    const link = await linkState(token, clock());
    if (link.state !== 'valid') return renderDeadLink(req, res, link);
    if (!input.ok) return renderSetPassword(req, res, 422, link.purpose, input.errors);
    const result = await redeem(token, input.data.password, config, clock(), requestContext(req));
    if (!result.ok && 'errors' in result)
      return renderSetPassword(req, res, 422, link.purpose, result.errors);
    if (!result.ok) return renderDeadLink(req, res, result.link);
    securityEvent(req, 'password.setByLink', { purpose: result.purpose }, 'info');
    res.render('password-links/done', { title: req.t('passwordLinks.done.title'), purpose: result.purpose });
  });

  return router;
}
