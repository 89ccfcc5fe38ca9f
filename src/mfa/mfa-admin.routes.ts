// /admin/mfa/:id — an admin sees a person's second-factor state and resets it (POST, audited).
// The sign-in step, enrolment and self-service live in src/auth/mfa.routes.ts.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '../app';
import { requireRole } from '../auth/guards';
import { NotFound } from '../web/errors';
import { securityEvent } from '../web/logging';
import { mfaOfPerson, resetMfa } from './mfa-admin.service';

export const MFA_ADMIN_PATH = '/admin/mfa';

const idParams = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/i) }).strict();

function idOf(req: Request): string {
  const parsed = idParams.safeParse(req.params);
  if (!parsed.success) throw new NotFound('person');
  return parsed.data.id;
}

export function mfaAdminRouter(_deps: RouteDeps): Router {
  const router = Router();
  router.use(requireRole('admin'));

  router.get('/:id', async (req, res) => {
    const person = await mfaOfPerson(req.user!, idOf(req));
    res.render('mfa/admin', { title: req.t('mfa.admin.title', { name: person.name }), person });
  });

  router.post('/:id/reset', async (req, res) => {
    const person = await resetMfa(req.user!, idOf(req), {
      requestId: String((req as Request & { id?: unknown }).id ?? ''),
      ip: req.ip,
    });
    securityEvent(req, 'mfa.reset', { subjectId: person.id }, 'info');
    req.flash('success', req.t('mfa.admin.resetDone', { name: person.name }));
    res.redirect(`${MFA_ADMIN_PATH}/${person.id}`);
  });

  return router;
}
