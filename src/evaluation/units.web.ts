// Rendering helpers of the service-unit pages: the unit form, the elements form and downloads.
import type { Request, Response } from 'express';
import type { RouteDeps } from '../core/deps';
import type { FieldErrors } from '../web/validation';
import { opdChoices } from './units.service';
import { MAX_ELEMENTS, type SurveyElement } from './survey-template';

export const UNITS_PATH = '/unit-layanan';

export async function renderUnitForm(
  req: Request,
  res: Response,
  status: number,
  form: { id?: string; values: Record<string, unknown>; fieldErrors?: FieldErrors },
) {
  const opds = await opdChoices(req.user!);
  res.status(status).render('evaluation/unit-form', {
    title: req.t(form.id ? 'evaluation.unitForm.editTitle' : 'evaluation.unitForm.newTitle'),
    basePath: UNITS_PATH,
    id: form.id,
    values: form.values,
    fieldErrors: form.fieldErrors ?? {},
    opdOptions: opds.map((o) => ({ value: String(o._id), label: o.name })),
  });
}

/** The elements form's values from stored elements, with one empty row to add an element. */
export function elementValues(elements: SurveyElement[]): Record<string, string> {
  const values: Record<string, string> = {};
  elements.forEach((e, n) => {
    values[`e${n}_key`] = e.key;
    values[`e${n}_name`] = e.name;
    values[`e${n}_question`] = e.question;
    e.options.forEach((o, i) => (values[`e${n}_o${i + 1}`] = o));
  });
  return values;
}

export function renderElementsForm(
  req: Request,
  res: Response,
  status: number,
  unit: { _id: unknown; name: string },
  values: Record<string, unknown>,
  fieldErrors: FieldErrors = {},
) {
  const used = Object.keys(values)
    .map((k) => /^e(\d+)_/.exec(k)?.[1])
    .filter(Boolean)
    .map(Number);
  const rows = Math.min(MAX_ELEMENTS + 1, Math.max(0, ...used.map((n) => n + 1)) + 1);
  res.status(status).render('evaluation/elements', {
    title: req.t('evaluation.elements.title', { unit: unit.name }),
    unit,
    basePath: `${UNITS_PATH}/${String(unit._id)}`,
    values,
    fieldErrors,
    rows,
  });
}

export function surveyLink(req: Request, code: string): string {
  const { config } = req.app.get('deps') as RouteDeps;
  return `${config.baseUrl}/ikm/${code}`;
}

export function sendDownload(res: Response, type: string, fileName: string, body: Buffer | string) {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.send(body);
}
