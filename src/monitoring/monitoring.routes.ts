// Monitoring for HR and leaders: the OPD dashboard (/pemantauan) and its tables as CSV and XLSX
// (/pemantauan/ekspor.csv and .xlsx, ?tabel=…) with the page's filters. HR and admins only; the scope (their
// OPD, or every OPD for BKPSDM HR and admins) is applied in the service for every channel.
import { Router } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireAuth, requireRole } from '../auth';
import { registerNavItem } from '../web/navigation';
import { idParam, parseQuery } from '../web/validation';
import { requestContext } from '../web/request-context';
import { dashboardQuery, exportQuery, recordQuery, recentYears } from './monitoring.schemas';
import { learningRecord } from './learning-record';
import { opdDashboard } from './monitoring.service';
import { recordExport, tableCsv, tableOf, tableXlsx } from './monitoring.export';
import { dashboardPage } from './monitoring.web';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function monitoringRouter(deps: RouteDeps): Router {
  registerNavItem({ href: '/catatan-belajar', labelKey: 'monitoring.record.nav', roles: [], order: 12 });
  registerNavItem({ href: '/pemantauan', labelKey: 'monitoring.nav', roles: ['hr', 'admin'], order: 32 });
  const router = Router();
  router.use('/pemantauan', requireAuth, requireRole('hr', 'admin'));

  router.get('/pemantauan', async (req, res) => {
    const query = parseQuery(dashboardQuery, req.query);
    const view = await opdDashboard(req.user!, query, deps.clock());
    res.render('monitoring/dashboard', dashboardPage(req, view, query));
  });
  for (const format of ['csv', 'xlsx'] as const)
    router.get(`/pemantauan/ekspor.${format}`, async (req, res) => {
      const { tabel } = parseQuery(exportQuery, req.query);
      const view = await opdDashboard(req.user!, parseQuery(dashboardQuery, req.query), deps.clock());
      const table = tableOf(view, tabel, req.t);
      await recordExport(req.user!, view, tabel, requestContext(req));
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="pemantauan-${tabel}-${view.year}.${format}"`,
      );
      if (format === 'csv') return res.type('text/csv; charset=utf-8').send(tableCsv(table));
      res.type(XLSX_TYPE).send(await tableXlsx(table));
    });
  router.get('/pemantauan/pegawai/:id', async (req, res) => {
    const { year } = parseQuery(recordQuery(deps.clock()), req.query);
    const record = await learningRecord(req.user!, idParam(req, 'person'), year, requestContext(req));
    res.render('monitoring/record', {
      title: req.t('monitoring.record.title'),
      record,
      years: recentYears(deps.clock()),
    });
  });
  router.get('/catatan-belajar', requireAuth, async (req, res) => {
    const { year } = parseQuery(recordQuery(deps.clock()), req.query);
    const record = await learningRecord(req.user!, req.user!.id, year);
    res.render('monitoring/record', {
      title: req.t('monitoring.record.title'),
      record,
      years: recentYears(deps.clock()),
    });
  });
  return router;
}
