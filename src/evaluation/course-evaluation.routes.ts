// Course evaluation pages: a person's own evaluations (/evaluasi: "Evaluasi kursus", the invited
// person answers once), and for curators, admins and the partner's authors the aggregated results
// per course and partner (/evaluasi-kursus) and, for curators, the template of items.
import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireAuth, requireRole } from '../auth';
import { registerNavItem } from '../web/navigation';
import { requestContext } from '../web/request-context';
import { formFields, idParam, parseInput, parseQuery, type FieldErrors } from '../web/validation';
import { courseEvaluationForm, courseResultsQuery, parseItemsForm } from './evaluation.schemas';
import * as evaluations from './course-evaluation.service';
import { periodOrCurrent } from './results.service';
import { periodsOfYear } from './ikm';

export const OWN_PATH = '/evaluasi';
export const RESULTS_PATH = '/evaluasi-kursus';

async function renderAnswerForm(
  req: Request,
  res: Response,
  id: string,
  status: number,
  values: Record<string, unknown> = {},
  fieldErrors: FieldErrors = {},
) {
  const evaluation = await evaluations.ownEvaluation(req.user!, id);
  res.status(status).render('evaluation/course-evaluation', {
    title: req.t('evaluation.course.answerTitle', { course: evaluation.courseTitle }),
    evaluation,
    action: `${OWN_PATH}/${id}`,
    values,
    fieldErrors,
  });
}

function itemValues(
  items: Array<{ key: string; text: string }>,
  commentPrompt: string,
): Record<string, string> {
  const values: Record<string, string> = { commentPrompt };
  items.forEach((item, n) => {
    values[`i${n}_key`] = item.key;
    values[`i${n}_text`] = item.text;
  });
  return values;
}

function renderTemplateForm(
  req: Request,
  res: Response,
  status: number,
  values: Record<string, unknown>,
  fieldErrors: FieldErrors = {},
) {
  const used = Object.keys(values).map((k) => Number(/^i(\d+)_/.exec(k)?.[1] ?? -1));
  res.status(status).render('evaluation/course-template', {
    title: req.t('evaluation.courseTemplate.title'),
    action: `${RESULTS_PATH}/instrumen`,
    values,
    fieldErrors,
    rows: Math.min(21, Math.max(0, ...used) + 2),
  });
}

export function courseEvaluationRouter({ clock }: RouteDeps): Router {
  registerNavItem({ href: OWN_PATH, labelKey: 'evaluation.nav.own', roles: ['learner'], order: 30 });
  registerNavItem({
    href: RESULTS_PATH,
    labelKey: 'evaluation.nav.courseResults',
    roles: ['curator', 'admin', 'author'],
    order: 56,
  });
  const router = Router();

  router.get(OWN_PATH, requireAuth, async (req, res) => {
    res.render('evaluation/own', {
      title: req.t('evaluation.course.ownTitle'),
      evaluations: await evaluations.mine(req.user!),
      basePath: OWN_PATH,
    });
  });
  router.get(`${OWN_PATH}/:id`, requireAuth, (req, res) =>
    renderAnswerForm(req, res, idParam(req, 'courseEvaluation'), 200),
  );
  router.post(`${OWN_PATH}/:id`, requireAuth, async (req, res) => {
    const id = idParam(req, 'courseEvaluation');
    const evaluation = await evaluations.ownEvaluation(req.user!, id);
    const values = formFields(req.body);
    const input = parseInput(courseEvaluationForm(evaluation.items), values);
    if (!input.ok) return renderAnswerForm(req, res, id, 422, values, input.errors);
    await evaluations.answer(
      req.user!,
      id,
      input.data as Record<string, unknown> & { comment: string },
      clock(),
    );
    req.flash('success', req.t('evaluation.course.thanks'));
    res.redirect(303, OWN_PATH);
  });

  router.get(RESULTS_PATH, requireRole('curator', 'admin', 'author'), async (req, res) => {
    const query = parseQuery(courseResultsQuery, req.query);
    const period = periodOrCurrent(query.periode, clock());
    const filter = { course: query.kursus, partner: query.mitra };
    res.render('evaluation/course-results', {
      title: req.t('evaluation.courseResults.title'),
      basePath: RESULTS_PATH,
      period,
      periods: [...periodsOfYear(period.year), ...periodsOfYear(period.year - 1)],
      results: await evaluations.results(req.user!, period, filter),
      minimum: evaluations.MIN_ANSWERS,
      canEdit: evaluations.canEditTemplate(req.user!),
    });
  });
  router.get(`${RESULTS_PATH}/instrumen`, requireRole('curator'), async (req, res) => {
    const current = await evaluations.template();
    renderTemplateForm(req, res, 200, itemValues(current.items, current.commentPrompt));
  });
  router.post(`${RESULTS_PATH}/instrumen`, requireRole('curator'), async (req, res) => {
    const values = formFields(req.body);
    const input = parseItemsForm(values);
    if (!input.ok) return renderTemplateForm(req, res, 422, values, input.errors);
    await evaluations.saveTemplate(req.user!, input.data, requestContext(req));
    req.flash('success', req.t('evaluation.courseTemplate.saved'));
    res.redirect(303, RESULTS_PATH);
  });
  return router;
}
