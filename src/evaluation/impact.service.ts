// Training impact (Kirkpatrick level 4): per unit, the IKM per quarter next to the share of its
// staff who completed chosen courses, with the IKM before and after the quarter in which that
// share grew most (the training wave); and, for the dashboards, units ranked by IKM change.
// A unit's staff are read by staff.service.ts (people of the unit's OPD, ticked by its HR or matched
// by unit kerja); their completions belong to the learning feature, which src/routes.ts registers
// as the source here (registerCompletionSource); without one, the page says there is no data yet.
// It is a correlation, never proof that the training caused the change; the page says so.
import type { Types } from 'mongoose';
import type { Actor } from '../core/actor';
import { searchCatalog, type CourseArea } from '../courses';
import { institutionRefs } from '../institutions';
import { lastQuarters, previousQuarter, quarterOf, roundTo, type Period } from './ikm';
import { ikmSeries } from './results.service';
import { getUnit, unitScope } from './units.service';
import { unitStaff } from './staff.service';
import { ServiceUnit } from './service-unit.model';
import type { SurveyElement } from './survey-template';
import { impactChartDataUrl } from './impact.chart';

export interface CompletionQuery {
  /** The unit's staff (person ids). */
  personIds: string[];
  /** The chosen courses (ids of published courses). */
  courseIds: string[];
}

/** One completed enrolment of one of the people in one of the courses. */
export interface Completion {
  person: string;
  course: string;
  completedAt: Date;
}

/** The completed enrolments of these people in these courses (the learning feature answers). */
export type CompletionSource = (query: CompletionQuery) => Promise<Completion[]>;

let completionSource: CompletionSource | undefined;

/** The learning feature registers where completions come from (re-registering replaces; undefined removes). */
export function registerCompletionSource(source: CompletionSource | undefined): void {
  completionSource = source;
}

export function hasCompletionSource(): boolean {
  return completionSource !== undefined;
}

/**
 * For each instant: the percent of the staff (one decimal) who had completed at least one of the
 * courses by then; null without staff. A person counts once, from their first completion; a
 * completion of someone who is not on the staff is ignored.
 */
export function trainedShares(staff: string[], completions: Completion[], at: Date[]): Array<number | null> {
  const people = new Set(staff);
  const first = new Map<string, number>();
  for (const c of completions) {
    if (!people.has(c.person)) continue;
    const time = c.completedAt.getTime();
    if (!first.has(c.person) || time < first.get(c.person)!) first.set(c.person, time);
  }
  const times = [...first.values()];
  return at.map((instant) =>
    people.size === 0
      ? null
      : roundTo((100 * times.filter((t) => t <= instant.getTime()).length) / people.size, 1),
  );
}

/** The course areas chosen by default: the service skills the survey measures. */
export const SERVICE_AREAS: CourseArea[] = ['penanganan_pengaduan', 'pelayanan_publik', 'komunikasi'];
export const QUARTERS_SHOWN = 8;

export interface ImpactRow {
  period: Period;
  converted: number | null;
  respondents: number;
  /** Percent of the unit's staff who completed a chosen course by the quarter's end; null without data. */
  share: number | null;
}

const mean = (values: number[]) =>
  values.length ? roundTo(values.reduce((s, v) => s + v, 0) / values.length, 2) : null;

/** The quarter whose completion share rose most over the one before, and the IKM around it. */
export function beforeAfter(rows: ImpactRow[]) {
  let wave: number | undefined;
  let rise = 0;
  for (let i = 1; i < rows.length; i++) {
    const prev = rows[i - 1].share;
    const cur = rows[i].share;
    if (prev !== null && cur !== null && cur - prev > rise) {
      rise = cur - prev;
      wave = i;
    }
  }
  if (wave === undefined) return undefined;
  const ikmOf = (part: ImpactRow[]) => part.map((r) => r.converted).filter((v): v is number => v !== null);
  const before = mean(ikmOf(rows.slice(0, wave)));
  const after = mean(ikmOf(rows.slice(wave)));
  return {
    wave: rows[wave].period,
    rise: roundTo(rise, 1),
    before,
    after,
    change: before !== null && after !== null ? roundTo(after - before, 2) : null,
  };
}

/** The published courses to choose from, and the default choice (the service areas). */
export async function courseChoices(actor: Actor) {
  const { items } = await searchCatalog(actor, { sort: 'title' }, 1000);
  const courses = items.map((c) => ({ id: c.id, title: c.title, area: c.area as CourseArea }));
  return { courses, defaults: courses.filter((c) => SERVICE_AREAS.includes(c.area)).map((c) => c.id) };
}

export async function unitImpact(actor: Actor, unitId: string, chosen: string[] | undefined, now: Date) {
  const unit = await getUnit(actor, unitId);
  const { courses, defaults } = await courseChoices(actor);
  const known = new Set(courses.map((c) => c.id));
  const courseIds = (chosen ?? defaults).filter((id) => known.has(id));
  const quarters = lastQuarters(now, QUARTERS_SHOWN);
  const series = (await ikmSeries([unit], quarters)).get(String(unit._id)) ?? [];
  const staff = await unitStaff(actor, unit);
  const completions =
    completionSource && courseIds.length && staff.length
      ? await completionSource({ personIds: staff, courseIds })
      : undefined;
  // Each quarter's figure is taken at its end (or now, for the current quarter).
  const ends = quarters.map((q) => new Date(Math.min(q.end.getTime(), now.getTime()) - 1));
  const shares = completions ? trainedShares(staff, completions, ends) : [];
  const rows: ImpactRow[] = series.map((point, i) => ({ ...point, share: shares[i] ?? null }));
  const chart = impactChartDataUrl(rows);
  return {
    unit,
    courses,
    courseIds,
    rows,
    chart,
    hasSource: hasCompletionSource(),
    staffCount: staff.length,
    comparison: beforeAfter(rows),
  };
}

/** Units of the actor's scope ranked by the change of IKM from the quarter before last to the last full quarter. */
export async function rankingByChange(actor: Actor, now: Date, limit = 10) {
  const last = previousQuarter(quarterOf(now));
  const before = previousQuarter(last);
  const units = await ServiceUnit.find({ $and: [unitScope(actor), { active: true }] })
    .select('name opd elements')
    .lean<Array<{ _id: Types.ObjectId; name: string; opd: Types.ObjectId; elements: SurveyElement[] }>>();
  const series = await ikmSeries(units, [before, last]);
  const opds = await institutionRefs(units.map((u) => u.opd));
  const ranked = units
    .map((u) => {
      const [a, b] = series.get(String(u._id)) ?? [];
      const change =
        a?.converted != null && b?.converted != null ? roundTo(b.converted - a.converted, 2) : null;
      return {
        id: String(u._id),
        name: u.name,
        opdName: opds.get(String(u.opd))?.name ?? '',
        before: a?.converted ?? null,
        after: b?.converted ?? null,
        change,
      };
    })
    .filter((r) => r.change !== null)
    .sort((x, y) => (y.change as number) - (x.change as number));
  return { before, last, ranked: ranked.slice(0, limit), total: ranked.length };
}
