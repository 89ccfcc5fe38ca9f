// Public surface of the institutions feature: the admin service, and the references other features
// read (an institution's code and name, form choices, the OPDs of an import) through one cache.
export * as institutions from './institutions.service';
export {
  institutionRef,
  institutionRefs,
  institutionChoices,
  isCityWideHrOpd,
  isInstitutionOfKind,
  opdsByCode,
  type InstitutionRef,
} from './institution-refs';
export { INSTITUTION_KINDS, type InstitutionKind } from './institution.model';
export { registerInstitutionsDashboard } from './institutions.dashboard';
export { certificateLogos, LOGO_MAX_BYTES } from './logos';
