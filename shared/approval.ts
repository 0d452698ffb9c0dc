/**
 * Approval's records, payload schemas' types and process definitions as the portal uses them.
 * They stay beside their contracts (their zod schemas are what the chain checks); this is the
 * portal's door to them, type-only.
 */
export type { CheckDef, ProcessDef, StageDef } from '../server/approval/processes.ts';
export type {
  ApplicationRecord, AppStatus, CaseRecord, CheckResult, DecisionRecord, EnterpriseRecord, FilingRecord, FindingRecord, InspectionRecord, LicenceRecord, StageRecord,
} from '../server/approval/records.ts';
export type { Consent, Finding, Grade, Material, MaterialType, Profile, Severity } from '../server/approval/schema.ts';
export type { FilingView, Opened, SealedMarker } from '../server/approval/readModel/openedTypes.ts';
