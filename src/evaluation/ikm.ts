// The IKM arithmetic of PermenPANRB 14/2017 (see /work/shared/reference/asn.md): NRR per element,
// IKM on the 1–4 scale with weight 1/n over the template's elements, the conversion to 25–100, the
// quality grade, the minimum sample for a population, and the reporting periods. Pure functions,
// no database: the unit tests check them against hand-worked examples and the grade boundaries.
import { startOfDayWib, wibDay } from '../core/wib';

export const GRADES = ['A', 'B', 'C', 'D'] as const;
export type Grade = (typeof GRADES)[number];

export interface ElementTally {
  key: string;
  label: string;
  /** Sum of the 1–4 scores given to this element. */
  sum: number;
  /** Number of answers to this element (a respondent may skip one, e.g. a free service's tariff). */
  count: number;
}

export interface ElementResult extends ElementTally {
  /** Nilai rata-rata: sum / count; null when nobody answered the element. */
  nrr: number | null;
}

export interface IkmResult {
  elements: ElementResult[];
  /** Elements with at least one answer: the n of the weight 1/n. */
  weightedElements: number;
  /** IKM on the 1–4 scale; null when no element has an answer. */
  ikm: number | null;
  /** IKM × 25, rounded to two decimals as published (25.00–100.00). */
  converted: number | null;
  grade: Grade | null;
}

/**
 * NRR per element and the IKM. The weight is 1 / number of elements of the template; an element
 * nobody answered (all respondents skipped it) carries no NRR and is left out of the weighting, so
 * it neither drags the index to zero nor inflates it: weight = 1 / elements answered.
 */
export function computeIkm(tallies: ElementTally[]): IkmResult {
  const elements = tallies.map((t) => ({ ...t, nrr: t.count > 0 ? t.sum / t.count : null }));
  const answered = elements.filter((e) => e.nrr !== null);
  if (answered.length === 0)
    return { elements, weightedElements: 0, ikm: null, converted: null, grade: null };
  const weight = 1 / answered.length;
  const ikm = answered.reduce((total, e) => total + (e.nrr as number) * weight, 0);
  const converted = roundTo(ikm * 25, 2);
  return { elements, weightedElements: answered.length, ikm, converted, grade: gradeOf(converted) };
}

export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round((value + Number.EPSILON) * factor) / factor;
}

/**
 * The quality grade of a converted IKM (two decimals): 25.00–64.99 D, 65.00–76.60 C,
 * 76.61–88.30 B, 88.31–100.00 A. Compared in hundredths so no float edge decides a grade.
 */
export function gradeOf(converted: number): Grade {
  const hundredths = Math.round(converted * 100);
  if (hundredths < 6500) return 'D';
  if (hundredths <= 7660) return 'C';
  if (hundredths <= 8830) return 'B';
  return 'A';
}

/**
 * The minimum number of respondents for a population (the unit's service recipients in the
 * period): Krejcie and Morgan's formula, from which the regulation's sample table is drawn
 * (χ² = 3.841 for one degree of freedom at 95 %, P = 0.5, d = 0.05), rounded as the table is:
 * 10 → 10, 50 → 44, 100 → 80, 500 → 217, 1,000 → 278, 1,000,000 → 384.
 */
export function minimumSample(population: number): number {
  if (population <= 0) return 0;
  const chi = 3.841;
  const p = 0.5;
  const d = 0.05;
  const s = (chi * population * p * (1 - p)) / (d * d * (population - 1) + chi * p * (1 - p));
  return Math.min(population, Math.round(s));
}

/** The elements to improve first: answered elements by NRR, lowest first (ties by their order). */
export function elementsToImprove(result: IkmResult, how = 3): ElementResult[] {
  return result.elements
    .map((e, index) => ({ e, index }))
    .filter(({ e }) => e.nrr !== null)
    .sort((a, b) => (a.e.nrr as number) - (b.e.nrr as number) || a.index - b.index)
    .slice(0, how)
    .map(({ e }) => e);
}

// Reporting periods: a year (2026), a semester (2026-S1) or a quarter (2026-Q3), in WIB.
export type PeriodKind = 'year' | 'semester' | 'quarter';

export interface Period {
  key: string;
  kind: PeriodKind;
  year: number;
  /** 1–4 for a quarter, 1–2 for a semester, 1 for a year. */
  index: number;
  start: Date;
  /** Exclusive. */
  end: Date;
  months: number;
}

const PERIOD_PATTERN = /^(\d{4})(?:-(Q[1-4]|S[12]))?$/;

export function parsePeriod(key: string): Period | undefined {
  const match = PERIOD_PATTERN.exec(key);
  if (!match) return undefined;
  const year = Number(match[1]);
  if (year < 2000 || year > 2999) return undefined;
  const part = match[2];
  const kind: PeriodKind = !part ? 'year' : part.startsWith('Q') ? 'quarter' : 'semester';
  const index = part ? Number(part.slice(1)) : 1;
  const months = kind === 'year' ? 12 : kind === 'semester' ? 6 : 3;
  const firstMonth = (index - 1) * months + 1;
  const start = startOfDayWib(`${year}-${String(firstMonth).padStart(2, '0')}-01`);
  const endMonth = firstMonth + months;
  const end =
    endMonth > 12
      ? startOfDayWib(`${year + 1}-01-01`)
      : startOfDayWib(`${year}-${String(endMonth).padStart(2, '0')}-01`);
  return { key, kind, year, index, start, end, months };
}

/** The quarter (e.g. 2026-Q4) that holds this instant, in WIB. */
export function quarterOf(date: Date): Period {
  const [year, month] = wibDay(date).split('-').map(Number);
  return parsePeriod(`${year}-Q${Math.floor((month - 1) / 3) + 1}`)!;
}

/** The quarter before this one. */
export function previousQuarter(period: Period): Period {
  return period.index === 1
    ? parsePeriod(`${period.year - 1}-Q4`)!
    : parsePeriod(`${period.year}-Q${period.index - 1}`)!;
}

/** The `count` quarters up to and including the one holding `date`, oldest first. */
export function lastQuarters(date: Date, count: number): Period[] {
  const quarters = [quarterOf(date)];
  while (quarters.length < count) quarters.unshift(previousQuarter(quarters[0]));
  return quarters;
}

/** The periods a results page offers for a year: the year, its semesters and its quarters. */
export function periodsOfYear(year: number): Period[] {
  return [`${year}`, `${year}-S1`, `${year}-S2`, `${year}-Q1`, `${year}-Q2`, `${year}-Q3`, `${year}-Q4`].map(
    (k) => parsePeriod(k)!,
  );
}
