// The IKM arithmetic of PermenPANRB 14/2017: NRR per element, IKM with weight 1/n, the conversion
// to 25–100, the grade boundaries, the minimum sample (Krejcie–Morgan), periods and working days.
import {
  computeIkm,
  elementsToImprove,
  gradeOf,
  minimumSample,
  parsePeriod,
  quarterOf,
  lastQuarters,
} from '../../src/evaluation/ikm';
import { addWorkingDays } from '../../src/evaluation/working-days';
import { parseElementsForm } from '../../src/evaluation/evaluation.schemas';
import { trainedShares } from '../../src/evaluation/impact.service';
import { sameUnitName } from '../../src/evaluation/staff.service';

const tally = (label: string, scores: number[]) => ({
  key: label,
  label,
  sum: scores.reduce((s, v) => s + v, 0),
  count: scores.length,
});

describe('the IKM formula', () => {
  it('computes NRR per element, IKM with weight 1/9 and the converted value (a worked example)', () => {
    // Four respondents, nine elements; NRRs 3.25, 3.00, 2.75, 4.00, 3.50, 3.25, 3.75, 2.50, 3.00.
    const scores = [
      [4, 3, 3, 3],
      [3, 3, 3, 3],
      [3, 3, 2, 3],
      [4, 4, 4, 4],
      [4, 3, 4, 3],
      [3, 3, 4, 3],
      [4, 4, 3, 4],
      [2, 3, 2, 3],
      [3, 3, 3, 3],
    ];
    const result = computeIkm(scores.map((s, i) => tally(`U${i + 1}`, s)));
    expect(result.elements.map((e) => e.nrr)).toEqual([3.25, 3, 2.75, 4, 3.5, 3.25, 3.75, 2.5, 3]);
    // Σ NRR = 29.00; IKM = 29 / 9 = 3.2222…; converted = 80.56 → B.
    expect(result.ikm).toBeCloseTo(29 / 9, 10);
    expect(result.converted).toBe(80.56);
    expect(result.grade).toBe('B');
    expect(result.weightedElements).toBe(9);
  });

  it('uses the number of elements of the template: five elements weigh 1/5 each', () => {
    const result = computeIkm([
      tally('a', [4, 4]),
      tally('b', [3, 3]),
      tally('c', [4, 2]),
      tally('d', [1, 1]),
      tally('e', [4, 4]),
    ]);
    expect(result.ikm).toBeCloseTo((4 + 3 + 3 + 1 + 4) / 5, 10);
    expect(result.converted).toBe(75);
    expect(result.grade).toBe('C');
  });

  it('leaves an element nobody answered out of the weighting and gives it no NRR', () => {
    const result = computeIkm([tally('a', [4, 4]), tally('b', []), tally('c', [3, 3])]);
    expect(result.elements[1].nrr).toBeNull();
    expect(result.weightedElements).toBe(2);
    expect(result.ikm).toBe(3.5);
    expect(result.converted).toBe(87.5);
  });

  it('has no IKM and no grade without any answer', () => {
    expect(computeIkm([tally('a', []), tally('b', [])])).toMatchObject({
      ikm: null,
      converted: null,
      grade: null,
    });
    expect(computeIkm([]).grade).toBeNull();
  });

  it('reaches the ends of the scale: all 1 is 25.00 (D), all 4 is 100.00 (A)', () => {
    expect(computeIkm([tally('a', [1, 1])]).converted).toBe(25);
    expect(computeIkm([tally('a', [1, 1])]).grade).toBe('D');
    expect(computeIkm([tally('a', [4])]).converted).toBe(100);
    expect(computeIkm([tally('a', [4])]).grade).toBe('A');
  });

  it('lists the weakest answered elements first', () => {
    const result = computeIkm([
      tally('a', [4]),
      tally('b', [2]),
      tally('c', []),
      tally('d', [3]),
      tally('e', [2]),
    ]);
    expect(elementsToImprove(result, 3).map((e) => e.key)).toEqual(['b', 'e', 'd']);
  });
});

describe('the quality grades', () => {
  it.each([
    [25, 'D'],
    [64.99, 'D'],
    [65.0, 'C'],
    [76.6, 'C'],
    [76.61, 'B'],
    [88.3, 'B'],
    [88.31, 'A'],
    [100, 'A'],
  ])('%s is %s', (converted, grade) => {
    expect(gradeOf(converted)).toBe(grade);
  });

  it('grades the 1–4 boundaries of the regulation alike once converted', () => {
    // 2.5996 → 64.99 (D), 2.60 → 65.00 (C), 3.064 → 76.60 (C), 3.0644 → 76.61 (B), 3.532 → 88.30 (B), 3.5324 → 88.31 (A)
    const grade = (ikm: number) => gradeOf(Math.round(ikm * 25 * 100) / 100);
    expect([2.5996, 2.6, 3.064, 3.0644, 3.532, 3.5324].map(grade)).toEqual(['D', 'C', 'C', 'B', 'B', 'A']);
  });
});

describe('the minimum sample (Krejcie and Morgan, cited by PermenPANRB 14/2017)', () => {
  it.each([
    [0, 0],
    [10, 10],
    [50, 44],
    [100, 80],
    [500, 217],
    [1000, 278],
    [5000, 357],
    [10000, 370],
    [100000, 383],
    [1000000, 384],
  ])('a population of %s needs %s respondents', (population, sample) => {
    expect(minimumSample(population)).toBe(sample);
  });
});

describe('reporting periods (WIB)', () => {
  it('parses years, semesters and quarters with their WIB bounds', () => {
    const q3 = parsePeriod('2026-Q3')!;
    expect(q3.start.toISOString()).toBe('2026-06-30T17:00:00.000Z');
    expect(q3.end.toISOString()).toBe('2026-09-30T17:00:00.000Z');
    expect(parsePeriod('2026-S2')!.end.toISOString()).toBe('2026-12-31T17:00:00.000Z');
    expect(parsePeriod('2026')!.months).toBe(12);
    expect(parsePeriod('2026-Q5')).toBeUndefined();
    expect(parsePeriod('{"$gt":""}')).toBeUndefined();
  });

  it('places an instant in its WIB quarter: 31 Dec 18:00 UTC is already Q1 of the next year', () => {
    expect(quarterOf(new Date('2026-12-31T18:00:00Z')).key).toBe('2027-Q1');
    expect(lastQuarters(new Date('2026-02-01T00:00:00Z'), 3).map((q) => q.key)).toEqual([
      '2025-Q3',
      '2025-Q4',
      '2026-Q1',
    ]);
  });
});

describe('SP4N-LAPOR! due dates', () => {
  it('counts working days (Monday to Friday, WIB) from the day a complaint arrived', () => {
    // Friday 4 Dec 2026, 10:00 WIB: 2 working days → Tuesday 8 Dec, end of the day in WIB.
    const friday = new Date('2026-12-04T03:00:00Z');
    expect(addWorkingDays(friday, 2).toISOString()).toBe('2026-12-08T16:59:59.999Z');
    expect(addWorkingDays(friday, 5).toISOString()).toBe('2026-12-11T16:59:59.999Z');
    expect(addWorkingDays(friday, 14).toISOString()).toBe('2026-12-24T16:59:59.999Z');
  });

  it('skips national holidays and cuti bersama as well as weekends', () => {
    const friday = new Date('2026-12-04T03:00:00Z');
    const holidays = new Set(['2026-12-08', '2026-12-24', '2026-12-25']);
    // Mon 7 (1), Tue 8 off, Wed 9 (2).
    expect(addWorkingDays(friday, 2, holidays).toISOString()).toBe('2026-12-09T16:59:59.999Z');
    // 7, 9, 10, 11, 14–18, 21–23 (12 days), 24 and 25 off, 28 (13), 29 (14).
    expect(addWorkingDays(friday, 14, holidays).toISOString()).toBe('2026-12-29T16:59:59.999Z');
    // A holiday on a weekend changes nothing; the day of arrival never counts.
    expect(addWorkingDays(friday, 1, new Set(['2026-12-05', '2026-12-04'])).toISOString()).toBe(
      '2026-12-07T16:59:59.999Z',
    );
  });
});

describe('the survey elements form', () => {
  it('drops empty rows, keeps known keys and asks for every part of a filled row', () => {
    const ok = parseElementsForm({
      e0_key: 'u1',
      e0_name: 'Persyaratan',
      e0_question: 'Q?',
      e0_o1: 'a',
      e0_o2: 'b',
      e0_o3: 'c',
      e0_o4: 'd',
      e1_name: '',
      e1_question: '',
    });
    expect(ok).toEqual({
      ok: true,
      data: { elements: [{ key: 'u1', name: 'Persyaratan', question: 'Q?', options: ['a', 'b', 'c', 'd'] }] },
    });
    const bad = parseElementsForm({ e0_name: 'X', e0_question: '', e0_o1: 'a' });
    expect(bad).toMatchObject({ ok: false, errors: { e0_question: 'common.validation.required' } });
    expect(parseElementsForm({ roles: 'admin' })).toMatchObject({ ok: false });
    expect(parseElementsForm({})).toMatchObject({
      ok: false,
      errors: { _form: 'evaluation.errors.noElements' },
    });
  });
});

describe('training impact: staff and their completions', () => {
  it('matches a unit kerja to a unit name whatever the case, spaces and punctuation', () => {
    expect(sameUnitName('UPT  Puskesmas Padang-Bulan.', 'upt puskesmas padang bulan')).toBe(true);
    expect(sameUnitName('Puskesmas Padang Bulan', 'UPT Puskesmas Padang Bulan')).toBe(false);
    expect(sameUnitName('', '')).toBe(false);
  });

  it('counts each person of the staff once, from their first completion, at each instant', () => {
    const at = (iso: string) => new Date(iso);
    const completions = [
      { person: 'a', course: 'k', completedAt: at('2026-02-01T00:00:00Z') },
      { person: 'a', course: 'k2', completedAt: at('2025-12-01T00:00:00Z') },
      { person: 'b', course: 'k', completedAt: at('2026-03-31T16:59:59Z') },
      { person: 'x', course: 'k', completedAt: at('2025-01-01T00:00:00Z') }, // not on the staff
    ];
    const instants = [at('2025-12-31T16:59:59Z'), at('2026-03-31T16:59:59Z'), at('2026-06-30T16:59:59Z')];
    // Staff a, b, c: a from Dec 2025 (1 of 3), b exactly at the end of Q1 (2 of 3).
    expect(trainedShares(['a', 'b', 'c'], completions, instants)).toEqual([33.3, 66.7, 66.7]);
    expect(trainedShares([], completions, instants)).toEqual([null, null, null]);
  });
});
