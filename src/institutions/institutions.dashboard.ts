// The curators' panel of the home dashboard: how many OPDs, and the partner universities.
import type { Actor } from '../core/actor';
import { registerDashboardPanel, type DashboardPanel } from '../home';
import { activeOfKind } from './institutions.service';

async function curatorPanel(actor: Actor): Promise<DashboardPanel | undefined> {
  if (!actor.roles.includes('curator')) return undefined;
  const [opds, universities] = await Promise.all([activeOfKind('opd'), activeOfKind('university')]);
  return { view: 'institutions/panel-curator', data: { opdCount: opds.length, universities } };
}

/** Adds this feature's panel to the home dashboard (re-registering replaces). */
export function registerInstitutionsDashboard(): void {
  registerDashboardPanel('institutions.curator', curatorPanel, 30);
}
