import { z } from 'zod';
import { DeptId, Hash } from '../chain/schema.ts';
import { Line, Prose } from '../chain/text.ts';
import { QuestionSpec } from '../privacy-query/questions.ts';

/**
 * Payloads of the approval module's transactions: the single source of their types. Record
 * shapes kept in state are in records.ts. Credit codes are checked by the handlers (not here)
 * so a wrong one is refused with its own code, BAD_CREDIT_CODE, and the expected check character.
 */

export const CreditCodeField = z.string().min(1).max(40);
/** Money in integer fen, as a decimal string (no floats anywhere on the ledger). */
export const Fen = z.string().regex(/^(0|[1-9][0-9]{0,17})$/, 'an amount in fen: a decimal string of digits, no leading zeros');
export const PublicKey = z.string().regex(/^[0-9a-f]{64,130}$/, 'a public key in lowercase hex');
export const Grade = z.enum(['A', 'B', 'C', 'D']);
export type Grade = z.infer<typeof Grade>;
export const Severity = z.enum(['minor', 'major', 'severe']);
export type Severity = z.infer<typeof Severity>;
export const MaterialType = z.enum(['pdf', 'png', 'jpeg']);
export type MaterialType = z.infer<typeof MaterialType>;
export const MAX_MATERIAL_BYTES = 5 * 1024 * 1024;
/** free text; names and titles are Line */
const Text = Prose;
const RecordId = z.string().regex(/^[A-Z]{2}-[0-9]+-[0-9]+(-[0-9]+)?$/, 'a record id like AP-12-0');

// ------------------------------------------------------------------ enterprises

export const EnterpriseRegister = z.strictObject({
  code: CreditCodeField,
  name: Line(100),
  publicKey: PublicKey,
  /** how the window verified who is registering (identity documents seen, by whom) */
  verification: z.strictObject({ method: z.enum(['window', 'eLicence', 'legalRepFace']), note: Text(200).optional() }),
});

export const EnterpriseRotateKey = z.strictObject({
  code: CreditCodeField,
  publicKey: PublicKey,
  reason: z.enum(['lost', 'compromised', 'routine', 'staffChange']),
  note: Text(200).optional(),
});

// ------------------------------------------------------------------ filings (一表申报)

export const Contact = z.strictObject({
  name: Line(32),
  role: Line(32).optional(),
  phone: z.string().regex(/^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$/, 'a mainland mobile or landline number'),
  email: z.string().email().max(100).optional(),
});

export const Profile = z.strictObject({
  name: Line(100),
  legalRepresentative: Line(32),
  address: Line(200),
  /** GB/T 4754 industry class, e.g. E47 (房屋建筑业) */
  industry: z.strictObject({ code: z.string().regex(/^[A-T]([0-9]{2,4})?$/, 'a GB/T 4754 industry code like E47'), name: Line(50) }),
  registeredCapitalFen: Fen,
  employees: z.number().int().min(0).max(1_000_000),
  contacts: z.array(Contact).min(1).max(5),
});
export type Profile = z.infer<typeof Profile>;

export const Material = z.strictObject({
  hash: Hash,
  name: Line(120),
  type: MaterialType,
  size: z.number().int().min(1).max(MAX_MATERIAL_BYTES),
  /** what the paper is: 营业执照, 法定代表人身份证明, 场地使用证明, ... */
  category: Line(40),
});
export type Material = z.infer<typeof Material>;

/** A 告知承诺书: its text is part of the signed transaction, so the enterprise cannot deny it. */
export const Commitment = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
  title: Line(100),
  text: Text(2000),
  accepted: z.literal(true),
});

/**
 * The enterprise lets one department ask about one of its figures (held by another department)
 * for a purpose. `dept` is the department that asks: the privacy-query contract accepts a
 * consent-based question only from it (server/privacy-query/raise.ts).
 */
export const Consent = z.strictObject({
  dept: DeptId,
  field: z.string().regex(/^[a-z]+(\.[a-zA-Z]+)+$/, 'a field like tax.paidAnnual'),
  purpose: Text(200),
  /** the questions consented to (server/privacy-query/questions.ts); none: only those an application of the enterprise's own asks */
  questions: z.array(QuestionSpec).max(5).optional(),
});
export type Consent = z.infer<typeof Consent>;

const FilingBody = {
  code: CreditCodeField,
  profile: Profile,
  materials: z.array(Material).max(30),
  commitments: z.array(Commitment).max(10),
  consents: z.array(Consent).max(20),
};
export const FilingSubmit = z.strictObject(FilingBody);
export type FilingSubmit = z.infer<typeof FilingSubmit>;
/** An amendment names the version it amends, so two concurrent edits can't silently overwrite. */
export const FilingAmend = z.strictObject({ ...FilingBody, baseVersion: z.number().int().min(1) });

// ------------------------------------------------------------------ approvals (审批)

export const ApprovalApply = z.strictObject({
  process: z.string().regex(/^[a-z][a-zA-Z0-9-]{1,40}$/),
  project: z.strictObject({
    name: Line(100),
    location: Line(200).optional(),
    investmentFen: Fen.optional(),
    description: Text(1000).optional(),
  }),
  /** 告知承诺制: approve now on this signed commitment, check afterwards */
  commitment: z.strictObject({ letter: Text(2000), accepted: z.literal(true) }).optional(),
});

export const Evidence = z.strictObject({
  type: z.enum(['dossierView', 'material', 'licence', 'inspection', 'case', 'privacyAnswer', 'siteVisit', 'note']),
  ref: Line(120),
});
export type Evidence = z.infer<typeof Evidence>;

export const ApprovalDecide = z.strictObject({
  app: RecordId,
  stage: z.string().regex(/^[a-z][a-zA-Z0-9]{1,40}$/),
  decision: z.enum(['approve', 'reject', 'return']),
  opinion: Text(2000),
  evidence: z.array(Evidence).max(20).default([]),
});

export const ApprovalSupplement = z.strictObject({
  app: RecordId,
  note: Text(2000),
  /** new materials for the returned stage; they are also on the (amended) filing */
  materials: z.array(Material).max(10).default([]),
});

export const LicenceRevoke = z.strictObject({ licence: RecordId, reason: Text(500) });

// ------------------------------------------------------------------ supervision and enforcement (审管执)

export const InspectionPlan = z.strictObject({
  code: CreditCodeField,
  subject: Line(200),
  app: RecordId.optional(),
  licence: RecordId.optional(),
  /** working days within which it should happen */
  withinDays: z.number().int().min(1).max(250).default(20),
});

export const Finding = z.strictObject({
  severity: Severity,
  category: Line(60),
  description: Text(1000),
  legalBasis: Text(200).optional(),
  /** the inspector asks for enforcement whatever the severity */
  enforce: z.boolean().optional(),
});
export type Finding = z.infer<typeof Finding>;

export const InspectionRecordPayload = z.strictObject({
  /** the planned inspection this completes; absent for an ad hoc one */
  inspection: RecordId.optional(),
  code: CreditCodeField.optional(),
  subject: Line(200).optional(),
  app: RecordId.optional(),
  licence: RecordId.optional(),
  result: z.enum(['pass', 'rectify', 'fail']),
  findings: z.array(Finding).max(20).default([]),
  note: Text(1000).optional(),
});

export const CaseOpen = z.strictObject({ code: CreditCodeField, subject: Line(200), severity: Severity, legalBasis: Text(200).optional() });

export const CaseDecide = z.strictObject({
  case: RecordId,
  type: z.enum(['penalty', 'warning', 'noViolation']),
  penaltyFen: Fen.default('0'),
  legalBasis: Text(200),
  opinion: Text(2000),
});

export const CaseClose = z.strictObject({ case: RecordId, outcome: z.enum(['paid', 'rectified', 'noAction']), note: Text(1000).optional() });

// ------------------------------------------------------------------ dossier and credit

export const DossierSection = z.enum(['profile', 'contacts', 'materials', 'licences', 'approvals', 'inspections', 'cases', 'caseDetails', 'credit', 'privacy', 'views']);
export type DossierSection = z.infer<typeof DossierSection>;

export const DossierView = z.strictObject({
  code: CreditCodeField,
  purpose: Text(200),
  sections: z.array(DossierSection).min(1).max(12),
  /** what was opened beyond the dossier itself, e.g. one material file */
  item: Line(120).optional(),
});

export const CreditRecompute = z.strictObject({ codes: z.array(CreditCodeField).min(1).max(200) });
