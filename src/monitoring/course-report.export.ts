// The course report's tables as CSV and XLSX (/laporan-kursus/:id/ekspor.csv and .xlsx, ?tabel=…
// with the page's year): built from the same CourseReport object the page renders, so a file holds
// exactly the page's numbers, and written by the dashboard's writers (tableCsv, tableXlsx), so course
// and lesson titles are neutralised against spreadsheet formulas the same way. Aggregates only: no
// learner is named, so nothing is recorded in the access log (as for the dashboard's summary tables).
import type { CourseReport } from './course-report';
import type { Table } from './monitoring.export';
import type { CourseTableName } from './monitoring.schemas';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** One table of the course report, in the reader's language; a figure the page shows as "—" is empty. */
export function courseTableOf(report: CourseReport, table: CourseTableName, t: Translate): Table {
  const period = report.year === undefined ? t('monitoring.course.allYears') : String(report.year);
  if (table === 'pelajaran')
    return {
      title: t('monitoring.course.lessonsTitle'),
      header: [
        t('monitoring.course.col.position'),
        t('monitoring.course.lesson'),
        t('monitoring.course.doneBy'),
        t('monitoring.course.stoppedHere'),
      ],
      rows: report.lessons.map((l, i) => [i + 1, l.title, l.doneBy, l.stoppedHere]),
      nipColumns: [],
    };
  return {
    title: t('monitoring.tables.summary'),
    header: [
      t('monitoring.course.code'),
      t('monitoring.course.col.course'),
      t('monitoring.course.col.period'),
      t('monitoring.course.enrolled'),
      t('monitoring.course.completed'),
      t('monitoring.course.inProgress'),
      t('monitoring.course.completionRate'),
      t('monitoring.course.averageScore'),
      t('monitoring.course.scored'),
      t('monitoring.course.passRate'),
      t('monitoring.course.gainPeople'),
      t('monitoring.course.pre'),
      t('monitoring.course.post'),
      t('monitoring.course.gainPoints'),
      t('monitoring.course.normalisedGain'),
      t('monitoring.course.col.timed'),
      t('monitoring.course.medianDays'),
      t('monitoring.course.meanDays'),
    ],
    rows: [
      [
        report.course.code,
        report.course.title,
        period,
        report.enrolled,
        report.completed,
        report.inProgress,
        report.completionRate,
        report.averageScore,
        report.scored,
        report.passRate,
        report.gain.people,
        report.gain.pre,
        report.gain.post,
        report.gain.points,
        report.gain.normalised,
        report.time.completed,
        report.time.medianDays,
        report.time.meanDays,
      ],
    ],
    nipColumns: [],
  };
}

/** The file name of an export: the course code (letters, digits and dashes only), the table and the year. */
export function courseExportName(report: CourseReport, table: CourseTableName, format: string): string {
  const code = report.course.code.replace(/[^A-Za-z0-9-]/g, '') || 'kursus';
  return `laporan-kursus-${code}-${table}-${report.year ?? 'semua-tahun'}.${format}`;
}
