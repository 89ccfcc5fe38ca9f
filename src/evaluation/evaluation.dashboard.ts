// Home-page panels: a learner's pending course evaluations, and for admins and HR the service
// units of their scope ranked by the change of their IKM over the last full quarter.
import type { Actor } from '../core/actor';
import { registerDashboardPanel, type DashboardPanel } from '../home';
import { pendingCount } from './course-evaluation.service';
import { rankingByChange } from './impact.service';
import { canManageUnits } from './units.service';

async function learnerPanel(actor: Actor): Promise<DashboardPanel | undefined> {
  const pending = await pendingCount(actor);
  return pending > 0 ? { view: 'evaluation/panel-learner', data: { pending } } : undefined;
}

async function unitsPanel(actor: Actor): Promise<DashboardPanel | undefined> {
  if (!canManageUnits(actor)) return undefined;
  const ranking = await rankingByChange(actor, new Date(), 5);
  return { view: 'evaluation/panel-units', data: { ranking } };
}

export function registerEvaluationDashboard(): void {
  registerDashboardPanel('evaluation.learner', learnerPanel, 15);
  registerDashboardPanel('evaluation.units', unitsPanel, 45);
}
