// The OPD dashboard: the people the actor may see (the users feature's peopleInScope, i.e. peopleScope)
// and their learning (the learning feature's statistics), turned into figures. HR of one OPD see
// their OPD; BKPSDM HR and admins every OPD, with an OPD filter. Nobody else reaches it.
import type { Actor } from '../core/actor';
import { wibDay } from '../core/wib';
import { COMPETENCY_TYPES, courseFacts } from '../courses';
import { institutionChoices, institutionRef } from '../institutions';
import { enrolmentFacts, jpTotals } from '../learning';
import { peopleInScope, scopeOpd, users } from '../users';
import { NotFound } from '../web/errors';
import {
  belowTarget,
  byText,
  competencyShares,
  countPeople,
  figuresByField,
  rankOpds,
  sumFigures,
  talliesOf,
  type CompetencyShare,
  type RankedOpd,
  trendOfRows,
  type BelowTarget,
  type EnrolmentRow,
  type Figures,
  type GroupRow,
  type PersonFact,
  type TrendRow,
} from './monitoring.figures';
import type { DashboardQuery } from './monitoring.schemas';

export const BELOW_PAGE_SIZE = 50;

export interface Dashboard {
  year: number;
  years: number[];
  seesEveryone: boolean;
  opds: Array<{ id: string; name: string; code: string }>;
  units: string[];
  golongan: string[];
  filters: { opd: string; unit: string; golongan: string; sort: string };
  totals: Figures;
  byUnit: GroupRow[];
  byGolongan: GroupRow[];
  below: BelowTarget[];
  trend: TrendRow[];
  /** City view (BKPSDM HR and admins, no OPD chosen): the OPDs ranked; otherwise empty. */
  ranking: RankedOpd[];
  competency: CompetencyShare[];
}

/** Whether the actor may open the monitoring pages at all. */
export function canMonitor(actor: Actor): boolean {
  return scopeOpd(actor) !== 'none';
}

const distinct = (values: string[]) => [...new Set(values.filter(Boolean))].sort(byText);

/** The people, enrolments and JP a dashboard is computed from, after the scope and the filters. */
async function dataOf(actor: Actor, query: DashboardQuery, year: number) {
  const all = await peopleInScope(actor, { opd: query.opd });
  const people: PersonFact[] = all.filter(
    (p) => (!query.unit || p.unitKerja === query.unit) && (!query.golongan || p.golongan === query.golongan),
  );
  const ids = people.map((p) => p.id);
  const [enrolments, jp] = await Promise.all([enrolmentFacts(ids), jpTotals(ids, year)]);
  return { all, people, enrolments: enrolments as readonly EnrolmentRow[], jp };
}

export async function opdDashboard(actor: Actor, query: DashboardQuery, now: Date): Promise<Dashboard> {
  if (!canMonitor(actor)) throw new NotFound('page');
  const currentYear = Number(wibDay(now).slice(0, 4));
  const year = query.year ?? currentYear;
  const seesEveryone = users.seesEveryone(actor);
  const scoped = { ...query, opd: seesEveryone ? query.opd : undefined };
  const [{ all, people, enrolments, jp }, opds] = await Promise.all([
    dataOf(actor, scoped, year),
    seesEveryone ? institutionChoices('opd') : Promise.resolve([]),
  ]);
  // Asked now, so the database answers while the figures are computed.
  const types = competencyTypes(enrolments);
  const counted = countPeople(people, talliesOf(enrolments, year, now), jp);
  const view: Omit<Dashboard, 'competency'> = {
    year,
    years: Array.from({ length: 5 }, (_, i) => currentYear - i),
    seesEveryone,
    opds: opds.map((o) => ({ id: String(o._id), name: o.name, code: o.code })),
    units: distinct(all.map((p) => p.unitKerja)),
    golongan: distinct(all.map((p) => p.golongan)),
    filters: {
      opd: scoped.opd ?? '',
      unit: query.unit ?? '',
      golongan: query.golongan ?? '',
      sort: query.sort ?? 'jp',
    },
    totals: sumFigures(counted),
    byUnit: figuresByField('unitKerja', counted),
    byGolongan: figuresByField('golongan', counted),
    below: belowTarget(people, jp, query.sort),
    // The enrolments are those of `people` (dataOf asks for exactly theirs).
    trend: trendOfRows(enrolments, now),
    ranking:
      seesEveryone && !scoped.opd
        ? rankOpds(figuresByField('opdId', counted), new Map(opds.map((o) => [String(o._id), o.name])))
        : [],
  };
  return {
    ...view,
    competency: competencyShares(people, enrolments, await types, COMPETENCY_TYPES, year),
  };
}

const coursesOfRows = new WeakMap<readonly EnrolmentRow[], string[]>();

async function competencyTypes(enrolments: readonly EnrolmentRow[]): Promise<Map<string, string>> {
  let courses = coursesOfRows.get(enrolments);
  if (!courses) {
    courses = [...new Set(enrolments.map((e) => e.course ?? ''))];
    coursesOfRows.set(enrolments, courses);
  }
  const facts = await courseFacts(courses);
  return new Map([...facts].map(([id, f]) => [id, f.competencyType]));
}

/** Whose figures a dashboard holds, for the PDF report's heading: the chosen or own OPD, or the city. */
export async function scopeName(actor: Actor, view: Dashboard, city: string): Promise<string> {
  if (view.seesEveryone) return view.opds.find((o) => o.id === view.filters.opd)?.name ?? city;
  return (await institutionRef(actor.opdId))?.name ?? '';
}
