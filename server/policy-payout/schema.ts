import { z } from 'zod';
import { Grade } from '../approval/schema.ts';
import { Line, Prose, refuseControl } from '../chain/text.ts';
import { cls, clsAll, publicBecause } from '../chain/classification.ts';
import { sealedOf } from '../chain/sealing/envelope.ts';
import { Fen, PositiveFen } from './money.ts';
import { RecordIdPattern } from './stateKeys.ts';

/**
 * Payloads of the payout module's transactions: the single source of their types. Amounts use
 * money.ts, whose issues carry a code per mistake (negative, fractional, too large, ...).
 */

/** free text; names and titles are Line */
const Text = Prose;
const id = (prefix: string, example: string) => cls(z.string().regex(RecordIdPattern(prefix), `an id like ${example}`), 'public');
const pub = <S extends z.ZodType>(s: S) => cls(s, 'public');
const party = <S extends z.ZodType>(s: S) => cls(s, 'party');
export const PolicyId = id('PL', 'PL-12-0');
export const ApplicationId = id('PA', 'PA-12-0');
export const AwardId = id('AW', 'AW-12-0');
export const ObjectionId = id('OB', 'OB-12-0');
export const RunId = id('PR', 'PR-12-0');
export const CreditCode = pub(z.string().regex(/^[0-9A-HJ-NP-RTUWXY]{18}$/, 'an 18-character unified social credit code'));
export const IndustryPrefix = pub(z.string().regex(/^[A-T]([0-9]{2,4})?$/, 'a GB/T 4754 industry code or prefix like C or C39'));

/** One eligibility check asked of another department's data as a yes/no privacy query. */
export const PrivacyRule = z.strictObject(clsAll({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a rule id like tax or insured'),
  label: Line(80),
  field: z.string().regex(/^[a-z]+(\.[a-zA-Z]+)+$/).max(31),
  period: z.string().regex(/^[0-9]{4,8}$/, 'a period is 4 to 8 digits, e.g. 2025'),
  predicate: z.strictObject({
    kind: z.enum(['gte', 'lte', 'range', 'eq', 'dateValid', 'inSet', 'notInSet']),
    params: z.record(z.string(), z.union([z.string().max(80).superRefine(refuseControl(false)), z.number().int()])),
  }),
  /** set questions (enforcement cases): the day window whose root the predicate names */
  set: z.strictObject({ from: z.string().regex(/^[0-9]{8}$/), to: z.string().regex(/^[0-9]{8}$/) }).optional(),
  /** the enterprise's consent on its filing, or a statute in the consortium's privacy rules */
  basis: z.discriminatedUnion('type', [z.strictObject({ type: z.literal('consent') }), z.strictObject({ type: z.literal('statute'), rule: z.string().min(1).max(41) })]).default({ type: 'consent' }),
}, 'public'));
export type PrivacyRule = z.infer<typeof PrivacyRule>;

export const Eligibility = z.strictObject({
  privacy: z.array(PrivacyRule).max(8).default([]),
  minGrade: Grade.optional(),
  /** GB/T 4754 codes or prefixes of the filing's industry; empty means any */
  industries: z.array(IndustryPrefix).max(20).default([]),
  /** district names the filing's address must contain; empty means any */
  regions: pub(z.array(Line(20)).max(20)).default([]),
});
export type Eligibility = z.infer<typeof Eligibility>;

/** Public: a policy is published to every enterprise. */
export const PolicyPublish = z.strictObject({
  title: pub(Line(100)),
  legalBasis: pub(Text(300)),
  summary: pub(Text(2000)).optional(),
  budgetFen: pub(PositiveFen),
  capFen: pub(PositiveFen),
  eligibility: Eligibility.prefault({}),
  /** block time, ms since 1970 */
  window: pub(z.strictObject({ opensAt: z.number().int().min(0), closesAt: z.number().int().min(0) })),
  review: pub(z.strictObject({ method: z.enum(['expert', 'none']), experts: z.number().int().min(1).max(9).default(3) })),
  /** 公示期 in days of block time */
  publicityDays: pub(z.number().int().min(1).max(60)),
  exclusionGroup: pub(z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a group id of lowercase letters, digits and dashes')).optional(),
  /** a new version of a published policy names the one it replaces */
  supersedes: PolicyId.optional(),
});
export type PolicyPublish = z.infer<typeof PolicyPublish>;

/**
 * The settlement account as the enterprise enters it and the finance office pays it. An
 * enterprise's account is printed on every invoice it issues (开户行及账号), so it is no secret,
 * but it is the parties' business: the policy department and finance. On the ledger only its
 * name is in plaintext (`SealedPayee`).
 */
export const Payee = cls(z.strictObject({
  name: Line(100),
  account: z.string().regex(/^[0-9]{8,32}$/, 'an account number of 8 to 32 digits'),
  bankName: Line(60),
  /** CNAPS bank code (大额支付行号) */
  bankCode: z.string().regex(/^[0-9]{12}$/, 'a 12-digit CNAPS bank code'),
}), 'party');
export type Payee = z.infer<typeof Payee>;

/** What is sealed of the payee: the account and its bank. */
export const PayeeBank = Payee.omit({ name: true });
export type PayeeBank = z.infer<typeof PayeeBank>;

/**
 * The payee as the ledger carries it. The name stays public: the chain pays only an account in
 * the applicant's own name, the applicant's name is public (filing, publication list), and the
 * contract can hold that rule only on what it can read. Account, bank name and bank code are
 * sealed in the enterprise's browser to the policy department and the finance office
 * (`payeeSeal.ts`).
 */
export const SealedPayee = z.strictObject({
  name: pub(Line(100)),
  bank: sealedOf(cls(PayeeBank, 'party')),
});
export type SealedPayee = z.infer<typeof SealedPayee>;

const AttachmentHash = pub(z.string().regex(/^[0-9a-f]{64}$/));
/** An attachment as the ledger carries it: hash, type and size; its file name is sealed (`attachmentNames`). */
export const Attachment = z.strictObject({
  hash: AttachmentHash,
  type: pub(z.enum(['pdf', 'png', 'jpeg'])),
  size: pub(z.number().int().min(1).max(5 * 1024 * 1024)),
});
/** An attachment as the enterprise lists it, before its name is sealed. */
export const AttachmentDraft = Attachment.extend({ name: party(Line(120)) });
export type AttachmentDraft = z.infer<typeof AttachmentDraft>;
/** The attachments' file names by hash, in one envelope. */
export const AttachmentNames = z.record(AttachmentHash, party(Line(120)));
export type AttachmentNames = z.infer<typeof AttachmentNames>;

/**
 * What the enterprise says and attaches is for the department that decides (its experts read it
 * on that department's node): the statement and the attachments' names are sealed in the
 * enterprise's browser to the policy's department alone; the finance office pays the published
 * amount to the sealed account and needs neither. The amount requested stays public: the
 * contract holds it to the cap here and the award to it at the decision and the resolution.
 */
export const PayoutApply = z.strictObject({
  policy: PolicyId,
  /** the filing version the enterprise applies with (no re-entry: everything else comes from it) */
  filingVersion: pub(z.number().int().min(1)),
  requestedFen: publicBecause(PositiveFen, 'contract code compares it: at most the policy cap (payout.apply), and the award at most it (payout.decide, payout.resolve); the award itself is published').optional(),
  statement: sealedOf(party(Text(2000))),
  attachments: z.array(Attachment).max(10).default([]),
  /** required when there are attachments */
  attachmentNames: sealedOf(AttachmentNames).optional(),
  payee: SealedPayee,
});

export const PayoutAdvance = z.strictObject({ application: ApplicationId });

export const ExpertRegister = z.strictObject(clsAll({
  encKey: z.string().regex(/^[0-9a-f]{64}$/, 'an X25519 public key, 64 hex characters'),
  conflicts: z.strictObject({ enterprises: z.array(CreditCode).max(200).default([]), industries: z.array(IndustryPrefix).max(50).default([]) }).prefault({}),
}, 'public'));

export const ExpertConflicts = z.strictObject({
  expert: pub(z.string().regex(/^[a-z0-9_.-]{2,64}$/)),
  enterprises: z.array(CreditCode).max(200).default([]),
  industries: z.array(IndustryPrefix).max(50).default([]),
});

/**
 * An expert's review. The opinion and the recommended amount are sealed by the expert's node to
 * the policy's department before it is signed (they are for the department that decides, and no
 * contract reads them). The score stays public, for a reason: the contract sums the scores into
 * the mean the decision is recorded beside, so anyone holding the ledger can check a decision
 * against the panel's mean.
 */
export const PayoutReview = z.strictObject({
  application: ApplicationId,
  score: publicBecause(z.number().int().min(0).max(100), 'contract code computes the panel\'s mean score from it (payout.review), the figure the decision is taken and audited on'),
  opinion: sealedOf(party(Text(2000))),
  recommendFen: sealedOf(party(Fen)).optional(),
});
/** The review as the expert writes it, before the node seals the opinion and the recommendation. */
export const ReviewDraft = PayoutReview.omit({ application: true }).extend({ opinion: party(Text(2000)), recommendFen: party(Fen).optional() });

/**
 * A drawn expert steps back from one application (回避) before scoring it, saying why. The reason
 * is sealed by the expert's node to the application's department before it is signed.
 */
export const PayoutRecuse = z.strictObject({
  application: ApplicationId,
  reason: sealedOf(party(Text(500))),
});
/** The recusal as the expert writes it, before the node seals the reason. */
export const RecuseDraft = PayoutRecuse.omit({ application: true }).extend({ reason: party(Text(500)) });

/**
 * The decision and amount stay public (they move the budget and go on the publicity list); the
 * reasons are sealed by the policy department's node to itself before it signs, and reach the
 * enterprise through that department's read model.
 */
export const PayoutDecide = z.strictObject({
  application: ApplicationId,
  decision: pub(z.enum(['approve', 'reject'])),
  amountFen: pub(PositiveFen).optional(),
  reasons: sealedOf(party(Text(2000))),
});
/** The decision as the officer writes it, before the node seals the reasons. */
export const DecisionDraft = PayoutDecide.omit({ application: true }).extend({ reasons: party(Text(2000)) });

export const PayoutPublicise = z.strictObject({ policy: PolicyId });

/**
 * An objection's reasons are sealed to the policy's department, which resolves it: by the
 * enterprise's browser, or by the objecting staff member's node before it signs. That an
 * objection is open stays public: it holds the award back.
 */
export const PayoutObject = z.strictObject({ award: AwardId, reasons: sealedOf(party(Text(2000))) });
/** The objection as staff write it, before the node seals the reasons. */
export const ObjectDraft = PayoutObject.omit({ award: true }).extend({ reasons: party(Text(2000)) });

/** As the decision: the outcome and amount public, the reasons sealed to the policy's department. */
export const PayoutResolve = z.strictObject({
  objection: ObjectionId,
  outcome: pub(z.enum(['dismiss', 'withdraw', 'change'])),
  amountFen: pub(PositiveFen).optional(),
  reasons: sealedOf(party(Text(2000))),
});
/** The resolution as the officer writes it, before the node seals the reasons. */
export const ResolveDraft = PayoutResolve.omit({ objection: true }).extend({ reasons: party(Text(2000)) });

export const PayoutRelease = z.strictObject({ policy: PolicyId });

export const PayoutRun = z.strictObject({
  policy: PolicyId,
  /** include awards whose last attempt failed (each gets a new attempt and end-to-end id) */
  retryFailed: pub(z.boolean()).default(false),
});

/** The second finance officer's word on a prepared run (maker-checker). */
export const PayoutRunApprove = z.strictObject({ run: RunId });
/** The reason is public: it says why a run was sent back, and names no payee. */
export const PayoutRunReject = z.strictObject({ run: RunId, reason: pub(Text(500)) });

/** One line of the bank's answer as finance reads it (pain.002 or CSV), before the node seals it. */
export const SettlementItem = z.strictObject({
  endToEndId: pub(z.string().regex(/^AW-[0-9]+-[0-9]+-[0-9]+$/).max(35)),
  outcome: pub(z.enum(['settled', 'failed'])),
  bankRef: party(Line(35)).optional(),
  reason: party(Text(200)).optional(),
});
export type SettlementItem = z.infer<typeof SettlementItem>;

/**
 * The line as signed: the bank's reference and failure reason are sealed by the finance office's
 * node to the finance office and the policy's department; the outcome stays public, since it moves
 * the books.
 */
export const SealedSettlementItem = SettlementItem.extend({
  bankRef: sealedOf(party(Line(35))).optional(),
  reason: sealedOf(party(Text(200))).optional(),
});

export const PayoutSettle = z.strictObject({ run: RunId, results: z.array(SealedSettlementItem).min(1).max(400) });
