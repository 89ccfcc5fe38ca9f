// Web helpers of the learning router: parameters, the views' data that several handlers share
// (catalog filters, the assignment form) and the completion message.
import type { Request } from 'express';
import type { Actor } from '../core/actor';
import { wibDay } from '../core/wib';
import {
  COMPETENCY_TYPES,
  COURSE_AREAS,
  CATALOG_SORTS,
  JP_RANGES,
  catalogPartners,
  searchCatalog,
  type CatalogQuery,
} from '../courses';
import { institutionChoices, institutionRefs } from '../institutions';
import { PNS_RANKS, PPPK_GOLONGAN, scopeOpd, type AssigneeSelector } from '../users';
import { NotFound } from '../web/errors';
import { filterValues, type FieldErrors } from '../web/validation';
import type { CompletionEvent } from './completion';
import { catalogPage } from './my-learning.service';
import { assignmentsIn, type AssignmentListQuery } from './assignments.service';
import { CATALOG_FILTER_KEYS, type AssignForm } from './learning.schemas';

/** The lesson key in the path: 24 hex digits, or the same 404 as a missing lesson. */
export function keyParam(req: Request): string {
  const value = req.params.key;
  if (typeof value !== 'string' || !/^[0-9a-f]{24}$/i.test(value)) throw new NotFound('lesson');
  return value.toLowerCase();
}

export const lessonHref = (courseId: string) => (key: string) => `/kursus/${courseId}/pelajaran/${key}`;

/** Where "Tandai selesai" leads: the next lesson, or the course page once the course is complete or at its end. */
export function afterDone(
  courseId: string,
  result: { nextKey?: string; completion?: CompletionEvent },
): string {
  return result.nextKey && !result.completion ? lessonHref(courseId)(result.nextKey) : `/kursus/${courseId}`;
}

/** Tells the learner at once that the course is complete and how many JP it credited. */
export function completionFlash(req: Request, completion: CompletionEvent | undefined): void {
  if (completion) req.flash('success', req.t('learning.completed.flash', { jp: completion.jp }));
}

export async function catalogView(actor: Actor, query: CatalogQuery) {
  const page = await catalogPage(actor, query);
  const partnerIds = await catalogPartners();
  const partners = await institutionRefs(partnerIds);
  return {
    page,
    partners,
    partnerChoices: partnerIds
      .map((id) => ({ id, name: partners.get(id)?.name ?? '' }))
      .sort((a, b) => a.name.localeCompare(b.name, 'id')),
    filters: filterValues(query, CATALOG_FILTER_KEYS),
    options: {
      competencyTypes: COMPETENCY_TYPES,
      areas: COURSE_AREAS,
      sorts: CATALOG_SORTS,
      jpRanges: JP_RANGES,
    },
  };
}

export function selectorOf(form: AssignForm): AssigneeSelector {
  if (form.mode === 'nips') return { nips: form.nips };
  if (form.mode === 'opd') return { opd: form.opd };
  return {
    jabatan: form.jabatan || undefined,
    golongan: form.golongan || undefined,
    opd: form.opd || undefined,
  };
}

/** The assignments page: the form's choices (courses, OPDs in scope, golongan) and the list. */
export async function assignFormView(
  req: Request,
  query: AssignmentListQuery,
  now: Date,
  fieldErrors?: FieldErrors,
) {
  const actor = req.user!;
  const scope = scopeOpd(actor);
  const [courses, opds, list] = await Promise.all([
    searchCatalog(actor, { sort: 'title' }, 500),
    scope === 'none' ? [] : institutionChoices('opd', scope === 'all' ? undefined : scope),
    assignmentsIn(actor, query, now),
  ]);
  const values = fieldErrors
    ? { ...(req.body as Record<string, unknown>) }
    : { mode: 'nips', dueDay: '', nips: query.nip ?? '' };
  return {
    title: req.t('learning.assign.title'),
    courses: courses.items,
    opds,
    golongan: [...PNS_RANKS.map((r) => r.golongan), ...PPPK_GOLONGAN],
    list,
    query: { course: query.course ?? '', state: query.state ?? '' },
    values,
    fieldErrors: fieldErrors ?? {},
    today: wibDay(now),
    now,
  };
}
