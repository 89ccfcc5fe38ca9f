// IKM results of a unit for a period: the tally of every element from the stored answers, the
// formula of ikm.ts, the sample check against the unit's service volume, the elements to improve
// first, and the respondents' profile. The same function feeds the page, the exports and the PDF.
import { trusted, Types } from 'mongoose';
import type { Actor } from '../core/actor';
import { NotFound } from '../web/errors';
import { SurveyResponse } from './survey-response.model';
import {
  computeIkm,
  elementsToImprove,
  minimumSample,
  parsePeriod,
  quarterOf,
  type ElementTally,
  type IkmResult,
  type Period,
} from './ikm';
import { getUnit, type UnitView } from './units.service';
import type { SurveyElement } from './survey-template';

export interface UnitResults {
  unit: UnitView;
  period: Period;
  respondents: number;
  result: IkmResult;
  population: number;
  minimumSample: number;
  isSampleTooSmall: boolean;
  toImprove: ReturnType<typeof elementsToImprove>;
  profile: Record<'ageBand' | 'sex' | 'education' | 'occupation', Record<string, number>>;
}

/** The period asked for, or the current quarter (in WIB) when none or a malformed one is given. */
export function periodOrCurrent(key: string | undefined, now: Date): Period {
  return (key && parsePeriod(key)) || quarterOf(now);
}

/** Sum and count of the scores of each element key among a unit's answers in the range. */
async function tallyByKey(unitId: Types.ObjectId, start: Date, end: Date) {
  const rows = await SurveyResponse.aggregate<{ _id: string; sum: number; count: number }>([
    { $match: { unit: unitId, submittedAt: trusted({ $gte: start, $lt: end }) } },
    { $unwind: '$answers' },
    { $group: { _id: '$answers.key', sum: { $sum: '$answers.score' }, count: { $sum: 1 } } },
  ]);
  return new Map(rows.map((r) => [r._id, r]));
}

/** The template's elements with their tallies (an element nobody answered has count 0). */
export function talliesFor(
  elements: SurveyElement[],
  byKey: Map<string, { sum: number; count: number }>,
): ElementTally[] {
  return elements.map((e) => ({
    key: e.key,
    label: e.name,
    sum: byKey.get(e.key)?.sum ?? 0,
    count: byKey.get(e.key)?.count ?? 0,
  }));
}

async function profileCounts(unitId: Types.ObjectId, start: Date, end: Date) {
  const profile: UnitResults['profile'] = { ageBand: {}, sex: {}, education: {}, occupation: {} };
  const facets = await SurveyResponse.aggregate<
    Record<keyof UnitResults['profile'], Array<{ _id: string | null; n: number }>>
  >([
    { $match: { unit: unitId, submittedAt: trusted({ $gte: start, $lt: end }) } },
    {
      $facet: Object.fromEntries(
        Object.keys(profile).map((f) => [f, [{ $group: { _id: `$profile.${f}`, n: { $sum: 1 } } }]]),
      ),
    },
  ]);
  for (const field of Object.keys(profile) as Array<keyof UnitResults['profile']>)
    for (const row of facets[0]?.[field] ?? []) profile[field][row._id ?? 'none'] = row.n;
  return profile;
}

export async function unitResults(actor: Actor, unitId: string, periodKey: string | undefined, now: Date) {
  const unit = await getUnit(actor, unitId);
  return resultsOf(unit, periodOrCurrent(periodKey, now));
}

export async function resultsOf(unit: UnitView, period: Period): Promise<UnitResults> {
  const [byKey, respondents, profile] = await Promise.all([
    tallyByKey(unit._id, period.start, period.end),
    SurveyResponse.countDocuments({
      unit: unit._id,
      submittedAt: trusted({ $gte: period.start, $lt: period.end }),
    }),
    profileCounts(unit._id, period.start, period.end),
  ]);
  const result = computeIkm(talliesFor(unit.elements, byKey));
  const population = unit.monthlyVolume * period.months;
  const needed = minimumSample(population);
  return {
    unit,
    period,
    respondents,
    result,
    population,
    minimumSample: needed,
    isSampleTooSmall: respondents < needed,
    toImprove: elementsToImprove(result),
    profile,
  };
}

/** The converted IKM of each unit in each period (null without answers): the impact view and the ranking. */
export async function ikmSeries(
  units: Array<{ _id: Types.ObjectId; elements: SurveyElement[] }>,
  periods: Period[],
): Promise<Map<string, Array<{ period: Period; converted: number | null; respondents: number }>>> {
  const series = new Map<string, Array<{ period: Period; converted: number | null; respondents: number }>>();
  for (const unit of units) {
    const points = [];
    for (const period of periods) {
      const byKey = await tallyByKey(unit._id, period.start, period.end);
      const respondents = Math.max(0, ...[...byKey.values()].map((v) => v.count));
      points.push({ period, converted: computeIkm(talliesFor(unit.elements, byKey)).converted, respondents });
    }
    series.set(String(unit._id), points);
  }
  return series;
}

/** The number of responses of a unit (the count HR sees next to the grade). */
export async function responseCount(unitId: Types.ObjectId): Promise<number> {
  return SurveyResponse.countDocuments({ unit: unitId });
}

export function assertPeriod(key: string): Period {
  const period = parsePeriod(key);
  if (!period) throw new NotFound('period');
  return period;
}
