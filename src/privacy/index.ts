// Public surface of the privacy feature: the notice page, its confirmation and the gate before it.
export * as privacy from './privacy.service';
export { PRIVACY_PATH, noticeUrl } from './privacy.service';
export { privacyRouter } from './privacy.routes';
export { requirePrivacyAcknowledgement } from './privacy.gate';
