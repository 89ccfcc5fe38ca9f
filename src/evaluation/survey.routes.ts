// The citizens' satisfaction survey of a service unit, public and phone-first: /ikm/<code> (the
// target of the poster's QR code) and its thank-you page. No sign-in and no session document: the
// CSRF token lives in the signed cookie every anonymous form uses (src/web/csrf.ts). Posts are
// limited per address and per unit; a filled honeypot is thanked and dropped.
import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../core/deps';
import { securityEvent } from '../web/logging';
import { formFields, parseInput, type FieldErrors } from '../web/validation';
import { surveyForm, type SurveyInput } from './evaluation.schemas';
import { isHoneypotFilled, recordResponse, withinLimits } from './survey.service';
import { publicUnit, type PublicUnit } from './units.service';
import { AGE_BANDS, EDUCATIONS, FEEDBACK_KINDS, OCCUPATIONS, SEXES } from './survey-template';

export const SURVEY_PATH = '/ikm';

const codeOf = (req: Request) => String(req.params.unit ?? '').toLowerCase();

function renderSurvey(
  req: Request,
  res: Response,
  unit: PublicUnit,
  status: number,
  form: { values?: Record<string, unknown>; fieldErrors?: FieldErrors; error?: string } = {},
) {
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.status(status).render('evaluation/survey', {
    title: req.t('evaluation.survey.title', { unit: unit.name }),
    unit,
    action: `${SURVEY_PATH}/${unit.code}`,
    values: form.values ?? {},
    fieldErrors: form.fieldErrors ?? {},
    error: form.error,
    choices: {
      ageBand: AGE_BANDS,
      sex: SEXES,
      education: EDUCATIONS,
      occupation: OCCUPATIONS,
      feedbackKind: FEEDBACK_KINDS,
    },
  });
}

export function surveyRouter({ config, clock }: RouteDeps): Router {
  const router = Router();

  router.get(`${SURVEY_PATH}/:unit`, async (req, res) => {
    renderSurvey(req, res, await publicUnit(codeOf(req)), 200);
  });

  router.post(`${SURVEY_PATH}/:unit`, async (req, res) => {
    const unit = await publicUnit(codeOf(req));
    const values = formFields(req.body);
    if (!(await withinLimits(unit._id, req.ip ?? 'unknown', config.survey, clock()))) {
      securityEvent(req, 'survey.rateLimited');
      return renderSurvey(req, res, unit, 429, { values, error: 'evaluation.survey.tooMany' });
    }
    const input = parseInput(surveyForm(unit.elements), values);
    if (!input.ok) return renderSurvey(req, res, unit, 422, { values, fieldErrors: input.errors });
    if (isHoneypotFilled(input.data)) securityEvent(req, 'survey.honeypot', {}, 'info');
    else await recordResponse(unit, input.data as SurveyInput, clock());
    res.redirect(303, `${SURVEY_PATH}/${unit.code}/terima-kasih`);
  });

  router.get(`${SURVEY_PATH}/:unit/terima-kasih`, async (req, res) => {
    const unit = await publicUnit(codeOf(req));
    res.render('evaluation/thanks', {
      title: req.t('evaluation.thanks.title'),
      unit,
      surveyHref: `${SURVEY_PATH}/${unit.code}`,
    });
  });

  return router;
}
