// Demo certificates: the certificates of the demo's completed enrolments that have none. The demo
// learning records are written in bulk (src/cli/seed-learning.ts), without the completion
// transaction that issues a certificate, so this step issues them through the certificates
// service, oldest completion first (numbers follow the order of completion). Completions that went
// through learning's completion seam have theirs already and are skipped; running it again issues
// nothing.
import type { Config } from '../config';
import { configureCertificates, issueMissingCertificates } from '../certificates';
import { completedEnrolments, type CompletedEnrolment } from '../learning';

export interface CertificateSeedReport {
  issued: number;
}

/** Issues the certificates missing for completed enrolments. */
export async function seedDemoCertificates(config: Config): Promise<CertificateSeedReport> {
  configureCertificates(config);
  const completions: CompletedEnrolment[] = [];
  for await (const completion of completedEnrolments()) completions.push(completion);
  return { issued: await issueMissingCertificates(completions) };
}
