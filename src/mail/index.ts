// Public surface of the mail feature: queue a mail (rendered in the recipient's language), the
// worker the server starts, the retention purge, and the "Data saya" section. Its router is mounted
// by src/routes.ts.
import { registerPersonalDataSection } from '../personal-data';
import { mailsTo } from './mail.service';

export * as mail from './mail.service';
export type { MailConfig, Recipient } from './mail.service';
export { MESSAGE_KINDS, type MessageKind, type MessageData } from './messages';
export { createMailWorker, smtpTransport, retryDelayMs, type MailTransport, type MailWorker } from './worker';

/** "Data saya" lists the mails sent to the person. */
export function registerMailSections(): void {
  registerPersonalDataSection('mails', mailsTo);
}
