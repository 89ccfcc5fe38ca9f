// zod schemas of the institution (OPD and partner university) forms and list query.
import { z } from 'zod';
import { pageNumber, searchText } from '../web/validation';
import { INSTITUTION_KINDS } from './institution.model';

export const institutionForm = z
  .object({
    code: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9_-]{2,40}$/, 'institutions.errors.code'),
    name: z.string().trim().min(3, 'institutions.errors.name').max(200, 'institutions.errors.tooLong'),
    kind: z.enum(INSTITUTION_KINDS, 'institutions.errors.kind'),
  })
  .strict();
export type InstitutionInput = z.infer<typeof institutionForm>;

export const institutionQuery = z
  .object({
    kind: z.enum(INSTITUTION_KINDS).optional().catch(undefined),
    q: searchText(100),
    page: pageNumber.optional(),
  })
  .strict();
export type InstitutionQuery = z.infer<typeof institutionQuery>;

/** The activate/deactivate buttons of the list. */
export const activeForm = z
  .object({ active: z.enum(['true', 'false']).transform((v) => v === 'true') })
  .strict();

/** The admin's city-wide HR switch of an OPD (its HR staff see every OPD's people). */
export const cityWideForm = z
  .object({ cityWideHr: z.enum(['true', 'false']).transform((v) => v === 'true') })
  .strict();
