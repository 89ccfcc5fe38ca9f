// Public surface of the privacy feature: the gate every page passes until the notice is confirmed. Its router is mounted by src/routes.ts.
export { requirePrivacyAcknowledgement } from './privacy.gate';
