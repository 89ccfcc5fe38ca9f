// Seams for what other features know and monitoring shows: quiz results (scores, pass rate, the
// pre/post learning gain) and certificate numbers. They are wired in src/routes.ts by the features
// that own the data; until then the pages show "—" (no data yet), never an invented figure.
//
//   registerResultsSource(fn):      fn(personIds, courseIds, period) → the results it knows
//   registerCertificateSource(fn):  fn(enrolmentIds) → certificate number per enrolment id

/** A WIB period, start inclusive and end exclusive. */
export interface Period {
  from: Date;
  to: Date;
}

/** One person's result in one course: the best graded score, whether it passed, the learning gain. */
export interface CourseResult {
  personId: string;
  courseId: string;
  /** 0–100, or undefined when the course has no graded quiz yet. */
  scorePercent?: number;
  passed?: boolean;
  /** Post-test minus pre-test score, in percentage points, when the course has both. */
  gainPoints?: number;
  /** The pre-test and post-test grades (0–100), when taken: the course report's learning gain. */
  prePercent?: number;
  postPercent?: number;
}

export type ResultsSource = (
  personIds: string[],
  courseIds: string[],
  period: Period,
) => Promise<CourseResult[]>;
export type CertificateSource = (enrolmentIds: string[]) => Promise<Map<string, string>>;

let resultsSource: ResultsSource | undefined;
let certificateSource: CertificateSource | undefined;

/** The quizzes feature tells monitoring the results of people in courses (re-registering replaces). */
export function registerResultsSource(source: ResultsSource | undefined): void {
  resultsSource = source;
}

/** The certificates feature tells monitoring the certificate number of completed enrolments. */
export function registerCertificateSource(source: CertificateSource | undefined): void {
  certificateSource = source;
}

/** The results known for these people and courses; empty while no feature provides them. */
export async function resultsOf(
  personIds: string[],
  courseIds: string[],
  period: Period,
): Promise<CourseResult[]> {
  if (!resultsSource || !personIds.length || !courseIds.length) return [];
  return resultsSource(personIds, courseIds, period);
}

/** Certificate numbers by enrolment id; empty while no feature provides them. */
export async function certificatesOf(enrolmentIds: string[]): Promise<Map<string, string>> {
  if (!certificateSource || !enrolmentIds.length) return new Map();
  return certificateSource(enrolmentIds);
}
