// "Data saya": the signed-in person's own data page and its download. The person is always the
// session's; no route here takes a user id from the request.
import { Router } from 'express';
import type { RouteDeps } from '../core/deps';
import { wibDay } from '../core/wib';
import { requireAuth } from '../auth';
import { registerNavItem } from '../web/navigation';
import { accessRecordOf, exportFor, profileOf } from './personal-data.service';
import { sectionsOf } from './personal-data.sections';

const MY_DATA_PATH = '/data-saya';
/** The page lists the latest accesses; the download holds them all. */
const PAGE_ENTRIES = 50;

export function personalDataRouter({ clock }: RouteDeps): Router {
  registerNavItem({ href: MY_DATA_PATH, labelKey: 'personalData.nav', roles: [], section: 'account' });
  const router = Router();

  router.get(MY_DATA_PATH, requireAuth, async (req, res) => {
    const [profile, sections, access] = await Promise.all([
      profileOf(req.user!),
      sectionsOf(req.user!.id),
      accessRecordOf(req.user!),
    ]);
    res.render('personal-data/index', {
      title: req.t('personalData.title'),
      profile,
      sections,
      access: access.slice(0, PAGE_ENTRIES),
      accessTotal: access.length,
    });
  });

  router.get(`${MY_DATA_PATH}/unduh`, requireAuth, async (req, res) => {
    const now = clock();
    const data = await exportFor(req.user!, now);
    const day = wibDay(now);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="data-saya-${day}.json"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(JSON.stringify(data, null, 2));
  });

  return router;
}
