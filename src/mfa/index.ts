// Public surface of the second factor: sealing legacy secrets at start-up and the gate that sends unenrolled staff to enrol. Its routers are mounted by src/routes.ts.
export { sealPlainSecrets } from './mfa.service';
export { mfaKeys } from './mfa-crypto';
export { enforceMfaEnrolment } from './mfa.gate';
