// Service-unit pages for admins and the HR of the unit's OPD (the units' scope decides, in the
// service): the list, the unit form, its survey elements, the IKM results with CSV/XLSX/PDF
// exports, the counter poster, the suggestions and complaints, and the training-impact view.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '../core/deps';
import { requireRole } from '../auth';
import { formatDateTimeWib } from '../core/wib';
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
import {
  feedbackForm,
  feedbackQuery,
  parseElementsForm,
  periodQuery,
  staffForm,
  unitForm,
} from './evaluation.schemas';
import { saveStaff, unitStaffPage } from './staff.service';
import * as units from './units.service';
import * as feedback from './feedback.service';
import { unitResults } from './results.service';
import { unitImpact, rankingByChange } from './impact.service';
import { periodsOfYear, quarterOf } from './ikm';
import { posterPdf, resultsCsv, resultsPdf, resultsXlsx } from './documents';
import { LAPOR_TIERS, FEEDBACK_STATUSES } from './feedback.model';
import {
  elementValues,
  renderElementsForm,
  renderUnitForm,
  sendDownload,
  surveyLink,
  UNITS_PATH,
} from './units.web';

const feedbackId = (id: unknown) => {
  if (typeof id !== 'string' || !/^[0-9a-f]{24}$/i.test(id)) return '000000000000000000000000';
  return id;
};
const courseChoice = z.object({ kursus: z.union([z.string(), z.array(z.string())]).optional() }).catch({});

/** One suggestion or complaint with its follow-up form (the actor's scope decides, in the service). */
async function renderFeedback(
  req: Request,
  res: Response,
  status: number,
  unitId: string,
  id: string,
  fieldErrors: FieldErrors = {},
) {
  const found = await feedback.getFeedback(req.user!, unitId, id);
  res.status(status).render('evaluation/feedback', {
    title: req.t('evaluation.feedback.itemTitle'),
    basePath: UNITS_PATH,
    ...found,
    statuses: FEEDBACK_STATUSES,
    tiers: LAPOR_TIERS,
    fieldErrors,
  });
}

/** The unit's staff page: its OPD's people, ticked when on the list (the actor's scope decides, in the service). */
async function renderStaff(
  req: Request,
  res: Response,
  status: number,
  unitId: string,
  form: { values?: { staff: string[]; matchUnitKerja: boolean }; fieldErrors?: FieldErrors } = {},
) {
  const page = await unitStaffPage(req.user!, unitId);
  const chosen = form.values ? new Set(form.values.staff) : undefined;
  res.status(status).render('evaluation/staff', {
    title: req.t('evaluation.staff.title', { unit: page.unit.name }),
    basePath: UNITS_PATH,
    unit: page.unit,
    people: page.people.map((p) => ({ ...p, assigned: chosen ? chosen.has(p.id) : p.assigned })),
    matchUnitKerja: form.values ? form.values.matchUnitKerja : page.matchUnitKerja,
    fieldErrors: form.fieldErrors ?? {},
  });
}

/** The ticked boxes of a refused staff form, so the page shows them again as they were. */
const staffValues = (body: Record<string, unknown>) => ({
  staff: [body.staff ?? []].flat().map(String),
  matchUnitKerja: body.matchUnitKerja === 'on',
});

export function unitsRouter({ clock }: RouteDeps): Router {
  registerNavItem({ href: UNITS_PATH, labelKey: 'evaluation.nav.units', roles: ['admin', 'hr'], order: 55 });
  const router = Router();
  router.use(requireRole('admin', 'hr'));

  router.get('/', async (req, res) => {
    const list = await units.listUnits(req.user!);
    const open = await feedback.openCounts(list.map((u) => u._id));
    res.render('evaluation/units', {
      title: req.t('evaluation.units.title'),
      basePath: UNITS_PATH,
      units: list,
      open,
    });
  });
  router.get('/peringkat', async (req, res) => {
    const ranking = await rankingByChange(req.user!, clock(), 100);
    res.render('evaluation/ranking', {
      title: req.t('evaluation.ranking.title'),
      basePath: UNITS_PATH,
      ranking,
    });
  });
  router.get('/baru', (req, res) =>
    renderUnitForm(req, res, 200, { values: { opd: req.user!.opdId ?? '', active: 'true' } }),
  );
  router.post('/', async (req, res) => {
    const values = formFields(req.body);
    const input = parseInput(unitForm, values);
    if (!input.ok) return renderUnitForm(req, res, 422, { values, fieldErrors: input.errors });
    await saveOrRerender(
      async () =>
        res.redirect(
          303,
          `${UNITS_PATH}/${await units.createUnit(req.user!, input.data, requestContext(req))}`,
        ),
      (status, fieldErrors) => renderUnitForm(req, res, status, { values, fieldErrors }),
    );
  });

  router.get('/:id', async (req, res) => {
    const { periode } = parseQuery(periodQuery, req.query);
    const results = await unitResults(req.user!, idParam(req, 'serviceUnit'), periode, clock());
    const periods = [...periodsOfYear(results.period.year), ...periodsOfYear(results.period.year - 1)];
    res.render('evaluation/results', {
      title: results.unit.name,
      basePath: UNITS_PATH,
      r: results,
      periods,
      link: surveyLink(req, results.unit.code),
      current: quarterOf(clock()),
    });
  });
  router.get('/:id/ubah', async (req, res) => {
    const unit = await units.getUnit(req.user!, idParam(req, 'serviceUnit'));
    const values = {
      name: unit.name,
      opd: String(unit.opd),
      monthlyVolume: unit.monthlyVolume,
      active: String(unit.active),
    };
    await renderUnitForm(req, res, 200, { id: String(unit._id), values });
  });
  router.post('/:id', async (req, res) => {
    const id = idParam(req, 'serviceUnit');
    await units.getUnit(req.user!, id);
    const values = formFields(req.body);
    const input = parseInput(unitForm, values);
    if (!input.ok) return renderUnitForm(req, res, 422, { id, values, fieldErrors: input.errors });
    await saveOrRerender(
      async () => {
        await units.updateUnit(req.user!, id, input.data, requestContext(req));
        res.redirect(303, `${UNITS_PATH}/${id}`);
      },
      (status, fieldErrors) => renderUnitForm(req, res, status, { id, values, fieldErrors }),
    );
  });

  router.get('/:id/instrumen', async (req, res) => {
    const unit = await units.getUnit(req.user!, idParam(req, 'serviceUnit'));
    renderElementsForm(req, res, 200, unit, elementValues(unit.elements));
  });
  router.post('/:id/instrumen', async (req, res) => {
    const unit = await units.getUnit(req.user!, idParam(req, 'serviceUnit'));
    const values = formFields(req.body);
    const input = parseElementsForm(values);
    if (!input.ok) return renderElementsForm(req, res, 422, unit, values, input.errors);
    await units.updateElements(req.user!, String(unit._id), input.data, requestContext(req));
    req.flash('success', req.t('evaluation.elements.saved'));
    res.redirect(303, `${UNITS_PATH}/${String(unit._id)}`);
  });
  router.post('/:id/instrumen/bawaan', async (req, res) => {
    const id = idParam(req, 'serviceUnit');
    await units.resetElements(req.user!, id, requestContext(req));
    req.flash('success', req.t('evaluation.elements.reset'));
    res.redirect(303, `${UNITS_PATH}/${id}/instrumen`);
  });

  router.get('/:id/poster.pdf', async (req, res) => {
    const unit = await units.getUnit(req.user!, idParam(req, 'serviceUnit'));
    sendDownload(
      res,
      'application/pdf',
      `poster-ikm-${unit.code}.pdf`,
      await posterPdf(unit, surveyLink(req, unit.code)),
    );
  });
  router.get('/:id/hasil.csv', async (req, res) => {
    const r = await unitResults(
      req.user!,
      idParam(req, 'serviceUnit'),
      parseQuery(periodQuery, req.query).periode,
      clock(),
    );
    sendDownload(res, 'text/csv; charset=utf-8', `ikm-${r.unit.code}-${r.period.key}.csv`, resultsCsv(r));
  });
  router.get('/:id/hasil.xlsx', async (req, res) => {
    const r = await unitResults(
      req.user!,
      idParam(req, 'serviceUnit'),
      parseQuery(periodQuery, req.query).periode,
      clock(),
    );
    const type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    sendDownload(res, type, `ikm-${r.unit.code}-${r.period.key}.xlsx`, await resultsXlsx(r));
  });
  router.get('/:id/laporan.pdf', async (req, res) => {
    const r = await unitResults(
      req.user!,
      idParam(req, 'serviceUnit'),
      parseQuery(periodQuery, req.query).periode,
      clock(),
    );
    const pdf = await resultsPdf(r, formatDateTimeWib(clock(), 'id'));
    sendDownload(res, 'application/pdf', `laporan-ikm-${r.unit.code}-${r.period.key}.pdf`, pdf);
  });

  router.get('/:id/masukan', async (req, res) => {
    const { status } = parseQuery(feedbackQuery, req.query);
    const list = await feedback.listFeedback(req.user!, idParam(req, 'serviceUnit'), status);
    res.render('evaluation/feedback-list', {
      title: req.t('evaluation.feedback.title', { unit: list.unit.name }),
      basePath: UNITS_PATH,
      ...list,
      status: status ?? '',
      statuses: FEEDBACK_STATUSES,
    });
  });
  router.get('/:id/masukan/:fid', async (req, res) => {
    await renderFeedback(req, res, 200, idParam(req, 'serviceUnit'), feedbackId(req.params.fid));
  });
  router.post('/:id/masukan/:fid', async (req, res) => {
    const [id, fid] = [idParam(req, 'serviceUnit'), feedbackId(req.params.fid)];
    const input = parseInput(feedbackForm, req.body);
    if (!input.ok) return renderFeedback(req, res, 422, id, fid, input.errors);
    await feedback.updateFeedback(req.user!, id, fid, input.data, clock(), requestContext(req));
    req.flash('success', req.t('evaluation.feedback.saved'));
    res.redirect(303, `${UNITS_PATH}/${id}/masukan`);
  });

  router.get('/:id/staf', async (req, res) => {
    await renderStaff(req, res, 200, idParam(req, 'serviceUnit'));
  });
  router.post('/:id/staf', async (req, res) => {
    const id = idParam(req, 'serviceUnit');
    const values = staffValues(formFields(req.body));
    const input = parseInput(staffForm, formFields(req.body));
    if (!input.ok) return renderStaff(req, res, 422, id, { values, fieldErrors: input.errors });
    await saveOrRerender(
      async () => {
        await saveStaff(req.user!, id, input.data, requestContext(req));
        req.flash('success', req.t('evaluation.staff.saved'));
        res.redirect(303, `${UNITS_PATH}/${id}/dampak`);
      },
      (status, fieldErrors) => renderStaff(req, res, status, id, { values, fieldErrors }),
    );
  });

  router.get('/:id/dampak', async (req, res) => {
    const { kursus } = courseChoice.parse(req.query);
    const chosen = kursus === undefined ? undefined : [kursus].flat();
    const impact = await unitImpact(req.user!, idParam(req, 'serviceUnit'), chosen, clock());
    res.render('evaluation/impact', {
      title: req.t('evaluation.impact.title', { unit: impact.unit.name }),
      basePath: UNITS_PATH,
      ...impact,
    });
  });
  return router;
}
