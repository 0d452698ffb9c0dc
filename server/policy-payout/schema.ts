import { z } from 'zod';
import { Grade } from '../approval/schema.ts';
import { Line, Prose, refuseControl } from '../chain/text.ts';
import { Fen, PositiveFen } from './money.ts';
import { RecordIdPattern } from './stateKeys.ts';

/**
 * Payloads of the payout module's transactions: the single source of their types. Amounts use
 * money.ts, whose issues carry a code per mistake (negative, fractional, too large, ...).
 */

/** free text; names and titles are Line */
const Text = Prose;
const id = (prefix: string, example: string) => z.string().regex(RecordIdPattern(prefix), `an id like ${example}`);
export const PolicyId = id('PL', 'PL-12-0');
export const ApplicationId = id('PA', 'PA-12-0');
export const AwardId = id('AW', 'AW-12-0');
export const ObjectionId = id('OB', 'OB-12-0');
export const RunId = id('PR', 'PR-12-0');
export const CreditCode = z.string().regex(/^[0-9A-HJ-NP-RTUWXY]{18}$/, 'an 18-character unified social credit code');
export const IndustryPrefix = z.string().regex(/^[A-T]([0-9]{2,4})?$/, 'a GB/T 4754 industry code or prefix like C or C39');

/** One eligibility check asked of another department's data as a yes/no privacy query. */
export const PrivacyRule = z.strictObject({
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
});
export type PrivacyRule = z.infer<typeof PrivacyRule>;

export const Eligibility = z.strictObject({
  privacy: z.array(PrivacyRule).max(8).default([]),
  minGrade: Grade.optional(),
  /** GB/T 4754 codes or prefixes of the filing's industry; empty means any */
  industries: z.array(IndustryPrefix).max(20).default([]),
  /** district names the filing's address must contain; empty means any */
  regions: z.array(Line(20)).max(20).default([]),
});
export type Eligibility = z.infer<typeof Eligibility>;

export const PolicyPublish = z.strictObject({
  title: Line(100),
  legalBasis: Text(300),
  summary: Text(2000).optional(),
  budgetFen: PositiveFen,
  capFen: PositiveFen,
  eligibility: Eligibility.prefault({}),
  /** block time, ms since 1970 */
  window: z.strictObject({ opensAt: z.number().int().min(0), closesAt: z.number().int().min(0) }),
  review: z.strictObject({ method: z.enum(['expert', 'none']), experts: z.number().int().min(1).max(9).default(3) }),
  /** 公示期 in days of block time */
  publicityDays: z.number().int().min(1).max(60),
  exclusionGroup: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a group id of lowercase letters, digits and dashes').optional(),
  /** a new version of a published policy names the one it replaces */
  supersedes: PolicyId.optional(),
});
export type PolicyPublish = z.infer<typeof PolicyPublish>;

/** The settlement account. An enterprise's account is printed on every invoice it issues (开户行及账号), so it is no secret. */
export const Payee = z.strictObject({
  name: Line(100),
  account: z.string().regex(/^[0-9]{8,32}$/, 'an account number of 8 to 32 digits'),
  bankName: Line(60),
  /** CNAPS bank code (大额支付行号) */
  bankCode: z.string().regex(/^[0-9]{12}$/, 'a 12-digit CNAPS bank code'),
});
export type Payee = z.infer<typeof Payee>;

export const Attachment = z.strictObject({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  name: Line(120),
  type: z.enum(['pdf', 'png', 'jpeg']),
  size: z.number().int().min(1).max(5 * 1024 * 1024),
});

export const PayoutApply = z.strictObject({
  policy: PolicyId,
  /** the filing version the enterprise applies with (no re-entry: everything else comes from it) */
  filingVersion: z.number().int().min(1),
  requestedFen: PositiveFen.optional(),
  statement: Text(2000),
  attachments: z.array(Attachment).max(10).default([]),
  payee: Payee,
});

export const PayoutAdvance = z.strictObject({ application: ApplicationId });

export const ExpertRegister = z.strictObject({
  encKey: z.string().regex(/^[0-9a-f]{64}$/, 'an X25519 public key, 64 hex characters'),
  conflicts: z.strictObject({ enterprises: z.array(CreditCode).max(200).default([]), industries: z.array(IndustryPrefix).max(50).default([]) }).prefault({}),
});

export const ExpertConflicts = z.strictObject({
  expert: z.string().regex(/^[a-z0-9_.-]{2,64}$/),
  enterprises: z.array(CreditCode).max(200).default([]),
  industries: z.array(IndustryPrefix).max(50).default([]),
});

export const PayoutReview = z.strictObject({
  application: ApplicationId,
  score: z.number().int().min(0).max(100),
  opinion: Text(2000),
  recommendFen: Fen.optional(),
});

/** A drawn expert steps back from one application (回避) before scoring it, saying why. */
export const PayoutRecuse = z.strictObject({
  application: ApplicationId,
  reason: Text(500),
});

export const PayoutDecide = z.strictObject({
  application: ApplicationId,
  decision: z.enum(['approve', 'reject']),
  amountFen: PositiveFen.optional(),
  reasons: Text(2000),
});

export const PayoutPublicise = z.strictObject({ policy: PolicyId });

export const PayoutObject = z.strictObject({ award: AwardId, reasons: Text(2000) });

export const PayoutResolve = z.strictObject({
  objection: ObjectionId,
  outcome: z.enum(['dismiss', 'withdraw', 'change']),
  amountFen: PositiveFen.optional(),
  reasons: Text(2000),
});

export const PayoutRelease = z.strictObject({ policy: PolicyId });

export const PayoutRun = z.strictObject({
  policy: PolicyId,
  /** include awards whose last attempt failed (each gets a new attempt and end-to-end id) */
  retryFailed: z.boolean().default(false),
});

export const SettlementItem = z.strictObject({
  endToEndId: z.string().regex(/^AW-[0-9]+-[0-9]+-[0-9]+$/).max(35),
  outcome: z.enum(['settled', 'failed']),
  bankRef: Line(35).optional(),
  reason: Text(200).optional(),
});
export type SettlementItem = z.infer<typeof SettlementItem>;

export const PayoutSettle = z.strictObject({ run: RunId, results: z.array(SettlementItem).min(1).max(400) });
