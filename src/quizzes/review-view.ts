// What the review of a finished attempt shows, as the quiz's review policy allows at this moment:
// marks, whether each answer was right, the feedback, the right answer. Nothing the policy does not
// allow is put in the view model, so a view cannot show it by mistake.
import type { QuestionDataByType, QuestionType } from './question-types';
import type { ReviewItem } from './quiz.model';

export interface ReviewedQuestion {
  marks?: number | null;
  state?: string;
  feedback?: string[];
  generalFeedback?: string;
  rightAnswer?: string[];
  comment?: string;
}

interface Stored {
  type: string;
  data: unknown;
  generalFeedback?: string | null;
}

interface Item {
  points: number;
  fraction?: number | null;
  state?: string | null;
  feedbackIds?: string[];
  comment?: string | null;
}

function feedbackOf(q: Stored, ids: string[]): string[] {
  const d = q.data as Record<string, unknown>;
  if (q.type === 'truefalse') {
    const tf = q.data as QuestionDataByType['truefalse'];
    return ids.map((id) => (id === 'true' ? tf.feedbackTrue : tf.feedbackFalse)).filter(Boolean);
  }
  const list = (d.options ?? d.answers ?? []) as Array<{ id: string; feedback?: string }>;
  return list.filter((o) => ids.includes(o.id) && o.feedback).map((o) => o.feedback!);
}

function fmt(n: number) {
  return String(Math.round(n * 1e6) / 1e6);
}

/** The right answer in words, per type. */
export function rightAnswerOf(
  type: QuestionType,
  data: unknown,
  labels: { true: string; false: string },
): string[] {
  switch (type) {
    case 'single':
    case 'multiple':
      return (data as QuestionDataByType['single']).options.filter((o) => o.fraction > 0).map((o) => o.text);
    case 'truefalse':
      return [(data as QuestionDataByType['truefalse']).correct ? labels.true : labels.false];
    case 'shortanswer':
      return (data as QuestionDataByType['shortanswer']).answers
        .filter((a) => a.fraction >= 0.9999)
        .map((a) => a.text);
    case 'numerical': {
      const d = data as QuestionDataByType['numerical'];
      const unit = d.units[0]?.unit ? ` ${d.units[0].unit}` : '';
      return d.answers
        .filter((a) => a.fraction >= 0.9999 && a.value !== null)
        .map((a) => `${fmt(a.value!)}${a.tolerance ? ` ± ${fmt(a.tolerance)}` : ''}${unit}`);
    }
    case 'matching': {
      const d = data as QuestionDataByType['matching'];
      const text = new Map(d.choices.map((c) => [c.id, c.text]));
      return d.stems.map((s) => `${s.text} → ${text.get(s.choiceId) ?? ''}`);
    }
    case 'ordering':
      return (data as QuestionDataByType['ordering']).items.map((i, n) => `${n + 1}. ${i.text}`);
    case 'essay':
      return [];
  }
}

export function reviewOf(
  question: Stored,
  item: Item,
  allowed: ReadonlySet<ReviewItem>,
  labels: { true: string; false: string },
): ReviewedQuestion {
  const out: ReviewedQuestion = {};
  if (allowed.has('marks'))
    out.marks =
      item.fraction === null || item.fraction === undefined
        ? null
        : Math.round(item.fraction * item.points * 100) / 100;
  if (allowed.has('correctness')) out.state = item.state ?? 'unanswered';
  if (allowed.has('feedback')) {
    out.feedback = feedbackOf(question, item.feedbackIds ?? []);
    out.generalFeedback = question.generalFeedback ?? '';
    out.comment = item.comment ?? '';
  }
  if (allowed.has('rightAnswer'))
    out.rightAnswer = rightAnswerOf(question.type as QuestionType, question.data, labels);
  return out;
}
