import { z } from 'zod';

/*
 * What the main reads answer, as zod schemas: the OpenAPI document's responses come from them
 * (server/http/openapi.ts). They name the fields a client may rely on; records carry more (sealed
 * fields, history), so each object lets other fields through.
 */

const Fen = z.string().regex(/^-?[0-9]+$/).describe('an amount in fen (1/100 yuan), as a decimal string');
const Time = z.number().int().describe('milliseconds since 1970, block time');
const AuditViewTx = z.string().optional().describe('the audit.view transaction that recorded an auditor\'s look');
const Next = z.string().nullable().describe('give as ?after= for the page after this one; null on the last page');

const list = <T extends z.ZodType>(item: T) => z.looseObject({ items: z.array(item), auditViewTx: AuditViewTx });
const page = <T extends z.ZodType>(item: T) => z.looseObject({ items: z.array(item), total: z.number().int(), auditViewTx: AuditViewTx });
const keyPage = <T extends z.ZodType>(item: T) => page(item).extend({ next: Next });

const Stage = z.looseObject({ id: z.string(), name: z.string(), dept: z.string(), status: z.string(), overdue: z.boolean().optional() });

export const ApprovalApplication = z.looseObject({
  id: z.string(),
  code: z.string(),
  process: z.string(),
  processName: z.string(),
  status: z.string(),
  phase: z.number().int(),
  stages: z.array(Stage),
  licences: z.array(z.string()),
  submittedAt: Time,
});
export const ApprovalApplicationList = list(ApprovalApplication).extend({ next: Next });
export const ApprovalApplicationDetail = ApprovalApplication.extend({ asOf: Time, auditViewTx: AuditViewTx });

export const Worklist = z.looseObject({
  asOf: Time,
  total: z.number().int(),
  next: Next,
  items: z.array(z.looseObject({ app: z.string(), code: z.string(), enterprise: z.string().nullable(), process: z.string(), name: z.string(), openedAt: Time, dueAt: Time, overdue: z.boolean() })),
});

export const Inspection = z.looseObject({ id: z.string(), code: z.string(), dept: z.string(), origin: z.string(), status: z.enum(['planned', 'done']) });
export const InspectionPage = keyPage(Inspection);
export const EnforcementCase = z.looseObject({ id: z.string(), code: z.string(), dept: z.string(), status: z.enum(['open', 'decided', 'closed']), severity: z.string(), openedAt: Time });
export const CasePage = keyPage(EnforcementCase);

export const Policy = z.looseObject({ id: z.string(), version: z.number().int(), lineage: z.string(), dept: z.string(), title: z.string(), legalBasis: z.string(), budgetFen: Fen, capFen: Fen });
export const PolicyList = list(Policy.extend({ successor: z.string().nullable() }));

export const PayoutApplication = z.looseObject({ id: z.string(), policy: z.string(), code: z.string(), status: z.string(), requestedFen: Fen.optional() });
export const PayoutApplicationList = list(PayoutApplication);

export const EnterpriseList = z.looseObject({ items: z.array(z.looseObject({ code: z.string(), name: z.string(), grade: z.string().nullable() })), next: Next });

export const Award = z.looseObject({ id: z.string(), policy: z.string(), code: z.string(), status: z.string(), amountFen: Fen });
export const AwardList = list(Award).extend({ next: Next });

export const PaymentRun = z.looseObject({ id: z.string(), policy: z.string(), policyTitle: z.string(), count: z.number().int(), totalFen: Fen, createdAt: Time, txId: z.string() });
export const PaymentRunList = list(PaymentRun);

export const PrivacyQueryPage = z.looseObject({
  items: z.array(z.looseObject({ id: z.string(), enterprise: z.string(), field: z.string(), status: z.string() })),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  auditViewTx: AuditViewTx,
});

export const BlockList = z.object({
  items: z.array(z.object({ height: z.number().int(), hash: z.string(), header: z.looseObject({ height: z.number().int(), time: Time, txCount: z.number().int() }) })),
  finalHeight: z.number().int(),
  height: z.number().int(),
});

/** What a staff action answers when it says no more than its transaction. */
export const TxAnswer = z.looseObject({ tx: z.string().describe('the transaction id') });
