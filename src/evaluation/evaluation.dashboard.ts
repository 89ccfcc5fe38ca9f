// Home-page panel for admins and HR: the service units of their scope ranked by the change of their
// IKM over the last full quarter. Learners find their course evaluations under "Evaluasi kursus" in
// the menu: the learner's home page reads nothing from the database per request (hot-path test).
import type { Actor } from '../core/actor';
import { registerDashboardPanel, type DashboardPanel } from '../home';
import { rankingByChange } from './impact.service';
import { canManageUnits } from './units.service';

async function unitsPanel(actor: Actor, now: Date): Promise<DashboardPanel | undefined> {
  if (!canManageUnits(actor)) return undefined;
  const ranking = await rankingByChange(actor, now, 5);
  return { view: 'evaluation/panel-units', data: { ranking } };
}

export function registerEvaluationDashboard(): void {
  registerDashboardPanel('evaluation.units', unitsPanel, 45);
}
