// The home dashboard's content per role. Engineer C (and later features) register their panels
// here through `registerDashboardPanel`; the home page renders whatever the person's roles allow.
import type { Actor } from '../auth/actor';

export interface DashboardPanel {
  /** Partial view rendered inside the dashboard, e.g. 'users/dashboard-panel'. */
  view: string;
  /** Data for that view. */
  data: Record<string, unknown>;
}

export type DashboardPanelProvider = (actor: Actor) => Promise<DashboardPanel | undefined>;

const providers: { key: string; provide: DashboardPanelProvider }[] = [];

/** Registers (or replaces, by key) a provider of one dashboard panel. */
export function registerDashboardPanel(key: string, provide: DashboardPanelProvider): void {
  const index = providers.findIndex((p) => p.key === key);
  if (index >= 0) providers.splice(index, 1, { key, provide });
  else providers.push({ key, provide });
}

export async function dashboardFor(actor: Actor): Promise<DashboardPanel[]> {
  const panels = await Promise.all(providers.map((p) => p.provide(actor)));
  return panels.filter((p): p is DashboardPanel => p !== undefined);
}
