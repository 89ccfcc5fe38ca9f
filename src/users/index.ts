// Public surface of the users feature: people administration, the sign-in part of a person's
// record (`credentials`, for auth, mfa and privacy), passwords, NIPs and ranks, and the accounts
// the command line and the seed use. The User model stays inside this folder.
export * as users from './users.service';
export * as credentials from './credentials';
export * as passwords from './passwords';
export * as peopleImport from './import/import.service';
export {
  findAccount,
  namesOf,
  ownRecord,
  hasPeople,
  grantAdmin,
  addMissingPeople,
  authorsOf,
  accountRoles,
  learnersByNip,
  personForCertificate,
  peopleIdsInScope,
  type NewPerson,
} from './accounts';
export { rememberPersonRecord } from './person-record';
export {
  contactOf,
  inviteesFor,
  signInStateOf,
  type Contact,
  type Invitee,
  type InviteeSelector,
} from './contacts';
export {
  assigneesFor,
  isInPeopleScope,
  hrStaffOf,
  scopeOpd,
  type Assignee,
  type AssigneeSelector,
} from './assignees';
export { peopleInScope, type PeopleFilter, type ScopedPerson } from './people-in-scope';
export { registerPeopleDashboard } from './users.dashboard';
export { formatNip, isValidNip, normaliseNip, canonicalIdentifier, maskNip } from './nip';
export { pangkatOf, PNS_RANKS, PPPK_GOLONGAN, type EmployeeType } from './ranks';
