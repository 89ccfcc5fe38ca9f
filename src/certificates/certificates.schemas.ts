// Inputs of the certificate pages, parsed with zod at the edge (src/web/validation.ts).
import { z } from 'zod';
import {
  hasControlCharacters,
  CONTROL_CHARACTERS_KEY,
  optionalWibDay,
  pageNumber,
  searchText,
} from '../web/validation';

const optionalId = z
  .string()
  .regex(/^[0-9a-f]{24}$/i)
  .optional()
  .catch(undefined);

/** HR's filter: person (name or NIP), OPD, course, period of issue, status. */
export const certificateQuery = z.object({
  q: searchText(),
  opd: optionalId,
  course: optionalId,
  from: optionalWibDay,
  to: optionalWibDay,
  status: z.enum(['valid', 'revoked', 'superseded']).optional().catch(undefined),
  page: pageNumber.optional(),
});
export type CertificateQuery = z.infer<typeof certificateQuery>;
export const CERTIFICATE_FILTER_KEYS = ['q', 'opd', 'course', 'from', 'to', 'status'] as const;

/** The reason of a revocation or a reissue (kept in the audit log and, for a revocation, shown publicly). */
export const revokeForm = z
  .object({
    reason: z
      .string()
      .trim()
      .min(5, 'certificates.errors.reasonTooShort')
      .max(500, 'certificates.errors.reasonTooLong')
      .refine((v) => !hasControlCharacters(v.replace(/[\r\n]/g, ' ')), CONTROL_CHARACTERS_KEY),
  })
  .strict();

/** The verification code of a URL: 20 base32 characters (upper case; lower case is accepted). */
export const verificationCode = z
  .string()
  .regex(/^[A-Za-z2-7]{20}$/)
  .transform((v) => v.toUpperCase());

export const nipCheckForm = z
  .object({
    nip: z
      .string()
      .trim()
      .max(40)
      .transform((v) => v.normalize('NFKC').replace(/[\s.\-\u00A0]/g, ''))
      .refine((v) => /^\d{18}$/.test(v), 'certificates.verify.nipInvalid'),
  })
  .strict();

export const codeLookup = z.object({ kode: z.string().max(60).optional().catch(undefined) });

export const reissueForm = revokeForm;
