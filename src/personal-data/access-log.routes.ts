// The admin page /admin/akses: "whose data did this account read or export between two dates".
import { Router } from 'express';
import type { RouteDeps } from '../app';
import { canonicalIdentifier } from '../auth/auth.service';
import { requireRole } from '../auth/guards';
import { User } from '../users/user.model';
import { BadRequest } from '../web/errors';
import { registerNavItem } from '../web/navigation';
import { accessedBy, actorsInLog, type AccessQueryResult } from './access-log.service';
import { dateTimeFormatter } from './format';
import { accessQuery, endOfDayWib, startOfDayWib } from './personal-data.schemas';

export const ACCESS_LOG_PATH = '/admin/akses';

/**
 * The account named by its id (the form's choice, which keeps NIPs out of URLs and logs), a NIP
 * (spaces allowed) or an email; undefined when none matches.
 */
async function findAccount(identifier: string): Promise<{ id: string; name: string } | undefined> {
  const canonical = /^[0-9a-f]{24}$/i.test(identifier)
    ? identifier.toLowerCase()
    : canonicalIdentifier(identifier);
  if (!canonical) return undefined;
  const filter = /^[0-9a-f]{24}$/.test(canonical)
    ? { _id: canonical }
    : canonical.includes('@')
      ? { email: canonical }
      : { nip: canonical };
  const user = await User.findOne(filter, { name: 1 }).lean();
  return user ? { id: String(user._id), name: user.name } : undefined;
}

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
    const parsed = accessQuery.safeParse(req.query);
    if (!parsed.success) throw new BadRequest();
    const query = parsed.data;
    let account: { id: string; name: string } | undefined;
    let result: AccessQueryResult | undefined;
    let notFound = false;
    if (query.akun) {
      account = await findAccount(query.akun);
      notFound = !account;
      if (account) {
        result = await accessedBy({
          actorId: account.id,
          from: query.dari ? startOfDayWib(query.dari) : undefined,
          to: query.sampai ? endOfDayWib(query.sampai) : undefined,
        });
      }
    }
    res.render('personal-data/access-admin', {
      title: req.t('personalData.access.title'),
      basePath: ACCESS_LOG_PATH,
      query: { akun: query.akun ?? '', dari: query.dari ?? '', sampai: query.sampai ?? '' },
      account,
      notFound,
      result,
      actors: await actorsInLog(),
      formatDateTime: dateTimeFormatter(req.lang),
    });
  });

  return router;
}
