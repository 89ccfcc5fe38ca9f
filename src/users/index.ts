// Public surface of the users feature: the people service and the NIP/rank helpers.
export * as users from './users.service';
export * as peopleOverview from './users.overview';
export { formatNip, maskNip, parseNip, isValidNip, normaliseNip } from './nip';
export { rankLabel, pangkatOf } from './ranks';
