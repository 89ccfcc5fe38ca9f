// zod schemas of the evaluation forms: service units, their survey elements, the public survey
// (built per unit from its elements), suggestions' status, the course-evaluation template and answers.
import { z } from 'zod';
import { hasControlCharacters } from '../web/validation';
import { isCalendarDay } from '../core/wib';
import { HOLIDAY_KINDS } from './holiday.model';
import { LAPOR_TIERS, FEEDBACK_STATUSES } from './feedback.model';
import {
  AGE_BANDS,
  EDUCATIONS,
  FEEDBACK_KINDS,
  MAX_ELEMENTS,
  OCCUPATIONS,
  SEXES,
  type SurveyElement,
} from './survey-template';

/** One line of text: trimmed, without control characters. */
const line = (min: number, max: number, key: string) =>
  z
    .string()
    .trim()
    .min(min, key)
    .max(max, 'common.validation.tooLong')
    .refine((v) => !hasControlCharacters(v), 'common.validation.controlCharacters');

/** A paragraph a person types: line breaks and tabs allowed, other control characters not. */
const paragraph = (max: number) =>
  z
    .string()
    .max(max, 'common.validation.tooLong')
    .transform((v) => v.replace(/\r\n?/g, '\n').trim())
    .refine(
      (v) => !/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/.test(v),
      'common.validation.controlCharacters',
    );

export const unitForm = z
  .object({
    name: line(3, 200, 'evaluation.errors.unitName'),
    opd: z.string().regex(/^[0-9a-f]{24}$/i, 'evaluation.errors.opd'),
    monthlyVolume: z.coerce
      .number('evaluation.errors.volume')
      .int('evaluation.errors.volume')
      .min(0, 'evaluation.errors.volume')
      .max(10_000_000, 'evaluation.errors.volume'),
    active: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => v !== 'false'),
  })
  .strict();
export type UnitInput = z.infer<typeof unitForm>;

/** A national holiday or day of cuti bersama, as an admin enters it. */
export const holidayForm = z
  .object({
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'evaluation.errors.holidayDate')
      .refine((d) => isCalendarDay(d), 'evaluation.errors.holidayDate'),
    name: line(3, 120, 'evaluation.errors.holidayName'),
    kind: z.enum(HOLIDAY_KINDS, 'evaluation.errors.holidayKind'),
  })
  .strict();
export type HolidayInput = z.infer<typeof holidayForm>;

export const holidayQuery = z
  .object({ tahun: z.coerce.number().int().min(2000).max(2999).optional() })
  .catch({});

/** A unit's staff: the ticked people (ids) and whether the unit kerja match counts too. */
export const staffForm = z
  .object({
    staff: z
      .union([z.string(), z.array(z.string()).max(5000)])
      .optional()
      .transform((v) => [...new Set(v === undefined ? [] : [v].flat())])
      .pipe(z.array(z.string().regex(/^[0-9a-f]{24}$/i, 'evaluation.errors.staff'))),
    matchUnitKerja: z
      .literal('on')
      .optional()
      .transform((v) => v === 'on'),
  })
  .strict();
export type StaffInput = z.infer<typeof staffForm>;

export interface ElementsInput {
  elements: Array<{ key?: string; name: string; question: string; options: SurveyElement['options'] }>;
}

const ELEMENT_FIELD = /^e(\d{1,2})_(key|name|question|o[1-4])$/;
const elementFields = z.record(z.string().regex(ELEMENT_FIELD), z.string().max(400));

/**
 * The elements form: rows `e<n>_name`, `e<n>_question`, `e<n>_o1`..`o4` (and the kept `e<n>_key`).
 * An empty row is dropped (that is how an element is removed); a row with a name needs its question
 * and four answers; at least one element, at most MAX_ELEMENTS.
 */
export function parseElementsForm(
  values: Record<string, unknown>,
): { ok: true; data: ElementsInput } | { ok: false; errors: Record<string, string> } {
  const parsed = elementFields.safeParse(values);
  if (!parsed.success) return { ok: false, errors: { _form: 'common.validation.unexpectedField' } };
  const rows = new Map<number, Record<string, string>>();
  for (const [field, value] of Object.entries(parsed.data)) {
    const [, n, part] = ELEMENT_FIELD.exec(field)!;
    const row = rows.get(Number(n)) ?? {};
    row[part] = value.trim();
    rows.set(Number(n), row);
  }
  const errors: Record<string, string> = {};
  const elements: ElementsInput['elements'] = [];
  for (const [n, row] of [...rows.entries()].sort((a, b) => a[0] - b[0])) {
    const texts = ['name', 'question', 'o1', 'o2', 'o3', 'o4'].map((p) => row[p] ?? '');
    if (texts.every((t) => t === '')) continue;
    const limits: Record<string, number> = { name: 120, question: 300 };
    for (const part of ['name', 'question', 'o1', 'o2', 'o3', 'o4']) {
      const text = row[part] ?? '';
      if (text === '') errors[`e${n}_${part}`] = 'common.validation.required';
      else if (text.length > (limits[part] ?? 80)) errors[`e${n}_${part}`] = 'common.validation.tooLong';
      else if (hasControlCharacters(text)) errors[`e${n}_${part}`] = 'common.validation.controlCharacters';
    }
    elements.push({
      key: /^u\d{1,3}$/.test(row.key ?? '') ? row.key : undefined,
      name: texts[0],
      question: texts[1],
      options: [texts[2], texts[3], texts[4], texts[5]],
    });
  }
  if (elements.length === 0) errors._form = 'evaluation.errors.noElements';
  if (elements.length > MAX_ELEMENTS) errors._form = 'evaluation.errors.tooManyElements';
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, data: { elements } };
}

const optionalChoice = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.enum(values), z.literal('')])
    .optional()
    .transform((v) => (v ? v : undefined));

/** The public survey of one unit: a 1–4 answer per element, the optional profile, a suggestion, the honeypot. */
export function surveyForm(elements: Pick<SurveyElement, 'key'>[]) {
  const scores = Object.fromEntries(
    elements.map((e) => [e.key, z.enum(['1', '2', '3', '4'], 'evaluation.errors.answer').transform(Number)]),
  );
  return z
    .object({
      ...scores,
      ageBand: optionalChoice(AGE_BANDS),
      sex: optionalChoice(SEXES),
      education: optionalChoice(EDUCATIONS),
      occupation: optionalChoice(OCCUPATIONS),
      feedbackKind: optionalChoice(FEEDBACK_KINDS),
      feedback: paragraph(2000).optional(),
      wantsReply: z.literal('ya').optional(),
      contactName: z.string().max(120, 'common.validation.tooLong').optional(),
      contactReach: z.string().max(120, 'common.validation.tooLong').optional(),
      /** The honeypot: hidden from people, filled by bots. */
      website: z.string().max(500).optional(),
    })
    .strict()
    .superRefine((data, ctx) => {
      if (data.wantsReply && !data.feedback)
        ctx.addIssue({ code: 'custom', path: ['feedback'], message: 'evaluation.errors.feedbackForReply' });
      if (data.wantsReply && !data.contactReach?.trim())
        ctx.addIssue({ code: 'custom', path: ['contactReach'], message: 'evaluation.errors.contactReach' });
      for (const f of ['contactName', 'contactReach'] as const)
        if (data[f] && hasControlCharacters(data[f]))
          ctx.addIssue({ code: 'custom', path: [f], message: 'common.validation.controlCharacters' });
    });
}
export type SurveyInput = z.infer<ReturnType<typeof surveyForm>> & Record<string, unknown>;

export const feedbackForm = z
  .object({
    status: z.enum(FEEDBACK_STATUSES, 'evaluation.errors.status'),
    tier: z
      .union([z.enum(LAPOR_TIERS.map(String) as [string, ...string[]]), z.literal('')])
      .transform((v) => (v ? Number(v) : null)),
    note: paragraph(2000).optional().default(''),
  })
  .strict();
export type FeedbackInput = z.infer<typeof feedbackForm>;

export const feedbackQuery = z
  .object({
    status: z.enum(FEEDBACK_STATUSES).optional().catch(undefined),
  })
  .strict()
  .catch({});

export const periodQuery = z
  .object({ periode: z.string().max(10).optional().catch(undefined) })
  .strict()
  .catch({});

// Course evaluation (Kirkpatrick level 1): Likert items 1–5 and a comment.
const ITEM_FIELD = /^i(\d{1,2})_(key|text)$/;
export const MAX_ITEMS = 20;

export function parseItemsForm(
  values: Record<string, unknown>,
):
  | { ok: true; data: { items: Array<{ key?: string; text: string }>; commentPrompt: string } }
  | { ok: false; errors: Record<string, string> } {
  const { commentPrompt, ...rest } = values;
  const parsed = z.record(z.string().regex(ITEM_FIELD), z.string().max(400)).safeParse(rest);
  const prompt = typeof commentPrompt === 'string' ? commentPrompt.trim() : '';
  if (!parsed.success) return { ok: false, errors: { _form: 'common.validation.unexpectedField' } };
  const rows = new Map<number, Record<string, string>>();
  for (const [field, value] of Object.entries(parsed.data)) {
    const [, n, part] = ITEM_FIELD.exec(field)!;
    rows.set(Number(n), { ...rows.get(Number(n)), [part]: value.trim() });
  }
  const errors: Record<string, string> = {};
  const items: Array<{ key?: string; text: string }> = [];
  for (const [n, row] of [...rows.entries()].sort((a, b) => a[0] - b[0])) {
    if (!row.text) continue;
    if (row.text.length > 300) errors[`i${n}_text`] = 'common.validation.tooLong';
    else if (hasControlCharacters(row.text)) errors[`i${n}_text`] = 'common.validation.controlCharacters';
    items.push({ key: /^k\d{1,3}$/.test(row.key ?? '') ? row.key : undefined, text: row.text });
  }
  if (prompt.length < 3 || prompt.length > 300) errors.commentPrompt = 'evaluation.errors.commentPrompt';
  if (items.length === 0) errors._form = 'evaluation.errors.noItems';
  if (items.length > MAX_ITEMS) errors._form = 'evaluation.errors.tooManyItems';
  return Object.keys(errors).length
    ? { ok: false, errors }
    : { ok: true, data: { items, commentPrompt: prompt } };
}

export function courseEvaluationForm(items: Array<{ key: string }>) {
  const scores = Object.fromEntries(
    items.map((i) => [
      i.key,
      z.enum(['1', '2', '3', '4', '5'], 'evaluation.errors.answer').transform(Number),
    ]),
  );
  return z.object({ ...scores, comment: paragraph(2000).optional().default('') }).strict();
}

export const courseResultsQuery = z
  .object({
    periode: z.string().max(10).optional().catch(undefined),
    kursus: z
      .string()
      .regex(/^[0-9a-f]{24}$/i)
      .optional()
      .catch(undefined),
    mitra: z
      .string()
      .regex(/^[0-9a-f]{24}$/i)
      .optional()
      .catch(undefined),
  })
  .strict()
  .catch({});
