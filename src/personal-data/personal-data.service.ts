// "Data saya": everything BinaASN holds about the signed-in person, as one document they can read
// and download (UU 27/2022 right of access). Always built for the actor — never from an id in a request.
import type { Actor } from '../core/actor';
import { institutionRef } from '../institutions';
import { formatNip, ownRecord, pangkatOf } from '../users';
import { NotFound } from '../web/errors';
import { entriesAbout, type AccessEntryView } from './access-log.service';
import { sectionsOf, type SectionName } from './personal-data.sections';

export interface PersonalProfile {
  nip: string | null;
  name: string;
  email: string | null;
  employeeType: string;
  golongan: string | null;
  pangkat: string | null;
  jabatan: string;
  unitKerja: string;
  opd: { code: string; name: string } | null;
  institution: { code: string; name: string } | null;
  roles: string[];
  status: string;
  language: string;
  createdAt: Date | null;
  lastLoginAt: Date | null;
  passwordChangedAt: Date | null;
  privacyAcknowledgedAt: Date | null;
  secondFactorEnabled: boolean;
}

export interface PersonalDataExport {
  format: 'binaasn.personal-data.v1';
  generatedAt: string;
  profile: PersonalProfile;
  sections: Record<SectionName, unknown[]>;
  accessLog: Array<{ at: Date; by: string; kind: string; what: string }>;
}

async function institutionOf(id: unknown): Promise<{ code: string; name: string } | null> {
  const found = await institutionRef(id);
  return found ? { code: found.code, name: found.name } : null;
}

/** The person's profile as stored, without secrets (password hash, second-factor secrets, counters). */
export async function profileOf(actor: Pick<Actor, 'id'>): Promise<PersonalProfile> {
  const user = await ownRecord(actor.id);
  if (!user) throw new NotFound('person');
  const golongan = user.golongan || null;
  return {
    nip: user.nip ? formatNip(user.nip) : null,
    name: user.name,
    email: user.email ?? null,
    employeeType: user.employeeType,
    golongan,
    pangkat: user.employeeType === 'pns' && golongan ? (pangkatOf(golongan) ?? null) : null,
    jabatan: user.jabatan ?? '',
    unitKerja: user.unitKerja ?? '',
    opd: await institutionOf(user.opd),
    institution: await institutionOf(user.institution),
    roles: [...(user.roles ?? [])],
    status: user.status,
    language: user.language,
    createdAt: (user as { createdAt?: Date }).createdAt ?? null,
    lastLoginAt: user.lastLoginAt ?? null,
    passwordChangedAt: user.passwordChangedAt ?? null,
    privacyAcknowledgedAt: user.privacyAcknowledgedAt ?? null,
    secondFactorEnabled: !!user.mfa?.enabled,
  };
}

/** Who accessed the person's data (newest first). */
export async function accessRecordOf(actor: Pick<Actor, 'id'>): Promise<AccessEntryView[]> {
  return entriesAbout(actor.id);
}

/** The whole download: profile, every section, and the access log about the person. */
export async function exportFor(actor: Pick<Actor, 'id'>, now: Date): Promise<PersonalDataExport> {
  const [profile, sections, access] = await Promise.all([
    profileOf(actor),
    sectionsOf(actor.id),
    accessRecordOf(actor),
  ]);
  return {
    format: 'binaasn.personal-data.v1',
    generatedAt: now.toISOString(),
    profile,
    sections,
    accessLog: access.map((e) => ({ at: e.at, by: e.actorName, kind: e.kind, what: e.what })),
  };
}
