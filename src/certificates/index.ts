// Public surface of the certificates feature: issuance at completion (called by the learning
// feature inside its completion transaction), the results provider the learning and quiz features
// register for page 2, and the configuration the app sets. Routers are mounted by src/routes.ts.
export { issueCertificateOnCompletion, issueMissingCertificates, type CompletionEvent } from './issuance';
export { onCertificateIssued, type CertificateIssued, type CertificateIssuedListener } from './events';
export { registerResultsProvider, type ResultsProvider } from './results';
export type { CertificateResults } from './pdf';
export { configureCertificates } from './settings';
export { certificateNumbers } from './certificates.service';

import { registerPersonalDataSection } from '../personal-data';
import { certificatesOf } from './certificates.service';

/** "Data saya" lists the person's certificates (number, course, JP, date, status). */
export function registerCertificateSections(): void {
  registerPersonalDataSection('certificates', async (userId) =>
    (await certificatesOf(userId)).map((c) => ({
      number: c.number,
      course: c.courseTitle,
      jp: c.jp,
      issuedAt: c.issuedAt,
      status: c.status,
      ...(c.revokedReason ? { revokedReason: c.revokedReason } : {}),
    })),
  );
}
