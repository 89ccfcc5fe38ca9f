// The people panels of the home dashboard, from real data only: admins see accounts per role and
// status, HR the people of their scope per OPD (through the same peopleScope as every people page),
// everyone their own profile. The home feature renders whatever panels apply.
import type { Actor } from '../core/actor';
import { registerDashboardPanel, type DashboardPanel } from '../home';
import { formatNip } from './nip';
import { rankLabel, type EmployeeType } from './ranks';
import { countAccounts, countPeopleByOpd, ownProfile } from './users.overview';
import { seesEveryone } from './users.service';

async function adminPanel(actor: Actor): Promise<DashboardPanel | undefined> {
  if (!actor.roles.includes('admin')) return undefined;
  return { view: 'users/panel-admin', data: { accounts: await countAccounts(actor) } };
}

async function hrPanel(actor: Actor): Promise<DashboardPanel | undefined> {
  if (!actor.roles.includes('hr')) return undefined;
  const rows = await countPeopleByOpd(actor);
  const total = rows.reduce((sum, r) => sum + r.active + r.inactive, 0);
  return { view: 'users/panel-hr', data: { rows, total, seesEveryone: seesEveryone(actor) } };
}

async function profilePanel(actor: Actor): Promise<DashboardPanel | undefined> {
  const person = await ownProfile(actor);
  if (!person) return undefined;
  return {
    view: 'users/panel-profile',
    data: {
      profile: {
        nip: person.nip ? formatNip(person.nip) : '',
        name: person.name,
        email: person.email ?? '',
        rank: rankLabel(person.employeeType as EmployeeType, person.golongan),
        jabatan: person.jabatan ?? '',
        unitKerja: person.unitKerja ?? '',
        opd: person.opd?.name ?? '',
        institution: person.institution?.name ?? '',
      },
    },
  };
}

/** Adds this feature's panels to the home dashboard (re-registering replaces). */
export function registerPeopleDashboard(): void {
  registerDashboardPanel('people.admin', adminPanel, 10);
  registerDashboardPanel('people.hr', hrPanel, 20);
  registerDashboardPanel('people.profile', profilePanel, 90);
}
