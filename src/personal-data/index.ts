// Public surface of the personal-data feature: the access log other features record into, and the
// sections of "Data saya" they fill. Its routers are mounted by src/routes.ts.
export * as accessLog from './access-log.service';
export type { AccessKind } from './access-log.model';
export { registerPersonalDataSection, type SectionName } from './personal-data.sections';
