// Public surface of the password-links feature: invitations (HR, admins, the demo seed) and the
// forgotten-password request. Its routers are mounted by src/routes.ts.
export * as invitations from './invitations.service';
export { requestPasswordReset, type RecoveryOutcome } from './recovery.service';
export { linkState, purgeOlderThan as purgePasswordLinksOlderThan } from './password-links.service';
