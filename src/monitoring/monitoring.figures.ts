// The dashboard's figures, computed from plain rows (people in scope, their enrolments, their JP of
// the year), without a database, so every number is tested against a hand-computed fixture.
//
// For a WIB calendar year Y:
// - enrolled: enrolments (not cancelled) that started in Y; of those, completed and in progress
//   (still active); completion rate = completed / enrolled.
// - overdue: assigned enrolments still active whose due time has passed (a present state, any year).
// - JP: the ledger of Y per person; attainment = share of people with at least 20 JP; bands 0, 1–9,
//   10–19, 20+ (a fractional JP falls in the band below the next whole bound: 9.5 is 1–9).
// - trend: per WIB month of the 12 months ending with the current one, enrolments started,
//   completions and JP completed.
import { wibDay } from '../core/wib';

export const JP_TARGET = 20;
export const JP_BANDS = ['0', '1-9', '10-19', '20+'] as const;
export type JpBand = (typeof JP_BANDS)[number];

export interface PersonFact {
  id: string;
  name: string;
  nip: string;
  golongan: string;
  unitKerja: string;
  opdId: string;
}

export interface EnrolmentRow {
  person: string;
  course?: string;
  status: 'active' | 'completed';
  source: 'self' | 'assigned';
  jp: number;
  enrolledAt: Date;
  completedAt?: Date;
  dueAt?: Date;
}

export interface Figures {
  people: number;
  enrolled: number;
  inProgress: number;
  completed: number;
  overdue: number;
  /** Percent with one decimal; null when nothing was enrolled (shown as "—"). */
  completionRate: number | null;
  attained: number;
  attainmentRate: number | null;
  bands: Record<JpBand, number>;
}

export interface GroupRow extends Figures {
  key: string;
}

export interface TrendRow {
  month: string;
  enrolled: number;
  completed: number;
  jp: number;
}

export interface BelowTarget {
  id: string;
  name: string;
  nip: string;
  unitKerja: string;
  golongan: string;
  jp: number;
}

export function bandOf(jp: number): JpBand {
  if (jp >= 20) return '20+';
  if (jp >= 10) return '10-19';
  if (jp > 0) return '1-9';
  return '0';
}

/** A share in percent with one decimal, or null for an empty whole. */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part * 1000) / whole) / 10;
}

// WIB is UTC+7 all year (no daylight saving): a WIB calendar year or month is a fixed span of
// instants, so an enrolment is placed by comparing its timestamp with the span's bounds rather than
// by building a date per enrolment (the city dashboard reads tens of thousands of them).
const WIB_OFFSET_MS = 7 * 3_600_000;
/** The instant a WIB month begins (month 1–12; 13 is January of the next year). */
const wibMonthStart = (year: number, month: number) => Date.UTC(year, month - 1, 1) - WIB_OFFSET_MS;
/** The WIB calendar year `year` as [start, end) in milliseconds. */
function yearSpan(year: number): [number, number] {
  return [wibMonthStart(year, 1), wibMonthStart(year + 1, 1)];
}
const collator = new Intl.Collator('id');
/** Names and labels in Indonesian order, with one collator (localeCompare builds one per call). */
export const byText = (a: string, b: string) => collator.compare(a, b);

/** Per person: enrolments started in the year (and of those, completed), and assignments overdue now. */
export interface Tallies {
  year: Map<string, { enrolled: number; completed: number }>;
  overdue: Map<string, number>;
}

// The same enrolment rows (a mirror's snapshot, shared until an enrolment changes) are counted on
// every page: their yearly counts and their assignments with a due date are kept with them.
const yearCounts = new WeakMap<readonly EnrolmentRow[], Map<number, Tallies['year']>>();
const dueRows = new WeakMap<readonly EnrolmentRow[], EnrolmentRow[]>();

function countsOfYear(enrolments: readonly EnrolmentRow[], year: number): Tallies['year'] {
  let byYear = yearCounts.get(enrolments);
  if (!byYear) yearCounts.set(enrolments, (byYear = new Map()));
  const known = byYear.get(year);
  if (known) return known;
  const [from, to] = yearSpan(year);
  const counts: Tallies['year'] = new Map();
  for (const e of enrolments) {
    const started = e.enrolledAt.getTime();
    if (started < from || started >= to) continue;
    let count = counts.get(e.person);
    if (!count) counts.set(e.person, (count = { enrolled: 0, completed: 0 }));
    count.enrolled++;
    if (e.status === 'completed') count.completed++;
  }
  byYear.set(year, counts);
  return counts;
}

/** The counts of every person with an enrolment: the year's from memory, the overdue ones as of `now`. */
export function talliesOf(enrolments: readonly EnrolmentRow[], year: number, now: Date): Tallies {
  let due = dueRows.get(enrolments);
  if (!due) {
    due = enrolments.filter((e) => e.status === 'active' && e.source === 'assigned' && !!e.dueAt);
    dueRows.set(enrolments, due);
  }
  const at = now.getTime();
  const overdue = new Map<string, number>();
  for (const e of due) if (e.dueAt!.getTime() <= at) overdue.set(e.person, (overdue.get(e.person) ?? 0) + 1);
  return { year: countsOfYear(enrolments, year), overdue };
}

/** A person with their counts and JP band looked up once (a dashboard sums them several ways). */
export interface CountedPerson {
  person: PersonFact;
  enrolled: number;
  completed: number;
  overdue: number;
  band: JpBand;
}

/** The people with their counts; a person listed twice is counted once (their band twice, as before). */
export function countPeople(
  people: PersonFact[],
  tallies: Tallies,
  jp: Map<string, number>,
): CountedPerson[] {
  const seen = new Set<string>();
  return people.map((person) => {
    const first = !seen.has(person.id);
    seen.add(person.id);
    const year = first ? tallies.year.get(person.id) : undefined;
    return {
      person,
      enrolled: year?.enrolled ?? 0,
      completed: year?.completed ?? 0,
      overdue: first ? (tallies.overdue.get(person.id) ?? 0) : 0,
      band: bandOf(jp.get(person.id) ?? 0),
    };
  });
}

/** The figures of counted people. */
export function sumFigures(counted: CountedPerson[]): Figures {
  let enrolled = 0;
  let completed = 0;
  let overdue = 0;
  const bands: Record<JpBand, number> = { '0': 0, '1-9': 0, '10-19': 0, '20+': 0 };
  for (const c of counted) {
    bands[c.band]++;
    enrolled += c.enrolled;
    completed += c.completed;
    overdue += c.overdue;
  }
  return {
    people: counted.length,
    enrolled,
    inProgress: enrolled - completed,
    completed,
    overdue,
    completionRate: percent(completed, enrolled),
    attained: bands['20+'],
    attainmentRate: percent(bands['20+'], counted.length),
    bands,
  };
}

/** The figures of counted people per value of a person's field, sorted by key. */
export function figuresByField(
  field: 'unitKerja' | 'golongan' | 'opdId',
  counted: CountedPerson[],
): GroupRow[] {
  const groups = new Map<string, CountedPerson[]>();
  for (const c of counted) {
    const key = c.person[field] || '';
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([key, members]) => ({ key, ...sumFigures(members) }));
}

/** The figures of a set of people, from their enrolments and JP of the year. */
export function figuresOf(
  people: PersonFact[],
  enrolments: readonly EnrolmentRow[],
  jp: Map<string, number>,
  year: number,
  now: Date,
): Figures {
  return sumFigures(countPeople(people, talliesOf(enrolments, year, now), jp));
}

/** The figures per value of a person's field (unit kerja, golongan, OPD), sorted by key. */
export function figuresBy(
  field: 'unitKerja' | 'golongan' | 'opdId',
  people: PersonFact[],
  enrolments: readonly EnrolmentRow[],
  jp: Map<string, number>,
  year: number,
  now: Date,
): GroupRow[] {
  return figuresByField(field, countPeople(people, talliesOf(enrolments, year, now), jp));
}

export const BELOW_SORTS = ['jp', 'name', 'unit', 'golongan'] as const;
export type BelowSort = (typeof BELOW_SORTS)[number];

/** The people under the 20 JP target with their JP, sorted (JP ascending by default, then name). */
export function belowTarget(
  people: PersonFact[],
  jp: Map<string, number>,
  sort: BelowSort = 'jp',
): BelowTarget[] {
  const rows = people
    .map((p) => ({
      id: p.id,
      name: p.name,
      nip: p.nip,
      unitKerja: p.unitKerja,
      golongan: p.golongan,
      jp: jp.get(p.id) ?? 0,
    }))
    .filter((r) => r.jp < JP_TARGET);
  const byName = (a: BelowTarget, b: BelowTarget) => byText(a.name, b.name) || a.id.localeCompare(b.id);
  const compare: Record<BelowSort, (a: BelowTarget, b: BelowTarget) => number> = {
    jp: (a, b) => a.jp - b.jp || byName(a, b),
    name: byName,
    unit: (a, b) => byText(a.unitKerja, b.unitKerja) || byName(a, b),
    golongan: (a, b) => byText(a.golongan, b.golongan) || byName(a, b),
  };
  return rows.sort(compare[sort]);
}

/** The 12 WIB months ending with the month of `now`, oldest first ("YYYY-MM"). */
export function lastTwelveMonths(now: Date): string[] {
  const [y, m] = wibDay(now).split('-').map(Number);
  const months: string[] = [];
  for (let i = 11; i >= 0; i--) {
    const index = y * 12 + (m - 1) - i;
    months.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  return months;
}

/** Enrolments started, completions and JP completed per month of the last 12. */
export function trendOf(people: PersonFact[], enrolments: readonly EnrolmentRow[], now: Date): TrendRow[] {
  const ids = new Set(people.map((p) => p.id));
  return trendOfRows(
    enrolments.filter((e) => ids.has(e.person)),
    now,
  );
}

const trends = new WeakMap<readonly EnrolmentRow[], { months: string; rows: TrendRow[] }>();

/**
 * The trend of exactly these enrolments (the caller passes only those of the people it counts), kept
 * with the array for the same twelve months: a mirror's snapshot is shared until an enrolment changes.
 */
export function trendOfRows(enrolments: readonly EnrolmentRow[], now: Date): TrendRow[] {
  const months = lastTwelveMonths(now);
  const known = trends.get(enrolments);
  if (known && known.months === months.join()) return known.rows.map((r) => ({ ...r }));
  const rows = months.map((month) => ({ month, enrolled: 0, completed: 0, jp: 0 }));
  // bounds[i] is the instant month i begins; bounds[12] the end of the current month.
  const bounds = [...months, nextMonth(months[11])].map((m) =>
    wibMonthStart(Number(m.slice(0, 4)), Number(m.slice(5))),
  );
  const rowAt = (time: number) => {
    if (time < bounds[0] || time >= bounds[12]) return undefined;
    let i = 11;
    while (time < bounds[i]) i--;
    return rows[i];
  };
  for (const e of enrolments) {
    const started = rowAt(e.enrolledAt.getTime());
    if (started) started.enrolled++;
    if (e.status !== 'completed' || !e.completedAt) continue;
    const done = rowAt(e.completedAt.getTime());
    if (done) {
      done.completed++;
      done.jp += e.jp;
    }
  }
  trends.set(enrolments, { months: months.join(), rows: rows.map((r) => ({ ...r })) });
  return rows;
}

/** The month after "YYYY-MM". */
function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export interface RankedOpd extends GroupRow {
  rank: number;
  name: string;
}

/** The OPDs ranked by 20 JP attainment, then completion rate (an OPD without data ranks last). */
export function rankOpds(rows: GroupRow[], names: Map<string, string>): RankedOpd[] {
  const score = (v: number | null) => (v === null ? -1 : v);
  return rows
    .map((r) => ({ ...r, name: names.get(r.key) ?? r.key }))
    .sort(
      (a, b) =>
        score(b.attainmentRate) - score(a.attainmentRate) ||
        score(b.completionRate) - score(a.completionRate) ||
        byText(a.name, b.name),
    )
    .map((r, i) => ({ ...r, rank: i + 1 }));
}

export interface CompetencyShare {
  type: string;
  enrolled: number;
  share: number | null;
}

/** Enrolments started in the year per competency type of their course, with each type's share. */
export function competencyShares(
  people: PersonFact[],
  enrolments: readonly EnrolmentRow[],
  typeOf: Map<string, string>,
  types: readonly string[],
  year: number,
): CompetencyShare[] {
  const ids = new Set(people.map((p) => p.id));
  const counts = new Map(types.map((t) => [t, 0]));
  const [from, to] = yearSpan(year);
  let total = 0;
  for (const e of enrolments) {
    const started = e.enrolledAt.getTime();
    if (started < from || started >= to || !ids.has(e.person)) continue;
    const type = typeOf.get(e.course ?? '');
    if (type === undefined || !counts.has(type)) continue;
    counts.set(type, counts.get(type)! + 1);
    total++;
  }
  return types.map((type) => ({
    type,
    enrolled: counts.get(type)!,
    share: percent(counts.get(type)!, total),
  }));
}
