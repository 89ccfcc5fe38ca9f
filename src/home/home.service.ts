// The home dashboard's content per role. Each feature registers the panels it shows through
// `registerDashboardPanel`; the home page renders, in order, whatever the person's roles allow.
import type { Actor } from '../core/actor';

export interface DashboardPanel {
  /** Partial view rendered inside the dashboard, e.g. 'users/dashboard-panel'. */
  view: string;
  /** Data for that view. */
  data: Record<string, unknown>;
}

/** `now` is the app's clock (RouteDeps.clock) at the request, so tests can set the time. */
export type DashboardPanelProvider = (actor: Actor, now: Date) => Promise<DashboardPanel | undefined>;

const providers: { key: string; provide: DashboardPanelProvider; order: number }[] = [];

/** Registers (or replaces, by key) a provider of one dashboard panel; lower `order` comes first. */
export function registerDashboardPanel(key: string, provide: DashboardPanelProvider, order = 50): void {
  const index = providers.findIndex((p) => p.key === key);
  if (index >= 0) providers.splice(index, 1);
  providers.push({ key, provide, order });
  providers.sort((a, b) => a.order - b.order);
}

export async function dashboardFor(actor: Actor, now: Date): Promise<DashboardPanel[]> {
  const panels = await Promise.all(providers.map((p) => p.provide(actor, now)));
  return panels.filter((p): p is DashboardPanel => p !== undefined);
}
