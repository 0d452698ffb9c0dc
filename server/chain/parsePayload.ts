import type { ContractDef } from './contract.ts';
import { ChainError } from './errors.ts';

/**
 * A transaction's payload checked against its kind's schema, or BAD_PAYLOAD naming the first
 * issue. The executor's receipts always say BAD_PAYLOAD (the code is part of the block hash);
 * the submit path's early answer may pass on an issue's own code (`keepIssueCode`: amounts say
 * NEGATIVE_AMOUNT, AMOUNT_TOO_LARGE, ...).
 */
export function parsePayload<P>(def: ContractDef<P>, payload: unknown, keepIssueCode = false): P {
  const parsed = def.payload.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const own = keepIssueCode && issue.code === 'custom' ? (issue.params?.code as string | undefined) : undefined;
  throw new ChainError(own || 'BAD_PAYLOAD', `payload.${issue.path.join('.')}: ${issue.message}`);
}
