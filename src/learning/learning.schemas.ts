// zod schemas of the learning pages: the catalog's query, the lesson forms, the assignment form and
// the lists' filters.
import { z } from 'zod';
import { isCalendarDay } from '../core/wib';
import { CATALOG_SORTS, COMPETENCY_TYPES, COURSE_AREAS, JP_RANGES } from '../courses';
import { CONTROL_CHARACTERS_KEY, hasControlCharacters, pageNumber, searchText } from '../web/validation';

/** A choice of a GET filter: a value off the list is ignored (a hand-edited URL shows everything). */
const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values).optional().catch(undefined);
const objectIdOrNothing = z
  .string()
  .regex(/^[0-9a-f]{24}$/i)
  .optional()
  .catch(undefined);

export const catalogQuery = z.object({
  q: searchText(100),
  competencyType: choice(COMPETENCY_TYPES),
  area: choice(COURSE_AREAS),
  partner: objectIdOrNothing,
  jp: choice(JP_RANGES),
  sort: choice(CATALOG_SORTS),
  page: pageNumber.optional(),
});
export const CATALOG_FILTER_KEYS = ['q', 'competencyType', 'area', 'partner', 'jp', 'sort'] as const;

/** The empty form of "Tandai selesai" (only its CSRF token), and how a video or a download marks it. */
export const markDoneForm = z
  .object({ via: z.enum(['button', 'video']).optional().default('button') })
  .strict();
export const emptyForm = z.object({}).strict();

const nipLines = z
  .string()
  .max(200_000)
  .optional()
  .default('')
  .transform((text) =>
    text
      .split(/[\n,;]+/)
      .map((l) => l.replace(/[\s.-]/g, ''))
      .filter(Boolean),
  )
  .refine((nips) => nips.every((n) => /^\d{18}$/.test(n)), 'learning.assign.badNip');

export const assignForm = z
  .object({
    course: z.string().regex(/^[0-9a-f]{24}$/i, 'learning.assign.chooseCourse'),
    dueDay: z.string().refine(isCalendarDay, 'learning.assign.dueDay'),
    mode: z.enum(['nips', 'opd', 'position'], 'learning.assign.chooseMode'),
    nips: nipLines,
    opd: z
      .union([z.literal(''), z.string().regex(/^[0-9a-f]{24}$/i, 'common.validation.invalid')])
      .optional()
      .default(''),
    jabatan: z
      .string()
      .trim()
      .max(200)
      .refine((v) => !hasControlCharacters(v), CONTROL_CHARACTERS_KEY)
      .optional()
      .default(''),
    golongan: z
      .string()
      .trim()
      .max(10)
      .refine((v) => !hasControlCharacters(v), CONTROL_CHARACTERS_KEY)
      .optional()
      .default(''),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.mode === 'nips' && v.nips.length === 0)
      ctx.addIssue({ code: 'custom', path: ['nips'], message: 'learning.assign.nipsRequired' });
    if (v.mode === 'opd' && !v.opd)
      ctx.addIssue({ code: 'custom', path: ['opd'], message: 'learning.assign.opdRequired' });
    if (v.mode === 'position' && !v.jabatan && !v.golongan)
      ctx.addIssue({ code: 'custom', path: ['jabatan'], message: 'learning.assign.positionRequired' });
  });
export type AssignForm = z.infer<typeof assignForm>;

export const assignmentsQuery = z.object({
  course: objectIdOrNothing,
  state: choice(['active', 'overdue', 'completed', 'cancelled'] as const),
  page: pageNumber.optional(),
  /** A NIP to start the form with (the monitoring page's "assign a course" link). */
  nip: z
    .string()
    .regex(/^\d{18}$/)
    .optional()
    .catch(undefined),
});

export const pageQuery = z.object({ page: pageNumber.optional() });
