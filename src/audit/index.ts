// Public surface of the audit feature.
export * as audit from './audit.service';
export type { AuditActor, AuditContext, AuditEvent } from './audit.service';
