import { z } from 'zod';
import { cls, clsAll } from '../chain/classification.ts';
import { DeptId, Hash } from '../chain/schema.ts';
import { Line, Prose } from '../chain/text.ts';
import { QuestionSpec } from '../privacy-query/questions.ts';
import { sealedOf } from '../chain/sealing/envelope.ts';

/**
 * Payloads of the approval module's transactions: the single source of their types. Record
 * shapes kept in state are in records.ts. Credit codes are checked by the handlers (not here)
 * so a wrong one is refused with its own code, BAD_CREDIT_CODE, and the expected check character.
 */

export const CreditCodeField = cls(z.string().min(1).max(40), 'public');
/** Money in integer fen, as a decimal string (no floats anywhere on the ledger). */
export const Fen = cls(z.string().regex(/^(0|[1-9][0-9]{0,17})$/, 'an amount in fen: a decimal string of digits, no leading zeros'), 'public');
export const PublicKey = cls(z.string().regex(/^[0-9a-f]{64,130}$/, 'a public key in lowercase hex'), 'public');
export const Grade = cls(z.enum(['A', 'B', 'C', 'D']), 'public');
export type Grade = z.infer<typeof Grade>;
export const Severity = cls(z.enum(['minor', 'major', 'severe']), 'public');
export type Severity = z.infer<typeof Severity>;
export const MaterialType = cls(z.enum(['pdf', 'png', 'jpeg']), 'public');
export type MaterialType = z.infer<typeof MaterialType>;
export const MAX_MATERIAL_BYTES = 5 * 1024 * 1024;
/** free text; names and titles are Line */
const Text = Prose;
const RecordId = cls(z.string().regex(/^[A-Z]{2}-[0-9]+-[0-9]+(-[0-9]+)?$/, 'a record id like AP-12-0'), 'public');
const pub = <S extends z.ZodType>(s: S) => cls(s, 'public');
const party = <S extends z.ZodType>(s: S) => cls(s, 'party');
const personal = <S extends z.ZodType>(s: S) => cls(s, 'personal');

// ------------------------------------------------------------------ enterprises

// The clerk's notes are sealed by the window's node before it signs (staffSeal.ts): the drafts
// are what the clerk sends, the payloads what the ledger holds.
const VerificationMethod = pub(z.enum(['window', 'eLicence', 'legalRepFace']));
export const EnterpriseRegisterDraft = z.strictObject({
  code: CreditCodeField,
  name: pub(Line(100)),
  publicKey: PublicKey,
  /** how the window verified who is registering (identity documents seen, by whom) */
  verification: z.strictObject({ method: VerificationMethod, note: personal(Text(200)).optional() }),
});
export const EnterpriseRegister = EnterpriseRegisterDraft.extend({
  verification: z.strictObject({ method: VerificationMethod, note: sealedOf(personal(Text(200))).optional() }),
});

export const EnterpriseRotateKeyDraft = z.strictObject({
  code: CreditCodeField,
  publicKey: PublicKey,
  reason: pub(z.enum(['lost', 'compromised', 'routine', 'staffChange'])),
  note: party(Text(200)).optional(),
});
export const EnterpriseRotateKey = EnterpriseRotateKeyDraft.extend({ note: sealedOf(party(Text(200))).optional() });

// ------------------------------------------------------------------ filings (一表申报)

/** A person's contact details: personal, so sealed on the ledger (chain/sealing/). */
export const Contact = personal(z.strictObject({
  name: Line(32),
  role: Line(32).optional(),
  phone: z.string().regex(/^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$/, 'a mainland mobile or landline number'),
  email: z.string().email().max(100).optional(),
}));

/** A material's file name by its hash: the names say what the enterprise files, so they are sealed. */
export const MaterialNames = z.record(Hash, party(Line(120)));
export type MaterialNames = z.infer<typeof MaterialNames>;

/**
 * The filing's sealed part, one envelope (see FILING_SEAL_DEPTS): what it says about natural
 * persons, its headcount (no contract reads it: the credit score and the yes/no questions use the
 * social-insurance office's committed figure, never the filed one) and its materials' file names
 * (hash, size, type and category stay public, and the receiving node keeps the files).
 */
export const FilingPersonal = z.strictObject({
  legalRepresentative: personal(Line(32)),
  contacts: z.array(Contact).min(1).max(5),
  employees: party(z.number().int().min(0).max(1_000_000)).optional(),
  materialNames: MaterialNames.optional(),
});
export type FilingPersonal = z.infer<typeof FilingPersonal>;

export const Profile = z.strictObject({
  name: pub(Line(100)),
  address: pub(Line(200)),
  /** GB/T 4754 industry class, e.g. E47 (房屋建筑业) */
  industry: pub(z.strictObject({ code: z.string().regex(/^[A-T]([0-9]{2,4})?$/, 'a GB/T 4754 industry code like E47'), name: Line(50) })),
  registeredCapitalFen: Fen,
  /** legal representative, contacts, headcount and material names, sealed (FilingPersonal) */
  personal: sealedOf(FilingPersonal),
});
export type Profile = z.infer<typeof Profile>;

/** A material as the ledger carries it: its file name is sealed (FilingPersonal, ApprovalSupplement). */
export const Material = z.strictObject({
  hash: Hash,
  type: MaterialType,
  size: pub(z.number().int().min(1).max(MAX_MATERIAL_BYTES)),
  /** what the paper is: 营业执照, 法定代表人身份证明, 场地使用证明, ... */
  category: pub(Line(40)),
});
export type Material = z.infer<typeof Material>;
/** A material as the enterprise lists it, before its name is sealed. */
export const MaterialDraft = Material.extend({ name: party(Line(120)) });
export type MaterialDraft = z.infer<typeof MaterialDraft>;

/** A 告知承诺书: its text is part of the signed transaction, so the enterprise cannot deny it. */
/** Public: commitments under 告知承诺制 are published with the approval they earned. */
export const Commitment = z.strictObject(clsAll({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
  title: Line(100),
  text: Text(2000),
  accepted: z.literal(true),
}, 'public'));

/**
 * The enterprise lets one department ask about one of its figures (held by another department)
 * for a purpose. `dept` is the department that asks: the privacy-query contract accepts a
 * consent-based question only from it (server/privacy-query/raise.ts).
 */
export const Consent = z.strictObject(clsAll({
  dept: DeptId,
  field: z.string().regex(/^[a-z]+(\.[a-zA-Z]+)+$/, 'a field like tax.paidAnnual'),
  purpose: Text(200),
  /** the questions consented to (server/privacy-query/questions.ts); none: only those an application of the enterprise's own asks */
  questions: z.array(QuestionSpec).max(5).optional(),
}, 'public'));
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
export const FilingAmend = z.strictObject({ ...FilingBody, baseVersion: pub(z.number().int().min(1)) });

// ------------------------------------------------------------------ approvals (审批)

export const ApprovalApply = z.strictObject({
  process: pub(z.string().regex(/^[a-z][a-zA-Z0-9-]{1,40}$/)),
  project: z.strictObject({
    name: pub(Line(100)),
    location: pub(Line(200)).optional(),
    /** sealed in the enterprise's browser to the process's stage departments (staffSeal.ts) */
    investmentFen: sealedOf(party(Fen)).optional(),
    description: sealedOf(party(Text(1000))).optional(),
  }),
  /** 告知承诺制: approve now on this signed commitment, check afterwards */
  commitment: pub(z.strictObject({ letter: Text(2000), accepted: z.literal(true) })).optional(),
});

// An approver's opinion and what it consulted are sealed by the node before it signs
// (staffSeal.ts) to the departments owning a stage of the application; `*Draft` is what the
// approver sends to the route.
export const EvidenceDraft = z.strictObject({
  type: pub(z.enum(['dossierView', 'material', 'licence', 'inspection', 'case', 'privacyAnswer', 'siteVisit', 'note'])),
  ref: party(Line(120)),
});
export const Evidence = EvidenceDraft.extend({ ref: sealedOf(party(Line(120))) });
export type Evidence = z.infer<typeof Evidence>;

export const ApprovalDecideDraft = z.strictObject({
  app: RecordId,
  stage: pub(z.string().regex(/^[a-z][a-zA-Z0-9]{1,40}$/)),
  decision: pub(z.enum(['approve', 'reject', 'return'])),
  opinion: party(Text(2000)),
  evidence: z.array(EvidenceDraft).max(20).default([]),
});
export const ApprovalDecide = ApprovalDecideDraft.extend({
  opinion: sealedOf(party(Text(2000))),
  evidence: z.array(Evidence).max(20).default([]),
});

export const ApprovalSupplement = z.strictObject({
  app: RecordId,
  /** sealed in the enterprise's browser to the application's stage departments (staffSeal.ts) */
  note: sealedOf(party(Text(2000))),
  /** new materials for the returned stage; they are also on the (amended) filing */
  materials: z.array(Material).max(10).default([]),
  /** their file names, one envelope sealed as the note (required when there are materials) */
  materialNames: sealedOf(MaterialNames).optional(),
});

/** Public: a revocation is published (行政许可撤销公示). */
export const LicenceRevoke = z.strictObject({ licence: RecordId, reason: pub(Text(500)) });

/** A calendar day as written in China (YYYY-MM-DD); the contract checks that the day exists. */
export const IsoDay = pub(z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'a date as YYYY-MM-DD'));
/** The system a historical record comes from: part of its key, so lowercase letters, digits and hyphens. */
export const SourceSystem = pub(z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a source system id: 1 to 32 lowercase letters, digits or hyphens'));

/**
 * Public, like every licence (电子证照): one licence a department issued before it joined the
 * chain, kept as history with its original number and dates; (department, source, number) is its key.
 */
export const LicenceImport = z.strictObject({
  code: CreditCodeField,
  source: SourceSystem,
  number: pub(Line(64)),
  /** as a process names the licence it issues, e.g. foodBusiness */
  type: pub(z.string().regex(/^[a-z][a-zA-Z0-9-]{1,40}$/, 'a licence type: a letter, then letters, digits or hyphens, e.g. foodBusiness')),
  name: pub(Line(60)),
  issuedOn: IsoDay,
  validTo: IsoDay,
});
export type LicenceImport = z.infer<typeof LicenceImport>;

// ------------------------------------------------------------------ supervision and enforcement (审管执)

// Staff-authored text about an enterprise's conduct is party data: the acting department's node
// seals it before it signs (supervisionSeal.ts), to the departments with a basis for the matter.
// `*Draft` is what staff send to the routes; the payload carries the envelopes.

export const InspectionPlanDraft = z.strictObject({
  code: CreditCodeField,
  subject: party(Line(200)),
  app: RecordId.optional(),
  licence: RecordId.optional(),
  /** working days within which it should happen */
  withinDays: pub(z.number().int().min(1).max(250)).default(20),
});
export const InspectionPlan = InspectionPlanDraft.extend({ subject: sealedOf(party(Line(200))) });
export type InspectionPlan = z.infer<typeof InspectionPlan>;

export const FindingDraft = z.strictObject({
  /** public: it drives the loop (a case opens at the consortium's severity) and the credit score */
  severity: Severity,
  category: pub(Line(60)),
  description: party(Text(1000)),
  legalBasis: pub(Text(200)).optional(),
  /** the inspector asks for enforcement whatever the severity */
  enforce: pub(z.boolean()).optional(),
});
export const Finding = FindingDraft.extend({ description: sealedOf(party(Text(1000))) });
export type Finding = z.infer<typeof Finding>;

export const InspectionRecordDraft = z.strictObject({
  /** the planned inspection this completes; absent for an ad hoc one */
  inspection: RecordId.optional(),
  code: CreditCodeField.optional(),
  subject: party(Line(200)).optional(),
  app: RecordId.optional(),
  licence: RecordId.optional(),
  result: pub(z.enum(['pass', 'rectify', 'fail'])),
  findings: z.array(FindingDraft).max(20).default([]),
  note: party(Text(1000)).optional(),
});
export const InspectionRecordPayload = InspectionRecordDraft.extend({
  subject: sealedOf(party(Line(200))).optional(),
  findings: z.array(Finding).max(20).default([]),
  note: sealedOf(party(Text(1000))).optional(),
});

export const CaseOpenDraft = z.strictObject({ code: CreditCodeField, subject: party(Line(200)), severity: Severity, legalBasis: pub(Text(200)).optional() });
export const CaseOpen = CaseOpenDraft.extend({ subject: sealedOf(party(Line(200))) });

export const CaseDecideDraft = z.strictObject({
  case: RecordId,
  /** type, penalty and basis are public: administrative penalties are published (行政处罚公示) */
  type: pub(z.enum(['penalty', 'warning', 'noViolation'])),
  penaltyFen: Fen.default('0'),
  legalBasis: pub(Text(200)),
  opinion: party(Text(2000)),
});
export const CaseDecide = CaseDecideDraft.extend({ opinion: sealedOf(party(Text(2000))) });

export const CaseCloseDraft = z.strictObject({ case: RecordId, outcome: pub(z.enum(['paid', 'rectified', 'noAction'])), note: party(Text(1000)).optional() });
export const CaseClose = CaseCloseDraft.extend({ note: sealedOf(party(Text(1000))).optional() });

// ------------------------------------------------------------------ dossier and credit

export const DossierSection = pub(z.enum(['profile', 'contacts', 'materials', 'licences', 'approvals', 'inspections', 'cases', 'caseDetails', 'credit', 'privacy', 'views']));
export type DossierSection = z.infer<typeof DossierSection>;

/** Public: every cross-department read is on the ledger with its purpose, for anyone auditing. */
export const DossierView = z.strictObject({
  code: CreditCodeField,
  purpose: pub(Text(200)),
  sections: z.array(DossierSection).min(1).max(12),
  /** what was opened beyond the dossier itself, e.g. one material file */
  item: pub(Line(120)).optional(),
});

export const CreditRecompute = z.strictObject({ codes: z.array(CreditCodeField).min(1).max(200) });
