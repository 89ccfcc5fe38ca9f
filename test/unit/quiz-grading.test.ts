// The grading engine, type by type: partial credit, negative marks floored at zero, short answers
// with wildcards, case and accents, numbers with tolerances and units, matching with distractors,
// ordering, essays waiting for a person, and the quiz grade by grading method.
import {
  chooseGrade,
  countWords,
  gradeResponse,
  manualGrade,
  matchesShortAnswer,
  parseNumberWithUnit,
  scorePercent,
} from '../../src/quizzes/grading';
import type { GradableQuestion, QuestionDataByType } from '../../src/quizzes/question-types';

const choice = (id: string, fraction: number) => ({
  id,
  text: `Pilihan ${id}`,
  fraction,
  feedback: `fb ${id}`,
});

describe('single choice', () => {
  const q: GradableQuestion = {
    type: 'single',
    data: { options: [choice('a', 1), choice('b', 0), choice('c', 0.5)] },
  };
  it('gives full credit for the right option', () => {
    expect(gradeResponse(q, { choice: 'a' })).toEqual({ fraction: 1, state: 'correct', feedbackIds: ['a'] });
  });
  it('gives the partial credit an option carries', () => {
    expect(gradeResponse(q, { choice: 'c' })).toMatchObject({ fraction: 0.5, state: 'partial' });
  });
  it('gives nothing for a wrong option', () => {
    expect(gradeResponse(q, { choice: 'b' })).toMatchObject({ fraction: 0, state: 'wrong' });
  });
  it('treats no answer and an unknown option as unanswered', () => {
    expect(gradeResponse(q, undefined)).toMatchObject({ fraction: 0, state: 'unanswered' });
    expect(gradeResponse(q, { choice: 'zz' })).toMatchObject({ fraction: 0, state: 'unanswered' });
  });
  it('floors a negative option at zero', () => {
    const neg: GradableQuestion = { type: 'single', data: { options: [choice('a', 1), choice('b', -0.5)] } };
    expect(gradeResponse(neg, { choice: 'b' })).toMatchObject({ fraction: 0, state: 'wrong' });
  });
});

describe('multiple choice', () => {
  const third = 1 / 3;
  const q: GradableQuestion = {
    type: 'multiple',
    data: {
      options: [
        choice('a', third),
        choice('b', third),
        choice('c', third),
        choice('d', -0.5),
        choice('e', -1),
      ],
    },
  };
  it('adds the fractions of the picked options', () => {
    expect(gradeResponse(q, { choices: ['a', 'b', 'c'] })).toMatchObject({ fraction: 1, state: 'correct' });
    expect(gradeResponse(q, { choices: ['a', 'b'] }).fraction).toBeCloseTo(0.6666667, 6);
  });
  it('subtracts negative marks for wrong picks', () => {
    expect(gradeResponse(q, { choices: ['a', 'b', 'c', 'd'] })).toMatchObject({
      fraction: 0.5,
      state: 'partial',
    });
  });
  it('floors the question at zero however many wrong picks', () => {
    expect(gradeResponse(q, { choices: ['a', 'd', 'e'] })).toMatchObject({ fraction: 0, state: 'wrong' });
    expect(gradeResponse(q, { choices: ['a', 'b', 'c', 'd', 'e'] })).toMatchObject({ fraction: 0 });
  });
  it('counts a repeated pick once and ignores unknown ids', () => {
    expect(gradeResponse(q, { choices: ['a', 'a', 'a', 'x'] }).fraction).toBeCloseTo(third, 6);
  });
  it('is unanswered with nothing picked', () => {
    expect(gradeResponse(q, { choices: [] }).state).toBe('unanswered');
  });
  it('never gives more than full marks', () => {
    const over: GradableQuestion = { type: 'multiple', data: { options: [choice('a', 1), choice('b', 1)] } };
    expect(gradeResponse(over, { choices: ['a', 'b'] }).fraction).toBe(1);
  });
});

describe('true/false', () => {
  const q: GradableQuestion = {
    type: 'truefalse',
    data: { correct: false, feedbackTrue: 'x', feedbackFalse: 'y' },
  };
  it('grades the right value', () => {
    expect(gradeResponse(q, { value: false })).toEqual({
      fraction: 1,
      state: 'correct',
      feedbackIds: ['false'],
    });
    expect(gradeResponse(q, { value: true })).toMatchObject({ fraction: 0, state: 'wrong' });
  });
  it('is unanswered without a boolean', () => {
    expect(gradeResponse(q, { value: 'false' as never }).state).toBe('unanswered');
  });
});

describe('short answer', () => {
  const data = (over: Partial<QuestionDataByType['shortanswer']> = {}): GradableQuestion => ({
    type: 'shortanswer',
    data: {
      answers: [
        { id: 'a1', text: 'SP4N-LAPOR!', fraction: 1, feedback: '' },
        { id: 'a2', text: 'LAPOR*', fraction: 0.5, feedback: '' },
        { id: 'a3', text: 'Pelayanan Publik Terpadu', fraction: 1, feedback: '' },
        { id: 'a4', text: '5 \\* 3', fraction: 1, feedback: '' },
      ],
      caseSensitive: false,
      accentSensitive: false,
      ...over,
    },
  });
  it('accepts the exact answer, trimming and collapsing white space', () => {
    expect(gradeResponse(data(), { text: '  sp4n-lapor! ' })).toMatchObject({
      fraction: 1,
      feedbackIds: ['a1'],
    });
    expect(gradeResponse(data(), { text: 'Pelayanan   Publik\tTerpadu' }).fraction).toBe(1);
  });
  it('uses the first matching answer in order, with its own credit', () => {
    expect(gradeResponse(data(), { text: 'lapor saja' })).toMatchObject({
      fraction: 0.5,
      feedbackIds: ['a2'],
    });
  });
  it('treats a wildcard as any run of characters, and nothing else as a pattern', () => {
    expect(matchesShortAnswer('LAPOR', 'LAPOR*', { caseSensitive: true, accentSensitive: true })).toBe(true);
    expect(matchesShortAnswer('SP4N', 'SP.N', { caseSensitive: true, accentSensitive: true })).toBe(false);
    expect(matchesShortAnswer('a+b', 'a+b', { caseSensitive: true, accentSensitive: true })).toBe(true);
    expect(matchesShortAnswer('xLAPOR', 'LAPOR*', { caseSensitive: true, accentSensitive: true })).toBe(
      false,
    );
  });
  it('reads \\* as a literal asterisk', () => {
    expect(gradeResponse(data(), { text: '5 * 3' }).fraction).toBe(1);
    expect(gradeResponse(data(), { text: '5 x 3' }).fraction).toBe(0);
  });
  it('respects case when the question asks for it', () => {
    expect(gradeResponse(data({ caseSensitive: true }), { text: 'sp4n-lapor!' }).fraction).toBe(0);
    expect(gradeResponse(data({ caseSensitive: true }), { text: 'SP4N-LAPOR!' }).fraction).toBe(1);
  });
  it('ignores accents unless the question asks for them', () => {
    expect(gradeResponse(data(), { text: 'Pélayanan Públik Terpadu' }).fraction).toBe(1);
    expect(
      gradeResponse(data({ accentSensitive: true }), { text: 'Pélayanan Públik Terpadu' }).fraction,
    ).toBe(0);
  });
  it('is unanswered when empty or blank', () => {
    expect(gradeResponse(data(), { text: '   ' }).state).toBe('unanswered');
    expect(gradeResponse(data(), { text: '' }).state).toBe('unanswered');
  });
  it('gives nothing for an answer that matches none', () => {
    expect(gradeResponse(data(), { text: 'Ombudsman' })).toMatchObject({ fraction: 0, state: 'wrong' });
  });
});

describe('numerical', () => {
  const q = (over: Partial<QuestionDataByType['numerical']> = {}): GradableQuestion => ({
    type: 'numerical',
    data: {
      answers: [
        { id: 'n1', value: 14, tolerance: 0.5, fraction: 1, feedback: '' },
        { id: 'n2', value: 14, tolerance: 2, fraction: 0.5, feedback: '' },
        { id: 'n3', value: null, tolerance: 0, fraction: 0, feedback: 'lain' },
      ],
      units: [
        { unit: 'hari', multiplier: 1 },
        { unit: 'jam', multiplier: 24 },
      ],
      unitHandling: 'optional',
      unitPenalty: 0.1,
      ...over,
    },
  });
  it('accepts values within the tolerance, bounds included', () => {
    expect(gradeResponse(q(), { text: '14' }).fraction).toBe(1);
    expect(gradeResponse(q(), { text: '14.5' }).fraction).toBe(1);
    expect(gradeResponse(q(), { text: '13,5' }).fraction).toBe(1);
    expect(gradeResponse(q(), { text: '14.51' }).fraction).toBe(0.5);
    expect(gradeResponse(q(), { text: '16' }).fraction).toBe(0.5);
    expect(gradeResponse(q(), { text: '16.01' })).toMatchObject({ fraction: 0, feedbackIds: ['n3'] });
  });
  it('converts a known unit and reads a bare number in the first unit', () => {
    expect(gradeResponse(q(), { text: '336 jam' }).fraction).toBe(1);
    expect(gradeResponse(q(), { text: '14 hari' }).fraction).toBe(1);
    expect(gradeResponse(q(), { text: '14hari' }).fraction).toBe(1);
  });
  it('gives nothing for an unknown unit when units are optional', () => {
    expect(gradeResponse(q(), { text: '14 minggu' }).fraction).toBe(0);
  });
  it('takes the unit penalty for a missing unit when units are required', () => {
    expect(gradeResponse(q({ unitHandling: 'required' }), { text: '14' }).fraction).toBeCloseTo(0.9, 7);
    expect(gradeResponse(q({ unitHandling: 'required' }), { text: '14 hari' }).fraction).toBe(1);
  });
  it('parses numbers by a strict grammar', () => {
    expect(parseNumberWithUnit('-1.5e3')).toEqual({ value: -1500, unit: '' });
    expect(parseNumberWithUnit('.5')).toEqual({ value: 0.5, unit: '' });
    for (const bad of ['1.000.000', '2+2', 'Infinity', 'NaN', '1e999', '1/2', '', 'abc'])
      expect(parseNumberWithUnit(bad)).toBeUndefined();
  });
  it('reads a hexadecimal or an expression as a number with an unknown unit, worth nothing', () => {
    expect(parseNumberWithUnit('0x10')).toEqual({ value: 0, unit: 'x10' });
    expect(gradeResponse(q(), { text: '0xE' }).fraction).toBe(0);
    expect(gradeResponse(q(), { text: '7*2' }).fraction).toBe(0);
  });
  it('gives nothing for text that is not a number, and is unanswered when blank', () => {
    expect(
      gradeResponse(q({ answers: [{ id: 'n1', value: 14, tolerance: 0, fraction: 1, feedback: '' }] }), {
        text: 'empat belas',
      }).fraction,
    ).toBe(0);
    expect(gradeResponse(q(), { text: ' ' }).state).toBe('unanswered');
  });
});

describe('matching', () => {
  const q: GradableQuestion = {
    type: 'matching',
    data: {
      stems: [
        { id: 's1', text: 'Pengaduan masuk', choiceId: 'c1' },
        { id: 's2', text: 'Pengaduan diverifikasi', choiceId: 'c2' },
        { id: 's3', text: 'Pengaduan selesai', choiceId: 'c3' },
      ],
      choices: [
        { id: 'c1', text: 'Registrasi' },
        { id: 'c2', text: 'Verifikasi' },
        { id: 'c3', text: 'Penutupan' },
        { id: 'c4', text: 'Pengarsipan (pengecoh)' },
      ],
    },
  };
  it('gives the share of stems matched right', () => {
    expect(gradeResponse(q, { pairs: { s1: 'c1', s2: 'c2', s3: 'c3' } }).fraction).toBe(1);
    expect(gradeResponse(q, { pairs: { s1: 'c1', s2: 'c4', s3: 'c3' } }).fraction).toBeCloseTo(2 / 3, 6);
    expect(gradeResponse(q, { pairs: { s1: 'c4', s2: 'c4', s3: 'c4' } }).fraction).toBe(0);
  });
  it('counts an unmatched stem as wrong and no stem as unanswered', () => {
    expect(gradeResponse(q, { pairs: { s1: 'c1' } }).fraction).toBeCloseTo(1 / 3, 6);
    expect(gradeResponse(q, { pairs: {} }).state).toBe('unanswered');
  });
});

describe('ordering', () => {
  const q: GradableQuestion = {
    type: 'ordering',
    data: { items: ['a', 'b', 'c', 'd'].map((id) => ({ id, text: id })) },
  };
  it('gives the share of items in their right position', () => {
    expect(gradeResponse(q, { order: ['a', 'b', 'c', 'd'] }).fraction).toBe(1);
    expect(gradeResponse(q, { order: ['a', 'b', 'd', 'c'] }).fraction).toBe(0.5);
    expect(gradeResponse(q, { order: ['d', 'c', 'b', 'a'] }).fraction).toBe(0);
  });
  it('is unanswered with no order', () => {
    expect(gradeResponse(q, { order: [] }).state).toBe('unanswered');
  });
});

describe('essay', () => {
  const q: GradableQuestion = {
    type: 'essay',
    data: { minWords: 5, maxWords: 100, graderInfo: '', responseTemplate: '' },
  };
  it('waits for a person when answered, and is unanswered when blank', () => {
    expect(gradeResponse(q, { text: 'Saya akan mendengarkan warga dengan sabar.' })).toEqual({
      fraction: null,
      state: 'needsGrading',
      feedbackIds: [],
    });
    expect(gradeResponse(q, { text: '  ' }).state).toBe('unanswered');
  });
  it('takes the marks a grader gives, within the points', () => {
    expect(manualGrade(3, 4)).toMatchObject({ fraction: 0.75, state: 'partial' });
    expect(manualGrade(0, 4).state).toBe('wrong');
    expect(() => manualGrade(5, 4)).toThrow(RangeError);
    expect(() => manualGrade(-1, 4)).toThrow(RangeError);
  });
  it('counts words', () => {
    expect(countWords('  satu  dua\ntiga ')).toBe(3);
    expect(countWords('')).toBe(0);
  });
});

describe('an unknown question type', () => {
  it('fails closed', () => {
    expect(() => gradeResponse({ type: 'cloze', data: {} } as never, { text: 'x' })).toThrow(/no grading/);
  });
});

describe('the quiz grade', () => {
  it('is chosen by the grading method', () => {
    expect(chooseGrade([40, 90, 70], 'highest')).toBe(90);
    expect(chooseGrade([40, 90, 70], 'last')).toBe(70);
    expect(chooseGrade([40, 90, 70], 'first')).toBe(40);
    expect(chooseGrade([40, 90, 70], 'average')).toBe(66.67);
    expect(chooseGrade([], 'highest')).toBeUndefined();
  });
  it('is the marks over the points, essays pending counting nothing', () => {
    expect(
      scorePercent([
        { points: 1, fraction: 1 },
        { points: 3, fraction: 0.5 },
      ]),
    ).toBe(62.5);
    expect(scorePercent([{ points: 2, fraction: null }])).toBe(0);
    expect(scorePercent([])).toBe(0);
  });
});
