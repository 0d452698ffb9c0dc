/**
 * Policy payout's records, views and payload schemas as the portal uses them. They stay beside
 * their contracts (their zod schemas are what the chain checks); this is the portal's door to
 * them, type-only.
 */
export type {
  ApplicationStatus, ApplicationView, AwardStatus, AwardView, CheckRecord, ExpertRecord, ExpertScore, LedgerRecord, ObjectionRecord, ObjectionView, PaymentRecord, PaymentStatus, PolicyRecord,
  PublicationRecord, RunItem, RunRecord,
} from '../server/policy-payout/records.ts';
export type { AttachmentDraft, Payee, PayoutApply, PayoutDecide, PayoutResolve, PolicyPublish, PrivacyRule } from '../server/policy-payout/schema.ts';
