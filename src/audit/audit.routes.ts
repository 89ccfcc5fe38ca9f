// The audit-log page for admins.
import { Router } from 'express';
import type { RouteDeps } from '../app';
import { requireRole } from '../auth/guards';
import { BadRequest } from '../web/errors';
import { registerNavItem } from '../web/navigation';
import { listAuditEntries } from './audit.browse';
import { auditQuery } from './audit.schemas';

export const AUDIT_PATH = '/admin/audit';

/** Before/after values as short readable text (rendered escaped). */
function describe(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export function auditRouter(_deps: RouteDeps): Router {
  registerNavItem({ href: AUDIT_PATH, labelKey: 'audit.nav', roles: ['admin'], order: 90 });
  const router = Router();
  router.use(requireRole('admin'));
  router.get('/', async (req, res) => {
    const query = auditQuery.safeParse(req.query);
    if (!query.success) throw new BadRequest();
    const result = await listAuditEntries(req.user!, query.data);
    const { page: _page, ...filters } = query.data;
    res.render('audit/index', {
      title: req.t('audit.title'),
      basePath: AUDIT_PATH,
      query: {
        actor: filters.actor ?? '',
        action: filters.action ?? '',
        target: filters.target ?? '',
        from: filters.from ?? '',
        to: filters.to ?? '',
      },
      result,
      describe,
      formatDateTime: (date: Date) =>
        new Intl.DateTimeFormat(req.lang === 'en' ? 'en-GB' : 'id-ID', {
          dateStyle: 'medium',
          timeStyle: 'medium',
          timeZone: 'Asia/Jakarta',
        }).format(new Date(date)),
    });
  });
  return router;
}
