// The question types of the bank and the shape of each type's data and of a learner's response.
// Shared by the grading engine, the serialisers, the forms and the import/export formats; imports
// nothing of the app, so the grading engine stays pure.

export const QUESTION_TYPES = [
  'single',
  'multiple',
  'truefalse',
  'shortanswer',
  'numerical',
  'matching',
  'ordering',
  'essay',
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** An option of a choice question; `fraction` is the share of the question's points, -1..1. */
export interface Choice {
  id: string;
  text: string;
  fraction: number;
  feedback: string;
}

export interface ShortAnswer {
  id: string;
  /** The accepted text; `*` matches any run of characters, `\*` a literal asterisk. */
  text: string;
  fraction: number;
  feedback: string;
}

export interface NumericalAnswer {
  id: string;
  /** The accepted value; null accepts any number (Moodle's `*`). */
  value: number | null;
  /** Accepted when |response − value| ≤ tolerance (nominal, in the first unit). */
  tolerance: number;
  fraction: number;
  feedback: string;
}

export interface Unit {
  unit: string;
  /** How many of this unit make one of the first unit's value: value in this unit = base × multiplier. */
  multiplier: number;
}

export interface QuestionDataByType {
  single: { options: Choice[] };
  multiple: { options: Choice[] };
  truefalse: { correct: boolean; feedbackTrue: string; feedbackFalse: string };
  shortanswer: { answers: ShortAnswer[]; caseSensitive: boolean; accentSensitive: boolean };
  numerical: {
    answers: NumericalAnswer[];
    units: Unit[];
    /** optional: a number without a unit is read in the first unit; required: a missing or unknown unit costs `unitPenalty`. */
    unitHandling: 'optional' | 'required';
    unitPenalty: number;
  };
  matching: {
    /** Each stem and the id of its right choice. */
    stems: Array<{ id: string; text: string; choiceId: string }>;
    /** Every choice offered, the right ones and the distractors. */
    choices: Array<{ id: string; text: string }>;
  };
  ordering: { items: Array<{ id: string; text: string }> };
  essay: { minWords: number | null; maxWords: number | null; graderInfo: string; responseTemplate: string };
}

export interface ResponseByType {
  single: { choice: string };
  multiple: { choices: string[] };
  truefalse: { value: boolean };
  shortanswer: { text: string };
  numerical: { text: string };
  matching: { pairs: Record<string, string> };
  ordering: { order: string[] };
  essay: { text: string };
}

/** A question version as the grading engine sees it. */
export type GradableQuestion = {
  [T in QuestionType]: { type: T; data: QuestionDataByType[T] };
}[QuestionType];

export type AnyResponse = ResponseByType[QuestionType];

export type GradeState = 'unanswered' | 'correct' | 'partial' | 'wrong' | 'needsGrading';

export interface Grade {
  /** Share of the question's points, 0..1; null while a person still has to grade it (essay). */
  fraction: number | null;
  state: GradeState;
  /** Ids of the answers whose feedback applies (matched short/numeric answer, chosen options). */
  feedbackIds: string[];
}

export const isQuestionType = (value: unknown): value is QuestionType =>
  typeof value === 'string' && (QUESTION_TYPES as readonly string[]).includes(value);
