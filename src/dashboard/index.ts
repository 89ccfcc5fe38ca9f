// Public surface of the dashboard feature (home-page panels of people administration).
export { registerPeopleDashboard, dashboard } from './dashboard.service';
