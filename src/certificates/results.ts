// The learner's results on page 2 of the certificate come from the learning and quiz features,
// which register a provider here (the certificates feature imports neither). Without one, page 2
// shows the course outline alone.
import type { CertificateResults } from './pdf';

export type ResultsProvider = (enrolmentId: string) => Promise<CertificateResults | undefined>;

let provider: ResultsProvider | undefined;

/** Registers the function that reads an enrolment's results for its certificate (the last one wins). */
export function registerResultsProvider(fn: ResultsProvider): void {
  provider = fn;
}

export async function resultsOf(enrolmentId: string): Promise<CertificateResults | undefined> {
  return provider ? provider(enrolmentId) : undefined;
}
