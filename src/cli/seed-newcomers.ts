// Demo newcomers: three people of Disdukcapil added as an import would add them (no password),
// invited by their HR, so that `npm start` shows invitations in the admin outbox (/admin/outbox)
// and a newcomer can follow one to set a password. Invited only when they were just created.
import type { Actor } from '../core/actor';
import type { Config } from '../config';
import { invitations } from '../password-links';
import { addMissingPeople, findAccount, type NewPerson } from '../users';

export const DEMO_NEWCOMERS = [
  {
    nip: '199604122022031001',
    name: 'Fadli Rahman Pohan, S.T.',
    email: 'fadli.pohan@binaasn.example',
    golongan: 'III/a',
  },
  {
    nip: '199711032022032002',
    name: 'Nur Aisyah Daulay, S.H.',
    email: 'aisyah.daulay@binaasn.example',
    golongan: 'III/a',
  },
  {
    nip: '199509282022031003',
    name: 'Rizky Ananda Ginting, A.Md.',
    email: 'rizky.ginting@binaasn.example',
    golongan: 'II/c',
  },
];

const INVITING_HR = 'hr.disdukcapil@binaasn.example';

/** Adds the newcomers that are missing; invites them when `invite` carries the mail settings. */
export async function seedNewcomers(
  opdId: unknown,
  invite?: { config: Pick<Config, 'baseUrl' | 'mail'>; now: Date },
): Promise<{ created: number; invited: number }> {
  const people: NewPerson[] = DEMO_NEWCOMERS.map((p) => ({
    ...p,
    employeeType: 'pns',
    jabatan: 'Pengelola Data Kependudukan',
    unitKerja: 'Bidang Pelayanan Pendaftaran Penduduk',
    opd: opdId,
    roles: ['learner'],
  }));
  const created = await addMissingPeople(people);
  const hr = await findAccount(INVITING_HR);
  if (!invite || created === 0 || !hr || !opdId) return { created, invited: 0 };
  const actor: Actor = {
    id: hr.id,
    name: hr.name,
    roles: ['hr', 'learner'],
    opdId: String(opdId),
    seesAllOpds: false,
    language: 'id',
  };
  const invited = await invitations.inviteEveryoneWithoutPassword(actor, invite.config, invite.now);
  return { created, invited };
}
