// A posted page of answers (form post or autosave) to typed responses, checked against what the
// attempt showed: a slot that is not in the attempt, or an option, stem or item id that is not in
// its question, rejects the whole post (a forged request), never stores it.
import { z } from 'zod';
import { BadRequest } from '../web/errors';
import type { QuestionType } from './question-types';

/** Field names: q<slot>, q<slot>_<id>, flag<slot>, slots (the slots on the page), nav (where to go next). */
export const answersForm = z
  .record(
    // eslint-disable-next-line security/detect-unsafe-regex -- anchored, every repetition bounded
    z.string().regex(/^(q\d{1,3}(_[0-9a-z]{1,12})?|flag\d{1,3}|slots|nav|page)$/),
    z.union([z.string().max(20_000), z.array(z.string().max(200)).max(50)]),
  )
  .refine((r) => Object.keys(r).length <= 400);
export type AnswersForm = z.infer<typeof answersForm>;

interface ShownItem {
  type: QuestionType;
  order: string[];
  stemOrder: string[];
}

export interface PostedAnswer {
  index: number;
  response: unknown;
  flagged: boolean;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v);

function responseOf(slot: number, item: ShownItem, form: AnswersForm): unknown {
  const value = form[`q${slot}`];
  const forged = () => new BadRequest('quizzes.errors.forged');
  switch (item.type) {
    case 'single': {
      const choice = one(value);
      if (!choice) return null;
      if (!item.order.includes(choice)) throw forged();
      return { choice };
    }
    case 'truefalse': {
      const v = one(value);
      if (!v) return null;
      if (v !== 'true' && v !== 'false') throw forged();
      return { value: v === 'true' };
    }
    case 'multiple': {
      const choices = value === undefined ? [] : Array.isArray(value) ? value : [value];
      if (choices.some((c) => !item.order.includes(c))) throw forged();
      return choices.length ? { choices: [...new Set(choices)] } : null;
    }
    case 'shortanswer':
    case 'numerical':
    case 'essay': {
      const text = one(value) ?? '';
      if (item.type !== 'essay' && text.length > 500) throw forged();
      return text.trim() ? { text } : null;
    }
    case 'matching': {
      const pairs: Record<string, string> = {};
      for (const stem of item.stemOrder) {
        const choice = one(form[`q${slot}_${stem}`]);
        if (!choice) continue;
        if (!item.order.includes(choice)) throw forged();
        pairs[stem] = choice;
      }
      return Object.keys(pairs).length ? { pairs } : null;
    }
    case 'ordering': {
      const positions = item.order.map((id, shown) => {
        const raw = one(form[`q${slot}_${id}`]);
        const position = raw ? Number(raw) : NaN;
        if (raw && (!Number.isInteger(position) || position < 1 || position > item.order.length))
          throw forged();
        return { id, position: Number.isNaN(position) ? Infinity : position, shown };
      });
      if (positions.every((p) => p.position === Infinity)) return null;
      positions.sort((a, b) => a.position - b.position || a.shown - b.shown);
      return { order: positions.map((p) => p.id) };
    }
    default:
      throw forged();
  }
}

/** The answers of the slots a page carried; unknown slots or ids throw BadRequest. */
export function postedAnswers(form: AnswersForm, items: ShownItem[]): PostedAnswer[] {
  const slots = String(one(form.slots) ?? '')
    .split(',')
    .filter(Boolean)
    .map(Number);
  for (const key of Object.keys(form)) {
    const m = /^(?:q|flag)(\d+)/.exec(key);
    if (m && !slots.includes(Number(m[1]))) throw new BadRequest('quizzes.errors.forged');
  }
  return slots.map((slot) => {
    if (!Number.isInteger(slot) || slot < 1 || slot > items.length)
      throw new BadRequest('quizzes.errors.forged');
    const item = items[slot - 1];
    return {
      index: slot - 1,
      response: responseOf(slot, item, form),
      flagged: one(form[`flag${slot}`]) === 'on',
    };
  });
}
