// Home-page panels per role, from real data only: admins see accounts per role and status, HR the
// people of their scope per OPD (through the same peopleScope as every people page), curators the
// institutions, everyone their own profile. The home feature renders whatever panels apply.
import type { Actor } from '../auth/actor';
import { registerDashboardPanel, type DashboardPanel } from '../home';
import { institutions } from '../institutions';
import { formatNip, peopleOverview, rankLabel, users } from '../users';
import type { EmployeeType } from '../users/ranks';

export async function adminPanel(actor: Actor): Promise<DashboardPanel | undefined> {
  if (!actor.roles.includes('admin')) return undefined;
  const counts = await peopleOverview.countAccounts(actor);
  return { view: 'dashboard/admin', data: { accounts: counts } };
}

export async function hrPanel(actor: Actor): Promise<DashboardPanel | undefined> {
  if (!actor.roles.includes('hr')) return undefined;
  const rows = await peopleOverview.countPeopleByOpd(actor);
  const total = rows.reduce((sum, r) => sum + r.active + r.inactive, 0);
  return { view: 'dashboard/hr', data: { rows, total, seesEveryone: users.seesEveryone(actor) } };
}

export async function curatorPanel(actor: Actor): Promise<DashboardPanel | undefined> {
  if (!actor.roles.includes('curator')) return undefined;
  const [opds, universities] = await Promise.all([
    institutions.activeOfKind('opd'),
    institutions.activeOfKind('university'),
  ]);
  return { view: 'dashboard/curator', data: { opdCount: opds.length, universities } };
}

export async function profilePanel(actor: Actor): Promise<DashboardPanel | undefined> {
  const person = await peopleOverview.ownProfile(actor);
  if (!person) return undefined;
  const ref = (value: unknown) =>
    value && typeof value === 'object' && 'name' in value ? String((value as { name: unknown }).name) : '';
  return {
    view: 'dashboard/profile',
    data: {
      profile: {
        nip: person.nip ? formatNip(person.nip) : '',
        name: person.name,
        email: person.email ?? '',
        rank: rankLabel(person.employeeType as EmployeeType, person.golongan),
        jabatan: person.jabatan ?? '',
        unitKerja: person.unitKerja ?? '',
        opd: ref(person.opd),
        institution: ref(person.institution),
      },
    },
  };
}

/** Adds this feature's panels to the home dashboard (once per process; re-registering replaces). */
export function registerPeopleDashboard(): void {
  registerDashboardPanel('people.admin', adminPanel);
  registerDashboardPanel('people.hr', hrPanel);
  registerDashboardPanel('people.curator', curatorPanel);
  registerDashboardPanel('people.profile', profilePanel);
}

export const dashboard = { adminPanel, hrPanel, curatorPanel, profilePanel };
