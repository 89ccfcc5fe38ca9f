// /admin/mfa/:id — an admin sees a person's second-factor state and resets it (POST, audited).
// The sign-in step, enrolment and self-service are in mfa.routes.ts.
import { Router } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireRole } from '../auth';
import { securityEvent } from '../web/logging';
import { requestContext } from '../web/request-context';
import { idParam } from '../web/validation';
import { mfaOfPerson, resetMfa } from './mfa-admin.service';

const MFA_ADMIN_PATH = '/admin/mfa';

export function mfaAdminRouter(_deps: RouteDeps): Router {
  const router = Router();
  router.use(requireRole('admin'));

  router.get('/:id', async (req, res) => {
    const person = await mfaOfPerson(req.user!, idParam(req, 'person'));
    res.render('mfa/admin', { title: req.t('mfa.admin.title', { name: person.name }), person });
  });

  router.post('/:id/reset', async (req, res) => {
    const person = await resetMfa(req.user!, idParam(req, 'person'), requestContext(req));
    securityEvent(req, 'mfa.reset', { subjectId: person.id }, 'info');
    req.flash('success', req.t('mfa.admin.resetDone', { name: person.name }));
    res.redirect(`${MFA_ADMIN_PATH}/${person.id}`);
  });

  return router;
}
