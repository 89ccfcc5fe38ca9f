// Admins keep the national holidays and cuti bersama that the complaints' working-day due dates skip:
// the list of a year, a form to add one, and a button to remove one (the service checks the role).
import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../core/deps';
import { wibDay } from '../core/wib';
import { requireRole } from '../auth';
import { registerNavItem } from '../web/navigation';
import { requestContext } from '../web/request-context';
import {
  formFields,
  idParam,
  parseInput,
  parseQuery,
  saveOrRerender,
  type FieldErrors,
} from '../web/validation';
import { holidayForm, holidayQuery } from './evaluation.schemas';
import { HOLIDAY_KINDS } from './holiday.model';
import { addHoliday, listHolidays, removeHoliday } from './holidays.service';

export const HOLIDAYS_PATH = '/admin/hari-libur';

async function renderHolidays(
  req: Request,
  res: Response,
  status: number,
  year: number,
  form: { values?: Record<string, unknown>; fieldErrors?: FieldErrors } = {},
) {
  res.status(status).render('evaluation/holidays', {
    title: req.t('evaluation.holidays.title'),
    basePath: HOLIDAYS_PATH,
    year,
    holidays: await listHolidays(req.user!, year),
    kinds: HOLIDAY_KINDS,
    values: form.values ?? { date: '', name: '', kind: 'libur_nasional' },
    fieldErrors: form.fieldErrors ?? {},
  });
}

/** The year a date of the form belongs to, or the current WIB year. */
const yearOf = (date: unknown, now: Date) =>
  Number((typeof date === 'string' && /^\d{4}-/.test(date) ? date : wibDay(now)).slice(0, 4));

export function holidaysRouter({ clock }: RouteDeps): Router {
  registerNavItem({ href: HOLIDAYS_PATH, labelKey: 'evaluation.nav.holidays', roles: ['admin'], order: 88 });
  const router = Router();
  router.use(requireRole('admin'));

  router.get('/', async (req, res) => {
    const { tahun } = parseQuery(holidayQuery, req.query);
    await renderHolidays(req, res, 200, tahun ?? yearOf(undefined, clock()));
  });
  router.post('/', async (req, res) => {
    const values = formFields(req.body);
    const year = yearOf(values.date, clock());
    const input = parseInput(holidayForm, values);
    if (!input.ok) return renderHolidays(req, res, 422, year, { values, fieldErrors: input.errors });
    await saveOrRerender(
      async () => {
        await addHoliday(req.user!, input.data, requestContext(req));
        req.flash('success', req.t('evaluation.holidays.added'));
        res.redirect(303, `${HOLIDAYS_PATH}?tahun=${year}`);
      },
      (status, fieldErrors) => renderHolidays(req, res, status, year, { values, fieldErrors }),
    );
  });
  router.post('/:id/hapus', async (req, res) => {
    const removed = await removeHoliday(req.user!, idParam(req, 'holiday'), requestContext(req));
    req.flash('success', req.t('evaluation.holidays.removed'));
    res.redirect(303, `${HOLIDAYS_PATH}?tahun=${removed.date.slice(0, 4)}`);
  });
  return router;
}
