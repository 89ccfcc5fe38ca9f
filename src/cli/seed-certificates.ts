// The demo's completions: the demo learning (src/cli/seed-learning.ts) writes finished courses with
// every lesson done; here they are completed through the learning feature's completion path
// (completeFinishedEnrolments), each at its last lesson, so the JP ledger, the notices, the course
// evaluation invitations and the certificates (issued by the completion hook in the same transaction,
// numbered per WIB year in the order of completion) are exactly what live completions leave. Any
// completed enrolment still without a certificate (written in bulk by an older demo) then gets one
// through the certificates service, oldest first. Running it again completes and issues nothing. The
// completion hooks must be joined (src/routes.ts connectFeatures: createApp does it; the seed CLI
// calls it).
import type { Config } from '../config';
import { configureCertificates, issueMissingCertificates } from '../certificates';
import { completedEnrolments, completeFinishedEnrolments, type CompletedEnrolment } from '../learning';

export interface CertificateSeedReport {
  /** Certificates issued now: for the demo enrolments completed now, and any completion still without one. */
  issued: number;
}

export async function seedDemoCertificates(config: Config, now: Date): Promise<CertificateSeedReport> {
  configureCertificates(config);
  const completed = await completeFinishedEnrolments(now);
  const completions: CompletedEnrolment[] = [];
  for await (const completion of completedEnrolments()) completions.push(completion);
  return { issued: completed + (await issueMissingCertificates(completions)) };
}
