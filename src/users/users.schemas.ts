// zod schemas of the people-administration forms and queries. Messages are i18n keys of the
// users catalog, shown next to the field they concern (views translate them).
import { z } from 'zod';
import { isValidNip, normaliseNip } from './nip';
import { EMPLOYEE_TYPES, isValidGolongan } from './ranks';
import { ROLES } from '../core/roles';
import { pageNumber, searchText } from '../web/validation';
import { USER_STATUSES } from './user.model';

const OBJECT_ID = /^[0-9a-f]{24}$/i;

const objectId = z.string().regex(OBJECT_ID, 'users.errors.invalidId');

/** Empty text fields of an HTML form arrive as '' and mean "not given". */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'users.errors.tooLong')
    .optional()
    .transform((v) => (v ? v : undefined));

const optionalId = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined))
  .pipe(objectId.optional());

/** NIP as people type it ("19900101 201503 1 001"), normalised; empty means "none" (checked with the type). */
const nipField = z
  .string()
  .trim()
  .transform(normaliseNip)
  .optional()
  .transform((v) => (v ? v : undefined));

/** The reason a NIP is not valid, as a message key; undefined when it is valid. */
export function nipProblem(nip: string): string | undefined {
  if (nip === '') return 'users.errors.nipRequired';
  if (!/^\d{18}$/.test(nip)) return 'users.errors.nipDigits';
  if (isValidNip(nip)) return undefined;
  const year = Number(nip.slice(0, 4));
  const month = Number(nip.slice(4, 6));
  const day = Number(nip.slice(6, 8));
  const birth = new Date(Date.UTC(year, month - 1, day));
  const isRealBirth = year >= 1900 && birth.getUTCMonth() === month - 1 && birth.getUTCDate() === day;
  if (!isRealBirth) return 'users.errors.nipBirthDate';
  const tmtYear = Number(nip.slice(8, 12));
  const tmtMonth = Number(nip.slice(12, 14));
  if (tmtYear < 1950 || tmtMonth < 1 || tmtMonth > 12) return 'users.errors.nipTmt';
  if (tmtYear < year + 15) return 'users.errors.nipTmtAge';
  return 'users.errors.nipSex';
}

const personFields = {
  nip: nipField,
  name: z.string().trim().min(3, 'users.errors.nameRequired').max(200, 'users.errors.tooLong'),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, 'users.errors.tooLong')
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(z.email('users.errors.emailInvalid').optional()),
  employeeType: z.enum(EMPLOYEE_TYPES, 'users.errors.employeeType'),
  golongan: optionalText(10),
  jabatan: optionalText(200),
  unitKerja: optionalText(200),
  opd: optionalId,
  institution: optionalId,
  /** Asked when people change the email or NIP they sign in with on their own record. */
  currentPassword: z
    .string()
    .max(256, 'users.errors.tooLong')
    .optional()
    .transform((v) => (v ? v : undefined)),
};

type PersonShape = {
  nip?: string;
  email?: string;
  employeeType: (typeof EMPLOYEE_TYPES)[number];
  golongan?: string;
};

/** Rules across fields: ASN need a valid NIP; anyone without a NIP needs an email; golongan fits the type. */
function checkPerson(value: PersonShape, ctx: z.RefinementCtx) {
  if (value.nip) {
    const problem = nipProblem(value.nip);
    if (problem) ctx.addIssue({ code: 'custom', path: ['nip'], message: problem });
  } else if (value.employeeType !== 'non_asn') {
    ctx.addIssue({ code: 'custom', path: ['nip'], message: 'users.errors.nipRequired' });
  } else if (!value.email) {
    ctx.addIssue({ code: 'custom', path: ['email'], message: 'users.errors.emailRequired' });
  }
  if (!isValidGolongan(value.employeeType, value.golongan)) {
    const key =
      value.employeeType === 'non_asn' ? 'users.errors.golonganNone' : 'users.errors.golonganInvalid';
    ctx.addIssue({ code: 'custom', path: ['golongan'], message: key });
  }
}

export const personForm = z.object(personFields).strict().superRefine(checkPerson);
export type PersonInput = z.infer<typeof personForm>;

export const rolesForm = z
  .object({
    roles: z
      .union([z.enum(ROLES, 'users.errors.role'), z.array(z.enum(ROLES, 'users.errors.role'))])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  })
  .strict();

export const resetPasswordForm = z
  .object({
    // Empty: the system generates a temporary password and shows it once.
    password: z
      .string()
      .max(128, 'users.errors.tooLong')
      .optional()
      .transform((v) => (v ? v : undefined)),
  })
  .strict();

export const listQuery = z
  .object({
    q: searchText(100),
    opd: z.string().regex(OBJECT_ID).optional().catch(undefined),
    role: z.enum(ROLES).optional().catch(undefined),
    status: z.enum(USER_STATUSES).optional().catch(undefined),
    page: pageNumber.optional(),
  })
  .strict();
export type ListQuery = z.infer<typeof listQuery>;

/** The activate/deactivate button of the person page. */
export const statusForm = z.object({ status: z.enum(USER_STATUSES) }).strict();
