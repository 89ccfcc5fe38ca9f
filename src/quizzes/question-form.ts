// The author's question form: flat fields (rows a1…a10 of answers, u1…u3 of units) to a
// QuestionInput and back. Works without JavaScript: every row is a plain set of inputs; an empty
// row is ignored. Answer ids travel in hidden fields so an edit keeps them.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { QuestionInput } from './question-rules';
import { QUESTION_TYPES, type QuestionDataByType, type QuestionType } from './question-types';

export const ANSWER_ROWS = 10;
export const UNIT_ROWS = 3;

export const newId = () => crypto.randomBytes(6).toString('hex');
const ID = /^[0-9a-f]{12}$/;

const text = (max: number) => z.string().max(max).optional().default('');
const rowFields: Record<string, z.ZodType> = {};
for (let i = 1; i <= ANSWER_ROWS; i++) {
  for (const f of ['Id', 'Fraction', 'Value', 'Tolerance']) rowFields[`a${i}${f}`] = text(40);
  for (const f of ['Text', 'Feedback', 'Answer']) rowFields[`a${i}${f}`] = text(5000);
}
for (let i = 1; i <= UNIT_ROWS; i++) {
  rowFields[`u${i}Unit`] = text(30);
  rowFields[`u${i}Multiplier`] = text(40);
}

export const questionForm = z
  .object({
    type: z.enum(QUESTION_TYPES, 'quizzes.errors.type'),
    category: z.union([z.string().regex(/^[0-9a-f]{24}$/i, 'quizzes.errors.category'), z.literal('')]),
    name: z.string().trim().min(1).max(255),
    idnumber: text(100),
    text: z.string().trim().min(1).max(20_000),
    // eslint-disable-next-line security/detect-unsafe-regex -- anchored, every repetition bounded
    points: z.string().regex(/^\d{1,3}([.,]\d{1,2})?$/, 'quizzes.rules.points'),
    generalFeedback: text(10_000),
    hints: text(10_000),
    shuffleOptions: z.literal('on').optional(),
    correct: z.enum(['true', 'false']).optional(),
    feedbackTrue: text(5000),
    feedbackFalse: text(5000),
    caseSensitive: z.literal('on').optional(),
    accentSensitive: z.literal('on').optional(),
    unitHandling: z.enum(['optional', 'required']).optional().default('optional'),
    unitPenalty: text(10),
    minWords: z
      .string()
      .regex(/^\d{0,5}$/)
      .optional()
      .default(''),
    maxWords: z
      .string()
      .regex(/^\d{0,5}$/)
      .optional()
      .default(''),
    graderInfo: text(10_000),
    responseTemplate: text(10_000),
    ...rowFields,
  })
  .strict();
export type QuestionForm = z.infer<typeof questionForm>;

const num = (v: string | undefined) => {
  const s = String(v ?? '')
    .trim()
    .replace(',', '.');
  // eslint-disable-next-line security/detect-unsafe-regex -- anchored, every repetition bounded
  return s && /^[+-]?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
};
const percent = (v: string | undefined) => {
  const n = num(v);
  return Number.isNaN(n) ? 0 : Math.round(n * 1e5) / 1e7;
};

interface Row {
  id: string;
  text: string;
  fraction: number;
  feedback: string;
  value: string;
  tolerance: string;
  answer: string;
}

function rows(form: Record<string, unknown>): Row[] {
  const out: Row[] = [];
  for (let i = 1; i <= ANSWER_ROWS; i++) {
    const get = (f: string) => String(form[`a${i}${f}`] ?? '');
    const row = {
      id: ID.test(get('Id')) ? get('Id') : newId(),
      text: get('Text').trim(),
      fraction: percent(get('Fraction')),
      feedback: get('Feedback').trim(),
      value: get('Value').trim(),
      tolerance: get('Tolerance').trim(),
      answer: get('Answer').trim(),
    };
    if (row.text || row.value || row.answer) out.push(row);
  }
  return out;
}

function dataOf(form: QuestionForm): QuestionDataByType[QuestionType] {
  const r = rows(form);
  switch (form.type) {
    case 'single':
    case 'multiple':
      return {
        options: r.map((x) => ({ id: x.id, text: x.text, fraction: x.fraction, feedback: x.feedback })),
      };
    case 'truefalse':
      return {
        correct: form.correct === 'true',
        feedbackTrue: form.feedbackTrue,
        feedbackFalse: form.feedbackFalse,
      };
    case 'shortanswer':
      return {
        answers: r.map((x) => ({ id: x.id, text: x.text, fraction: x.fraction, feedback: x.feedback })),
        caseSensitive: form.caseSensitive === 'on',
        accentSensitive: form.accentSensitive === 'on',
      };
    case 'numerical': {
      const units = [];
      for (let i = 1; i <= UNIT_ROWS; i++) {
        const unit = String((form as Record<string, unknown>)[`u${i}Unit`] ?? '').trim();
        if (unit)
          units.push({
            unit,
            multiplier: num(String((form as Record<string, unknown>)[`u${i}Multiplier`] ?? '1')),
          });
      }
      return {
        answers: r.map((x) => ({
          id: x.id,
          value: x.value === '*' ? null : num(x.value),
          tolerance: x.tolerance ? num(x.tolerance) : 0,
          fraction: x.fraction,
          feedback: x.feedback,
        })),
        units,
        unitHandling: form.unitHandling,
        unitPenalty: percent(form.unitPenalty || '10'),
      };
    }
    case 'matching': {
      const choices: Array<{ id: string; text: string }> = [];
      const choiceFor = (answer: string) => {
        let c = choices.find((x) => x.text === answer);
        if (!c) choices.push((c = { id: newId(), text: answer }));
        return c.id;
      };
      const stems = r
        .filter((x) => x.text)
        .map((x) => ({ id: x.id, text: x.text, choiceId: choiceFor(x.answer) }));
      r.filter((x) => !x.text && x.answer).forEach((x) => choiceFor(x.answer));
      return { stems, choices: choices.filter((c) => c.text) };
    }
    case 'ordering':
      return { items: r.map((x) => ({ id: x.id, text: x.text })) };
    case 'essay':
      return {
        minWords: form.minWords ? Number(form.minWords) : null,
        maxWords: form.maxWords ? Number(form.maxWords) : null,
        graderInfo: form.graderInfo,
        responseTemplate: form.responseTemplate,
      };
  }
}

export function inputFromForm(form: QuestionForm): QuestionInput {
  return {
    type: form.type,
    name: form.name,
    idnumber: form.idnumber.trim(),
    text: form.text,
    points: num(form.points),
    generalFeedback: form.generalFeedback.trim(),
    hints: form.hints
      .split(/\r?\n/)
      .map((h) => h.trim())
      .filter(Boolean),
    shuffleOptions: form.shuffleOptions === 'on',
    data: dataOf(form),
  };
}

const pct = (f: number) => String(Math.round(f * 1e7) / 1e5);

/** A stored question as its form shows it. */
export function formValues(q: QuestionInput & { category?: unknown }): Record<string, string> {
  const v: Record<string, string> = {
    type: q.type,
    category: q.category ? String(q.category) : '',
    name: q.name,
    idnumber: q.idnumber ?? '',
    text: q.text,
    points: String(q.points),
    generalFeedback: q.generalFeedback ?? '',
    hints: (q.hints ?? []).join('\n'),
    shuffleOptions: q.shuffleOptions ? 'on' : '',
  };
  const put = (i: number, f: string, value: string) => (v[`a${i + 1}${f}`] = value);
  const d = q.data as never as Record<string, unknown>;
  switch (q.type) {
    case 'single':
    case 'multiple':
    case 'shortanswer':
      (
        (d.options ?? d.answers) as Array<{ id: string; text: string; fraction: number; feedback: string }>
      ).forEach((o, i) => {
        put(i, 'Id', o.id);
        put(i, 'Text', o.text);
        put(i, 'Fraction', pct(o.fraction));
        put(i, 'Feedback', o.feedback);
      });
      if (q.type === 'shortanswer') {
        v.caseSensitive = d.caseSensitive ? 'on' : '';
        v.accentSensitive = d.accentSensitive ? 'on' : '';
      }
      break;
    case 'truefalse':
      v.correct = d.correct ? 'true' : 'false';
      v.feedbackTrue = String(d.feedbackTrue ?? '');
      v.feedbackFalse = String(d.feedbackFalse ?? '');
      break;
    case 'numerical': {
      const n = q.data as QuestionDataByType['numerical'];
      n.answers.forEach((a, i) => {
        put(i, 'Id', a.id);
        put(i, 'Value', a.value === null ? '*' : String(a.value));
        put(i, 'Tolerance', String(a.tolerance));
        put(i, 'Fraction', pct(a.fraction));
        put(i, 'Feedback', a.feedback);
      });
      n.units.forEach((u, i) => {
        v[`u${i + 1}Unit`] = u.unit;
        v[`u${i + 1}Multiplier`] = String(u.multiplier);
      });
      v.unitHandling = n.unitHandling;
      v.unitPenalty = pct(n.unitPenalty);
      break;
    }
    case 'matching': {
      const m = q.data as QuestionDataByType['matching'];
      const text = new Map(m.choices.map((c) => [c.id, c.text]));
      m.stems.forEach((s, i) => {
        put(i, 'Id', s.id);
        put(i, 'Text', s.text);
        put(i, 'Answer', text.get(s.choiceId) ?? '');
      });
      const used = new Set(m.stems.map((s) => s.choiceId));
      m.choices.filter((c) => !used.has(c.id)).forEach((c, j) => put(m.stems.length + j, 'Answer', c.text));
      break;
    }
    case 'ordering':
      (q.data as QuestionDataByType['ordering']).items.forEach((item, i) => {
        put(i, 'Id', item.id);
        put(i, 'Text', item.text);
      });
      break;
    case 'essay': {
      const e = q.data as QuestionDataByType['essay'];
      v.minWords = e.minWords === null ? '' : String(e.minWords);
      v.maxWords = e.maxWords === null ? '' : String(e.maxWords);
      v.graderInfo = e.graderInfo;
      v.responseTemplate = e.responseTemplate;
      break;
    }
  }
  return v;
}
