// Invitations for HR and admins: the overview (who was invited, when, who has not signed in yet) and
// the buttons that invite everyone without a password, one person (from their page) or the people
// of an import (from its result page). Scope and manage rules come from the users feature.
import { Router, type Request } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireRole } from '../auth';
import { BadRequest } from '../web/errors';
import { registerNavItem } from '../web/navigation';
import { requestContext } from '../web/request-context';
import { idParam, parseInput } from '../web/validation';
import { emptyForm } from './password-links.schemas';
import {
  inviteEveryoneWithoutPassword,
  inviteImported,
  invitationOverview,
  invitePerson,
} from './invitations.service';

export const INVITATIONS_PATH = '/admin/undangan';

/** The invitation buttons carry nothing but their CSRF token. */
function assertEmptyForm(req: Request): void {
  const { _csrf: _token, ...rest } = (req.body ?? {}) as Record<string, unknown>;
  if (!parseInput(emptyForm, rest).ok) throw new BadRequest();
}

export function invitationsRouter({ config, clock }: RouteDeps): Router {
  registerNavItem({
    href: INVITATIONS_PATH,
    labelKey: 'passwordLinks.invitations.nav',
    roles: ['admin', 'hr'],
    order: 55,
  });
  const router = Router();
  router.use(requireRole('admin', 'hr'));

  router.get('/', async (req, res) => {
    const overview = await invitationOverview(req.user!, clock());
    res.render('password-links/invitations', {
      title: req.t('passwordLinks.invitations.title'),
      overview,
      invitationDays: config.mail.invitationDays,
    });
  });

  router.post('/semua', async (req, res) => {
    assertEmptyForm(req);
    const count = await inviteEveryoneWithoutPassword(req.user!, config, clock(), requestContext(req));
    req.flash('success', req.t('passwordLinks.invitations.sent', { count }));
    res.redirect(303, INVITATIONS_PATH);
  });

  router.post('/orang/:id', async (req, res) => {
    assertEmptyForm(req);
    const id = idParam(req, 'person');
    const count = await invitePerson(req.user!, id, config, clock(), requestContext(req));
    req.flash(
      count ? 'success' : 'error',
      req.t(count ? 'passwordLinks.invitations.sentOne' : 'passwordLinks.invitations.notInvitable'),
    );
    res.redirect(303, `/admin/users/${id}`);
  });

  router.post('/impor/:id', async (req, res) => {
    assertEmptyForm(req);
    const id = idParam(req, 'import preview');
    const count = await inviteImported(req.user!, id, config, clock(), requestContext(req));
    req.flash('success', req.t('passwordLinks.invitations.sent', { count }));
    res.redirect(303, INVITATIONS_PATH);
  });

  return router;
}
