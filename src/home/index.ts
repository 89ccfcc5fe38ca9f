// Public surface of the home feature.
export { registerDashboardPanel, type DashboardPanel, type DashboardPanelProvider } from './home.service';
