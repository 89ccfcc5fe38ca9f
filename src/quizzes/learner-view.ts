// THE one place that decides what of a question reaches a learner during an attempt: one
// serialiser per type, each listing the fields it may show (text, option texts in the order this
// person was shown, word limits), never a fraction, a key, a feedback or the right order. A type
// without a serialiser throws: a new type shows nothing until someone writes its allow-list.
import type { QuestionDataByType, QuestionType } from './question-types';

export interface LearnerOption {
  id: string;
  text: string;
}

export interface LearnerQuestion {
  slot: number;
  type: QuestionType;
  text: string;
  points: number;
  options?: LearnerOption[];
  stems?: LearnerOption[];
  minWords?: number | null;
  maxWords?: number | null;
  responseTemplate?: string;
  response: unknown;
  flagged: boolean;
  isAnswered: boolean;
}

interface StoredQuestion {
  type: string;
  text: string;
  data: unknown;
}

interface StoredItem {
  points: number;
  order: string[];
  stemOrder: string[];
  response?: unknown;
  flagged?: boolean | null;
}

const inOrder = <T extends { id: string }>(all: T[], order: string[]): LearnerOption[] =>
  order
    .map((id) => all.find((x) => x.id === id))
    .filter((x): x is T => !!x)
    .map((x) => ({ id: x.id, text: (x as unknown as { text: string }).text }));

type Serialiser = (data: never, item: StoredItem) => Partial<LearnerQuestion>;

const SERIALISERS: Record<QuestionType, Serialiser> = {
  single: (d: QuestionDataByType['single'], item) => ({ options: inOrder(d.options, item.order) }),
  multiple: (d: QuestionDataByType['multiple'], item) => ({ options: inOrder(d.options, item.order) }),
  truefalse: () => ({
    options: [
      { id: 'true', text: '' },
      { id: 'false', text: '' },
    ],
  }),
  shortanswer: () => ({}),
  numerical: () => ({}),
  matching: (d: QuestionDataByType['matching'], item) => ({
    stems: inOrder(d.stems, item.stemOrder),
    options: inOrder(d.choices, item.order),
  }),
  ordering: (d: QuestionDataByType['ordering'], item) => ({ options: inOrder(d.items, item.order) }),
  essay: (d: QuestionDataByType['essay']) => ({
    minWords: d.minWords,
    maxWords: d.maxWords,
    responseTemplate: d.responseTemplate,
  }),
};

export function isAnswered(response: unknown): boolean {
  if (!response || typeof response !== 'object') return false;
  const r = response as Record<string, unknown>;
  if (typeof r.choice === 'string') return true;
  if (Array.isArray(r.choices)) return r.choices.length > 0;
  if (typeof r.value === 'boolean') return true;
  if (typeof r.text === 'string') return r.text.trim() !== '';
  if (r.pairs && typeof r.pairs === 'object') return Object.values(r.pairs).some(Boolean);
  if (Array.isArray(r.order)) return r.order.length > 0;
  return false;
}

/** What the learner may see of one question of their attempt (their own response included). */
export function learnerQuestion(slot: number, question: StoredQuestion, item: StoredItem): LearnerQuestion {
  const serialise = Object.prototype.hasOwnProperty.call(SERIALISERS, question.type)
    ? SERIALISERS[question.type as QuestionType]
    : undefined;
  if (!serialise) throw new Error(`no learner serialiser for question type ${question.type}`);
  return {
    ...serialise(question.data as never, item),
    slot,
    type: question.type as QuestionType,
    text: question.text,
    points: item.points,
    response: item.response ?? null,
    flagged: !!item.flagged,
    isAnswered: isAnswered(item.response),
  };
}
