// "A certificate is ready": told to the listeners other features register (src/routes.ts joins the
// learning feature's notice and mail to it) once the issuing transaction has committed and the PDF
// has been stored (or its render failed: the file is then made on first download, and the
// certificate exists all the same). Never inside the transaction: a rolled-back completion tells
// nobody, and a listener that fails changes no certificate.
import { Certificate } from './certificate.model';
import type { CertificateContent } from './content';
import { certificateRuntime } from './settings';

export interface CertificateIssued {
  certificateId: string;
  personId: string;
  courseId: string;
  courseTitle: string;
  number: string;
  issuedAt: Date;
  /** A reissue (a corrected certificate replacing an earlier one of the same enrolment). */
  reissued: boolean;
}

export type CertificateIssuedListener = (event: CertificateIssued) => Promise<void> | void;

const listeners: CertificateIssuedListener[] = [];

/** Another feature acts once a certificate was issued and committed (re-registering the same function adds nothing). */
export function onCertificateIssued(listener: CertificateIssuedListener): void {
  if (!listeners.includes(listener)) listeners.push(listener);
}

/** Tells the listeners about a committed certificate; nothing for an id that is not (or no longer) stored. */
export async function announceIssued(id: string): Promise<void> {
  if (listeners.length === 0) return;
  const certificate = await Certificate.findById(id, {
    person: 1,
    course: 1,
    number: 1,
    issuedAt: 1,
    content: 1,
    replaces: 1,
  }).lean();
  if (!certificate) return; // the transaction rolled back
  const event: CertificateIssued = {
    certificateId: id,
    personId: String(certificate.person),
    courseId: String(certificate.course),
    courseTitle: (certificate.content as CertificateContent).course.title,
    number: certificate.number,
    issuedAt: certificate.issuedAt,
    reissued: !!certificate.replaces,
  };
  for (const listener of listeners) {
    try {
      await listener(event);
    } catch (error) {
      certificateRuntime().logger?.error({ err: error, certificate: id }, 'certificate listener failed');
    }
  }
}
