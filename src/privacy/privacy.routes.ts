// The public privacy notice at /privasi (id/en) and its confirmation at first sign-in.
import { Router } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireAuth } from '../auth';
import { safeReturnTo } from '../web/return-to';
import { parseInput } from '../web/validation';
import { acknowledgeForm } from './privacy.schemas';
import { PRIVACY_ACKNOWLEDGE_PATH, PRIVACY_PATH, acknowledge, hasAcknowledged } from './privacy.service';

export function privacyRouter({ config, clock }: RouteDeps): Router {
  const router = Router();

  router.get(PRIVACY_PATH, async (req, res) => {
    const mustAcknowledge = req.user
      ? !(req.session.privacyAcknowledged || (await hasAcknowledged(req.user)))
      : false;
    const returnTo = safeReturnTo(typeof req.query.returnTo === 'string' ? req.query.returnTo : undefined);
    res.render('privacy/notice', {
      title: req.t('privacy.title'),
      mustAcknowledge,
      returnTo,
      retention: config.retention,
    });
  });

  router.post(PRIVACY_ACKNOWLEDGE_PATH, requireAuth, async (req, res) => {
    const input = parseInput(acknowledgeForm, req.body);
    await acknowledge(req.user!, clock());
    req.session.privacyAcknowledged = true;
    res.redirect(safeReturnTo(input.ok ? input.data.returnTo : undefined));
  });

  return router;
}
