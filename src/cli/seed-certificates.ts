// The demo's completions: the demo learning (src/cli/seed-learning.ts) writes finished courses with
// every lesson done; here they are completed through the learning feature's completion path
// (completeFinishedEnrolments), each at its last lesson, so the JP ledger, the notices, the course
// evaluation invitations and the certificates (issued by the completion hook in the same transaction,
// numbered per WIB year in the order of completion) are exactly what live completions leave. Running
// it again completes nothing twice. The completion hooks must be joined (src/routes.ts
// connectFeatures: createApp does it; the seed CLI calls it).
import type { Config } from '../config';
import { configureCertificates } from '../certificates';
import { completeFinishedEnrolments } from '../learning';

export interface CertificateSeedReport {
  /** Demo enrolments completed now (each with its certificate). */
  issued: number;
}

export async function seedDemoCertificates(config: Config, now: Date): Promise<CertificateSeedReport> {
  configureCertificates(config);
  return { issued: await completeFinishedEnrolments(now) };
}
