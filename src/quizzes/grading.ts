// The grading engine: pure functions from a question version and a response to a grade. No
// database, no clock: every rule of partial credit, negative marks, text matching and tolerances
// is here and unit tested (test/unit/quiz-grading.test.ts).
import type {
  AnyResponse,
  Grade,
  GradableQuestion,
  GradeState,
  NumericalAnswer,
  QuestionDataByType,
  ResponseByType,
  ShortAnswer,
} from './question-types';

const EPSILON = 1e-7;

/** Clamps a fraction to 0..1 and rounds away floating-point dust (1/3 + 1/3 + 1/3 is 1). */
export function clampFraction(value: number): number {
  const rounded = Math.round(value * 1e7) / 1e7;
  return Math.min(1, Math.max(0, rounded));
}

function stateOf(fraction: number): GradeState {
  if (fraction >= 1 - EPSILON) return 'correct';
  return fraction > EPSILON ? 'partial' : 'wrong';
}

const graded = (fraction: number, feedbackIds: string[] = []): Grade => {
  const f = clampFraction(fraction);
  return { fraction: f, state: stateOf(f), feedbackIds };
};
const UNANSWERED: Grade = { fraction: 0, state: 'unanswered', feedbackIds: [] };

/** Collapses runs of white space and trims: "  Pusat   Layanan " is "Pusat Layanan". */
export function normaliseSpaces(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** Removes accents: "Pelayanan Publik Terpadu Satu Pintú" reads as "…Pintu". */
export function stripAccents(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC');
}

/** Whether a response matches an accepted short answer (Moodle's rules, plus the accent choice). */
export function matchesShortAnswer(
  response: string,
  accepted: string,
  options: { caseSensitive: boolean; accentSensitive: boolean },
): boolean {
  let r = normaliseSpaces(response);
  let a = normaliseSpaces(accepted);
  if (!options.accentSensitive) {
    r = stripAccents(r);
    a = stripAccents(a);
  }
  // `\*` is a literal asterisk; every other `*` is a wildcard; everything else matches itself.
  const pattern = a
    .split(/(\\\*|\*)/)
    .map((part) => {
      if (part === '\\*') return '\\*';
      if (part === '*') return '.*';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  // eslint-disable-next-line security/detect-non-literal-regexp -- every character of the answer is escaped above
  return new RegExp(`^${pattern}$`, options.caseSensitive ? 'su' : 'isu').test(r);
}

function gradeShortAnswer(data: QuestionDataByType['shortanswer'], response: ResponseByType['shortanswer']) {
  if (!normaliseSpaces(response.text ?? '')) return UNANSWERED;
  const match: ShortAnswer | undefined = data.answers.find((a) =>
    matchesShortAnswer(response.text, a.text, data),
  );
  return match ? graded(match.fraction, [match.id]) : graded(0);
}

/**
 * A number as a learner types it: optional sign, digits, one decimal separator (a point or the
 * Indonesian comma), optional exponent; nothing else (no thousands separators, no expressions).
 */
const NUMBER =
  // eslint-disable-next-line security/detect-unsafe-regex -- anchored, every repetition bounded
  /^([+-]?(?:\d{1,30}(?:[.,]\d{1,30})?|[.,]\d{1,30})(?:[eE][+-]?\d{1,3})?)(?:\s*([^\d\s.,+\-/*^].{0,29}))?$/u;

export function parseNumberWithUnit(text: string): { value: number; unit: string } | undefined {
  const match = NUMBER.exec(normaliseSpaces(text ?? ''));
  if (!match) return undefined;
  const value = Number(match[1].replace(',', '.'));
  if (!Number.isFinite(value)) return undefined;
  return { value, unit: (match[2] ?? '').trim() };
}

function withinTolerance(value: number, answer: NumericalAnswer): boolean {
  if (answer.value === null) return true;
  const allowed = Math.abs(answer.tolerance) + Math.abs(answer.value) * 1e-12 + 1e-12;
  return Math.abs(value - answer.value) <= allowed;
}

function gradeNumerical(data: QuestionDataByType['numerical'], response: ResponseByType['numerical']) {
  if (!normaliseSpaces(response.text ?? '')) return UNANSWERED;
  const parsed = parseNumberWithUnit(response.text);
  if (!parsed) return graded(0);
  let value = parsed.value;
  let penalty = 0;
  if (parsed.unit) {
    const unit = data.units.find(
      (u) => u.unit === parsed.unit || u.unit.toLowerCase() === parsed.unit.toLowerCase(),
    );
    if (unit) value = parsed.value / unit.multiplier;
    else if (data.unitHandling === 'required') penalty = data.unitPenalty;
    else return graded(0); // an unknown unit is a different quantity, not a typo to forgive
  } else if (data.unitHandling === 'required' && data.units.length > 0) penalty = data.unitPenalty;
  const match = data.answers.find((a) => withinTolerance(value, a));
  if (!match) return graded(0);
  return graded(Math.max(0, match.fraction - penalty), [match.id]);
}

function gradeMultiple(data: QuestionDataByType['multiple'], response: ResponseByType['multiple']) {
  const picked = [...new Set(response.choices ?? [])];
  if (picked.length === 0) return UNANSWERED;
  const chosen = data.options.filter((o) => picked.includes(o.id));
  const sum = chosen.reduce((total, o) => total + o.fraction, 0);
  return graded(
    sum,
    chosen.map((o) => o.id),
  );
}

function gradeMatching(data: QuestionDataByType['matching'], response: ResponseByType['matching']) {
  const pairs = response.pairs ?? {};
  const answered = data.stems.filter((s) => typeof pairs[s.id] === 'string' && pairs[s.id] !== '');
  if (answered.length === 0) return UNANSWERED;
  const right = data.stems.filter((s) => pairs[s.id] === s.choiceId).length;
  return graded(data.stems.length ? right / data.stems.length : 0);
}

/** Ordering: the share of items in their right absolute position (Moodle's "absolute position"). */
function gradeOrdering(data: QuestionDataByType['ordering'], response: ResponseByType['ordering']) {
  const order = response.order ?? [];
  if (order.length === 0) return UNANSWERED;
  const right = data.items.filter((item, index) => order[index] === item.id).length;
  return graded(data.items.length ? right / data.items.length : 0);
}

export function countWords(text: string): number {
  const trimmed = normaliseSpaces(text ?? '');
  return trimmed ? trimmed.split(' ').length : 0;
}

/** Grades a response; `undefined` is an unanswered question. An essay waits for a person. */
export function gradeResponse(question: GradableQuestion, response: AnyResponse | undefined): Grade {
  if (response === undefined || response === null) return { ...UNANSWERED };
  switch (question.type) {
    case 'single': {
      const option = question.data.options.find(
        (o) => o.id === (response as ResponseByType['single']).choice,
      );
      return option ? graded(option.fraction, [option.id]) : UNANSWERED;
    }
    case 'multiple':
      return gradeMultiple(question.data, response as ResponseByType['multiple']);
    case 'truefalse': {
      const value = (response as ResponseByType['truefalse']).value;
      if (typeof value !== 'boolean') return UNANSWERED;
      return graded(value === question.data.correct ? 1 : 0, [value ? 'true' : 'false']);
    }
    case 'shortanswer':
      return gradeShortAnswer(question.data, response as ResponseByType['shortanswer']);
    case 'numerical':
      return gradeNumerical(question.data, response as ResponseByType['numerical']);
    case 'matching':
      return gradeMatching(question.data, response as ResponseByType['matching']);
    case 'ordering':
      return gradeOrdering(question.data, response as ResponseByType['ordering']);
    case 'essay':
      return countWords((response as ResponseByType['essay']).text) === 0
        ? { ...UNANSWERED }
        : { fraction: null, state: 'needsGrading', feedbackIds: [] };
    default:
      throw new Error(`no grading for question type ${String((question as { type: unknown }).type)}`);
  }
}

/** A person's grade of an essay, given in marks out of the question's points. */
export function manualGrade(marks: number, points: number): Grade {
  if (!Number.isFinite(marks) || marks < 0 || marks > points) throw new RangeError('marks out of range');
  return graded(points > 0 ? marks / points : 0);
}

export type GradingMethod = 'highest' | 'last' | 'average' | 'first';

/** The quiz grade from the attempts' scores (in attempt order), by the quiz's grading method. */
export function chooseGrade(scores: number[], method: GradingMethod): number | undefined {
  if (scores.length === 0) return undefined;
  switch (method) {
    case 'highest':
      return Math.max(...scores);
    case 'last':
      return scores[scores.length - 1];
    case 'first':
      return scores[0];
    case 'average':
      return Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100;
  }
}

/** Percent of a quiz: marks over the points of the attempt's questions, two decimals. */
export function scorePercent(items: Array<{ points: number; fraction?: number | null }>): number {
  const total = items.reduce((sum, i) => sum + i.points, 0);
  if (total <= 0) return 0;
  const marks = items.reduce((sum, i) => sum + (i.fraction ?? 0) * i.points, 0);
  return Math.round((marks / total) * 10000) / 100;
}
