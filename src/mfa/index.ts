// Public surface of the admin side of the second factor (the sign-in side is in src/auth).
export { mfaAdminRouter, MFA_ADMIN_PATH } from './mfa-admin.routes';
export * as mfaAdmin from './mfa-admin.service';
