// Public surface of the institutions feature.
export * as institutions from './institutions.service';
export { BKPSDM_CODE, INSTITUTION_KINDS, type InstitutionKind } from './institution.model';
