// What makes a question version valid, whichever way it arrives (the author's form, a spreadsheet,
// Moodle XML, GIFT): one function, so an import can never store what the form would refuse.
// Errors are message keys by field, as the forms show them.
import type { FieldErrors } from '../web/validation';
import type { QuestionDataByType, QuestionType } from './question-types';

/** A question as the bank stores it, before it has an id or a version. */
export interface QuestionInput<T extends QuestionType = QuestionType> {
  type: T;
  name: string;
  idnumber: string;
  text: string;
  points: number;
  generalFeedback: string;
  hints: string[];
  shuffleOptions: boolean;
  data: QuestionDataByType[T];
}

const near = (a: number, b: number) => Math.abs(a - b) < 0.001;
const isFraction = (f: number) => Number.isFinite(f) && f >= -1 && f <= 1;

function choiceErrors(data: QuestionDataByType['single'], multiple: boolean): string | undefined {
  const options = data.options;
  if (options.length < 2) return 'quizzes.rules.twoOptions';
  if (options.some((o) => !o.text.trim())) return 'quizzes.rules.optionText';
  if (options.some((o) => !isFraction(o.fraction))) return 'quizzes.rules.fractionRange';
  if (!multiple) return options.some((o) => near(o.fraction, 1)) ? undefined : 'quizzes.rules.oneFull';
  const positive = options.filter((o) => o.fraction > 0).reduce((s, o) => s + o.fraction, 0);
  return near(positive, 1) ? undefined : 'quizzes.rules.positiveSum';
}

function dataError(type: QuestionType, data: unknown): string | undefined {
  switch (type) {
    case 'single':
      return choiceErrors(data as QuestionDataByType['single'], false);
    case 'multiple':
      return choiceErrors(data as QuestionDataByType['multiple'], true);
    case 'truefalse':
      return typeof (data as QuestionDataByType['truefalse']).correct === 'boolean'
        ? undefined
        : 'quizzes.rules.trueFalse';
    case 'shortanswer': {
      const d = data as QuestionDataByType['shortanswer'];
      if (d.answers.length === 0 || d.answers.some((a) => !a.text.trim())) return 'quizzes.rules.answers';
      if (d.answers.some((a) => !isFraction(a.fraction) || a.fraction < 0))
        return 'quizzes.rules.fractionRange';
      return d.answers.some((a) => near(a.fraction, 1)) ? undefined : 'quizzes.rules.oneFull';
    }
    case 'numerical': {
      const d = data as QuestionDataByType['numerical'];
      if (d.answers.length === 0) return 'quizzes.rules.answers';
      if (d.answers.some((a) => (a.value !== null && !Number.isFinite(a.value)) || !(a.tolerance >= 0)))
        return 'quizzes.rules.numbers';
      if (d.answers.some((a) => !isFraction(a.fraction) || a.fraction < 0))
        return 'quizzes.rules.fractionRange';
      if (d.units.some((u) => !u.unit.trim() || !(u.multiplier > 0))) return 'quizzes.rules.units';
      if (d.units.length && !near(d.units[0].multiplier, 1)) return 'quizzes.rules.firstUnit';
      return d.answers.some((a) => near(a.fraction, 1)) ? undefined : 'quizzes.rules.oneFull';
    }
    case 'matching': {
      const d = data as QuestionDataByType['matching'];
      if (d.stems.length < 2) return 'quizzes.rules.twoStems';
      if (d.choices.length < 2 || d.choices.some((c) => !c.text.trim())) return 'quizzes.rules.answers';
      const ids = new Set(d.choices.map((c) => c.id));
      return d.stems.every((s) => s.text.trim() && ids.has(s.choiceId)) ? undefined : 'quizzes.rules.answers';
    }
    case 'ordering': {
      const d = data as QuestionDataByType['ordering'];
      if (d.items.length < 2) return 'quizzes.rules.twoItems';
      return d.items.every((i) => i.text.trim()) ? undefined : 'quizzes.rules.answers';
    }
    case 'essay': {
      const d = data as QuestionDataByType['essay'];
      if (d.minWords !== null && d.maxWords !== null && d.minWords > d.maxWords)
        return 'quizzes.rules.wordLimits';
      return undefined;
    }
    default:
      return 'quizzes.rules.unknownType';
  }
}

/** The problems of a question, by field; empty when it may be stored. */
export function questionErrors(input: QuestionInput): FieldErrors {
  const errors: FieldErrors = {};
  if (!input.name.trim()) errors.name = 'common.validation.required';
  if (input.name.length > 255) errors.name = 'common.validation.tooLong';
  if (!input.text.trim()) errors.text = 'common.validation.required';
  if (input.text.length > 20_000) errors.text = 'common.validation.tooLong';
  if (!(input.points >= 0 && input.points <= 100)) errors.points = 'quizzes.rules.points';
  const problem = dataError(input.type, input.data);
  if (problem) errors.answers = problem;
  return errors;
}
