// Monitoring for HR and leaders: the OPD dashboard (/pemantauan) and its tables as CSV and XLSX
// (/pemantauan/ekspor.csv and .xlsx, ?tabel=…) with the page's filters, and the printable PDF report
// for the head of an OPD (/pemantauan/laporan.pdf, the same filters): HR and admins only, the scope
// (their OPD, or every OPD for BKPSDM HR and admins) applied in the service for every channel. The
// course report (/laporan-kursus/:id) and its tables as CSV and XLSX (/laporan-kursus/:id/ekspor.csv
// and .xlsx, ?tabel=… and the page's year): curators and the course's authors, decided in the service.
import { Router } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireAuth, requireRole } from '../auth';
import { registerNavItem } from '../web/navigation';
import { idParam, parseQuery } from '../web/validation';
import { requestContext } from '../web/request-context';
import {
  courseExportQuery,
  courseReportQuery,
  dashboardQuery,
  exportQuery,
  recordQuery,
  recentYears,
} from './monitoring.schemas';
import { courseReport, coursesToReport } from './course-report';
import { courseExportName, courseTableOf } from './course-report.export';
import { courseReportPage } from './monitoring.web';
import { learningRecord } from './learning-record';
import { opdDashboard, scopeName } from './monitoring.service';
import { recordExport, recordReport, tableCsv, tableOf, tableXlsx } from './monitoring.export';
import { dashboardPdf } from './monitoring.pdf';
import { formatDateTimeWib } from '../core/wib';
import { dashboardPage } from './monitoring.web';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function monitoringRouter(deps: RouteDeps): Router {
  registerNavItem({ href: '/catatan-belajar', labelKey: 'monitoring.record.nav', roles: [], order: 12 });
  registerNavItem({ href: '/pemantauan', labelKey: 'monitoring.nav', roles: ['hr', 'admin'], order: 32 });
  registerNavItem({
    href: '/laporan-kursus',
    labelKey: 'monitoring.course.nav',
    roles: ['curator', 'author'],
    order: 33,
  });
  const router = Router();
  router.use('/pemantauan', requireAuth, requireRole('hr', 'admin'));
  router.use('/laporan-kursus', requireAuth, requireRole('curator', 'author'));

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
  router.get('/pemantauan/laporan.pdf', async (req, res) => {
    const view = await opdDashboard(req.user!, parseQuery(dashboardQuery, req.query), deps.clock());
    const scope = await scopeName(req.user!, view, req.t('monitoring.report.city'));
    const now = deps.clock();
    const pdf = await dashboardPdf(view, req.t, {
      scope,
      now,
      generatedAt: formatDateTimeWib(now, req.user!.language),
    });
    await recordReport(req.user!, view, requestContext(req));
    res.setHeader('Content-Disposition', `attachment; filename="laporan-pemantauan-${view.year}.pdf"`);
    res.type('application/pdf').send(pdf);
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
  router.get('/laporan-kursus', async (req, res) => {
    res.render('monitoring/courses', {
      title: req.t('monitoring.course.listTitle'),
      courses: await coursesToReport(req.user!),
    });
  });
  router.get('/laporan-kursus/:id', async (req, res) => {
    const { year } = parseQuery(courseReportQuery, req.query);
    const report = await courseReport(req.user!, idParam(req, 'course'), year);
    res.render('monitoring/course-report', courseReportPage(req, report, recentYears(deps.clock())));
  });
  for (const format of ['csv', 'xlsx'] as const)
    router.get(`/laporan-kursus/:id/ekspor.${format}`, async (req, res) => {
      const { tabel } = parseQuery(courseExportQuery, req.query);
      const { year } = parseQuery(courseReportQuery, req.query);
      const report = await courseReport(req.user!, idParam(req, 'course'), year);
      const table = courseTableOf(report, tabel, req.t);
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="${courseExportName(report, tabel, format)}"`,
      );
      if (format === 'csv') return res.type('text/csv; charset=utf-8').send(tableCsv(table));
      res.type(XLSX_TYPE).send(await tableXlsx(table));
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
