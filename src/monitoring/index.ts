// Public surface of the monitoring feature: the dashboards' figures for other features to reuse.
// Its router is mounted by src/routes.ts.
export { opdDashboard, canMonitor, type Dashboard } from './monitoring.service';
export {
  JP_TARGET,
  JP_BANDS,
  bandOf,
  type Figures,
  type GroupRow,
  type TrendRow,
} from './monitoring.figures';
export {
  registerResultsSource,
  registerCertificateSource,
  type CourseResult,
  type ResultsSource,
  type CertificateSource,
  type Period,
} from './monitoring.sources';
