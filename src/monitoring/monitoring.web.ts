// What the dashboard's view needs beyond the figures: the page of people below target, the query
// string that carries the filters to the exports and sort links, and the names of the OPDs.
import type { Request } from 'express';
import { barChart } from './monitoring.charts';
import { JP_BANDS } from './monitoring.figures';
import { TABLES, type CourseTableName, type DashboardQuery } from './monitoring.schemas';
import { BELOW_PAGE_SIZE, type Dashboard } from './monitoring.service';
import type { CourseReport } from './course-report';

/** The filters as a query string (without sort and page), e.g. "year=2026&unit=Sekretariat". */
export function filterQueryString(view: Dashboard, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (view.filters.opd) params.set('opd', view.filters.opd);
  if (view.filters.unit) params.set('unit', view.filters.unit);
  if (view.filters.golongan) params.set('golongan', view.filters.golongan);
  params.set('year', String(view.year));
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

export function dashboardPage(req: Request, view: Dashboard, query: DashboardQuery) {
  const pages = Math.max(1, Math.ceil(view.below.length / BELOW_PAGE_SIZE));
  const page = Math.min(query.page ?? 1, pages);
  const opdName = view.opds.find((o) => o.id === view.filters.opd)?.name;
  return {
    title: req.t('monitoring.title'),
    view,
    opdName,
    bands: JP_BANDS,
    charts: {
      bands: barChart(
        'chart-bands',
        req.t('monitoring.bandsTitle', { year: view.year }),
        req.t('monitoring.charts.bandsDesc', {
          people: view.totals.people,
          values: JP_BANDS.map((b) => `${b} JP: ${view.totals.bands[b]}`).join('; '),
        }),
        JP_BANDS.map((b) => ({ label: `${b} JP`, value: view.totals.bands[b] })),
      ),
      trend: barChart(
        'chart-trend',
        req.t('monitoring.charts.trendTitle'),
        req.t('monitoring.charts.trendDesc', {
          values: view.trend.map((m) => `${m.month}: ${m.completed}`).join('; '),
        }),
        view.trend.map((m) => ({ label: m.month.slice(5), value: m.completed })),
      ),
    },
    tables: TABLES,
    belowPage: {
      items: view.below.slice((page - 1) * BELOW_PAGE_SIZE, page * BELOW_PAGE_SIZE),
      page,
      pages,
      total: view.below.length,
    },
    filterQuery: filterQueryString(view, view.filters.sort !== 'jp' ? { sort: view.filters.sort } : {}),
    sortHref: (sort: string) => `/pemantauan?${filterQueryString(view, { sort })}#di-bawah-target`,
    pageQuery: {
      opd: view.filters.opd,
      unit: view.filters.unit,
      golongan: view.filters.golongan,
      year: view.year,
      sort: view.filters.sort,
    },
    rate: (value: number | null) =>
      value === null ? '—' : `${value.toLocaleString(req.user?.language === 'en' ? 'en-GB' : 'id-ID')}%`,
  };
}

const localeOf = (req: Request) => (req.user?.language === 'en' ? 'en-GB' : 'id-ID');

/** The course report's view: a rate as "60%" and other figures in the reader's number format, "—" for none. */
export function courseReportPage(req: Request, report: CourseReport, years: number[]) {
  const number = (value: number | null) => (value === null ? '—' : value.toLocaleString(localeOf(req)));
  return {
    title: `${req.t('monitoring.course.title')}: ${report.course.title}`,
    report,
    years,
    number,
    rate: (value: number | null) => (value === null ? '—' : `${number(value)}%`),
    /** A table's export with the page's year, e.g. /laporan-kursus/…/ekspor.csv?tabel=pelajaran&year=2026. */
    exportHref: (format: 'csv' | 'xlsx', table: CourseTableName) => {
      const params = new URLSearchParams({ tabel: table });
      if (report.year !== undefined) params.set('year', String(report.year));
      return `/laporan-kursus/${report.course.id}/ekspor.${format}?${params.toString()}`;
    },
  };
}
