// Small factories for test data, written straight through the models (test arrangement only).
import { Types } from 'mongoose';
import { Institution } from '../../src/institutions/institution.model';
import type { Role } from '../../src/core/roles';
import { User } from '../../src/users/user.model';
import { Algorithm, hash } from '@node-rs/argon2';

let sequence = 0;
const next = () => ++sequence;

/** The password every factory user gets unless told otherwise (meets the default policy). */
export const DEFAULT_PASSWORD = 'Rahasia#Tes2026';

/** A valid NIP: real birth date, TMT at age 23+, sex digit 1/2, unique sequence. */
export function makeNip(n = next()): string {
  const year = 1970 + (n % 30);
  const month = String((n % 12) + 1).padStart(2, '0');
  const day = String((n % 28) + 1).padStart(2, '0');
  const tmtYear = year + 23 + (n % 5);
  const tmtMonth = String(((n * 7) % 12) + 1).padStart(2, '0');
  const sex = n % 2 === 0 ? '2' : '1';
  const seq = String(n % 1000).padStart(3, '0');
  // The sequence alone repeats after 1000; the birth date/TMT combination keeps NIPs distinct enough for tests.
  return `${year}${month}${day}${tmtYear}${tmtMonth}${sex}${seq}`;
}

/** An OPD; `cityWideHr` makes its HR staff see every OPD (as BKPSDM's, set by an admin). */
export async function createOpd(fields: { code?: string; name?: string; cityWideHr?: boolean } = {}) {
  const n = next();
  return Institution.create({
    code: fields.code ?? `OPD${n}`,
    name: fields.name ?? `Dinas Uji ${n}`,
    kind: 'opd',
    cityWideHr: fields.cityWideHr ?? false,
  });
}

export async function createUniversity(fields: { code?: string; name?: string } = {}) {
  const n = next();
  return Institution.create({
    code: fields.code ?? `UNIV${n}`,
    name: fields.name ?? `Universitas Uji ${n}`,
    kind: 'university',
  });
}

export interface UserFactoryInput {
  roles?: Role[];
  opd?: { _id: Types.ObjectId } | Types.ObjectId | string;
  institution?: { _id: Types.ObjectId } | Types.ObjectId | string;
  /** null: no password yet (as an import creates people). */
  password?: string | null;
  nip?: string | null;
  email?: string | null;
  name?: string;
  status?: 'active' | 'inactive';
  language?: 'id' | 'en';
  mustChangePassword?: boolean;
  /** Default true: the person has already confirmed the privacy notice shown at first sign-in. */
  privacyAcknowledged?: boolean;
  jabatan?: string;
  unitKerja?: string;
}

// argon2id at the production cost (19 MiB, 2 passes) takes tens of milliseconds per hash and as
// long again at every sign-in, and the suites sign in thousands of times. Factory people get an
// argon2id hash at the smallest cost instead: the app verifies it through the same code path (the
// cost is read from the hash), while hashes the app makes itself keep the production cost, which
// test/unit/auth-password.test.ts checks. Each password is hashed once per file (the salt is then
// shared, which is harmless in tests).
const TEST_HASH_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 64, timeCost: 1, parallelism: 1 };
const hashes = new Map<string, Promise<string>>();
function hashOnce(password: string): Promise<string> {
  let hashed = hashes.get(password);
  if (!hashed) {
    hashed = hash(password, TEST_HASH_OPTIONS);
    hashes.set(password, hashed);
  }
  return hashed;
}

const idOf = (v: UserFactoryInput['opd']) => (v && typeof v === 'object' && '_id' in v ? v._id : v);

export async function createUser(input: UserFactoryInput = {}) {
  const n = next();
  return User.create({
    nip: input.nip === null ? undefined : (input.nip ?? makeNip(n)),
    email: input.email === null ? undefined : (input.email ?? `pegawai${n}@uji.pemkomedan.go.id`),
    name: input.name ?? `Pegawai Uji ${n}, S.Kom.`,
    employeeType: 'pns',
    golongan: 'III/a',
    jabatan: input.jabatan ?? 'Analis',
    unitKerja: input.unitKerja ?? 'Bidang Uji',
    opd: idOf(input.opd),
    institution: idOf(input.institution),
    roles: input.roles ?? ['learner'],
    status: input.status ?? 'active',
    language: input.language ?? 'id',
    passwordHash: input.password === null ? undefined : await hashOnce(input.password ?? DEFAULT_PASSWORD),
    mustChangePassword: input.mustChangePassword ?? false,
    privacyAcknowledgedAt: input.privacyAcknowledged === false ? undefined : new Date('2026-01-02T03:04:05Z'),
  });
}
