// /admin/akses: an admin chooses an account (by id, NIP or email) and a WIB date range, and sees
// whose data that account viewed, exported or downloaded.
import { Router } from 'express';
import type { RouteDeps } from '../core/deps';
import { endOfDayWib, startOfDayWib } from '../core/wib';
import { requireRole } from '../auth';
import { findAccount } from '../users';
import { registerNavItem } from '../web/navigation';
import { parseQuery } from '../web/validation';
import { accessedBy, actorsInLog } from './access-log.browse';
import { accessQuery } from './personal-data.schemas';

const ACCESS_LOG_PATH = '/admin/akses';

export function accessLogRouter(_deps: RouteDeps): Router {
  registerNavItem({
    href: ACCESS_LOG_PATH,
    labelKey: 'personalData.access.nav',
    roles: ['admin'],
    order: 91,
  });
  const router = Router();
  router.use(requireRole('admin'));

  router.get('/', async (req, res) => {
    const query = parseQuery(accessQuery, req.query);
    const account = query.akun ? await findAccount(query.akun) : undefined;
    const from = query.dari ? startOfDayWib(query.dari) : undefined;
    const to = query.sampai ? endOfDayWib(query.sampai) : undefined;
    const result = account ? await accessedBy({ actorId: account.id, from, to }) : undefined;
    res.render('personal-data/access-admin', {
      title: req.t('personalData.access.title'),
      basePath: ACCESS_LOG_PATH,
      query: { akun: query.akun ?? '', dari: query.dari ?? '', sampai: query.sampai ?? '' },
      ...{ account, notFound: !!query.akun && !account, result, actors: await actorsInLog() },
    });
  });

  return router;
}
