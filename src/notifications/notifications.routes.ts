// "Pemberitahuan surel": the signed-in person turns each kind of mail notice on or off. Their own
// settings only; the route takes no person id.
import { Router } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireAuth } from '../auth';
import { BadRequest } from '../web/errors';
import { registerNavItem } from '../web/navigation';
import { formFields, parseInput } from '../web/validation';
import { preferencesForm } from './notifications.schemas';
import { kindsFor, savePreferences, turnedOffKinds } from './notifications.service';

export const SETTINGS_PATH = '/akun/notifikasi';

export function notificationsRouter({ clock }: RouteDeps): Router {
  registerNavItem({
    href: SETTINGS_PATH,
    labelKey: 'notifications.nav',
    roles: [],
    order: 200,
    section: 'account',
  });
  const router = Router();

  router.get(SETTINGS_PATH, requireAuth, async (req, res) => {
    const off = await turnedOffKinds(req.user!.id);
    res.render('notifications/settings', {
      title: req.t('notifications.title'),
      kinds: kindsFor(req.user!),
      off,
    });
  });

  router.post(SETTINGS_PATH, requireAuth, async (req, res) => {
    const input = parseInput(preferencesForm, formFields(req.body));
    if (!input.ok) throw new BadRequest();
    await savePreferences(req.user!, input.data, clock());
    req.flash('success', req.t('notifications.saved'));
    res.redirect(303, SETTINGS_PATH);
  });

  return router;
}
