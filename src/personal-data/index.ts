// Public surface of the personal-data feature: the access log other features record into,
// "Data saya", and the admin access-log page.
export * as accessLog from './access-log.service';
export type { AccessKind } from './access-log.model';
export { registerPersonalDataSection, type SectionName } from './personal-data.service';
export { personalDataRouter, MY_DATA_PATH } from './personal-data.routes';
export { accessLogRouter, ACCESS_LOG_PATH } from './access-log.routes';
