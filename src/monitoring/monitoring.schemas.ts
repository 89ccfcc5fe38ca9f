// zod schemas of the monitoring pages' queries: a value off the list is ignored (a hand-edited URL
// shows the unfiltered page), never an error page.
import { z } from 'zod';
import { wibDay } from '../core/wib';
import { pageNumber, searchText } from '../web/validation';
import { BELOW_SORTS } from './monitoring.figures';

const objectIdOrNothing = z
  .string()
  .regex(/^[0-9a-f]{24}$/i)
  .optional()
  .catch(undefined);

export const TABLES = [
  'ringkasan',
  'unit',
  'golongan',
  'di-bawah-target',
  'tren',
  'opd',
  'kompetensi',
] as const;
export type TableName = (typeof TABLES)[number];

export const dashboardQuery = z.object({
  opd: objectIdOrNothing,
  unit: searchText(200),
  golongan: searchText(10),
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  sort: z.enum(BELOW_SORTS).optional().catch(undefined),
  page: pageNumber.optional(),
});
export type DashboardQuery = z.infer<typeof dashboardQuery>;

/** Which table to export: an unknown name exports the summary. */
export const exportQuery = z.object({ tabel: z.enum(TABLES).catch('ringkasan') });

const currentYear = (now: Date) => Number(wibDay(now).slice(0, 4));

/** The learning record's year: the current WIB year unless another is asked for. */
export const recordQuery = (now: Date) =>
  z.object({
    year: z.coerce.number().int().min(2000).max(2100).catch(currentYear(now)).default(currentYear(now)),
  });

/** The current WIB year and the four before it (the year choices). */
export function recentYears(now: Date): number[] {
  return Array.from({ length: 5 }, (_, i) => currentYear(now) - i);
}

/** The course report's year: all enrolments unless a year is chosen (an empty or odd value: all). */
export const courseReportQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
});

/** The course report's tables: its figures (one row) and the lessons where learners stop. */
export const COURSE_TABLES = ['ringkasan', 'pelajaran'] as const;
export type CourseTableName = (typeof COURSE_TABLES)[number];

/** Which course report table to export: an unknown name exports the summary. */
export const courseExportQuery = z.object({ tabel: z.enum(COURSE_TABLES).catch('ringkasan') });
