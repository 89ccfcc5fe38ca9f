// The audit-log page for admins.
import { Router } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireRole } from '../auth';
import { filterValues, parseQuery } from '../web/validation';
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
    const query = parseQuery(auditQuery, req.query);
    const result = await listAuditEntries(req.user!, query);
    res.render('audit/index', {
      title: req.t('audit.title'),
      basePath: AUDIT_PATH,
      query: filterValues(query, ['actor', 'action', 'target', 'from', 'to']),
      ...{ result, describe },
    });
  });
  return router;
}
