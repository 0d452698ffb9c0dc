import type { Context } from 'koa';
import type { z } from 'zod';
import { ChainError } from '../../chain/errors.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { seal, type Sealed } from '../../chain/sealing/envelope.ts';
import type { TxRow } from '../../chain/store/chainStore.ts';
import { deptSealRecipients } from '../deptSeal.ts';
import { apiDocs, type RouteDoc } from '../../http/openapi.ts';

export const doc = (method: RouteDoc['method'], path: string, summary: string, roles?: string[], body?: z.ZodType) =>
  apiDocs.add({ method, path: `/{dept}/api/payout${path}`, summary, roles, body });

export const param = (ctx: Context, name: string): string => String((ctx.params as Record<string, string>)[name] ?? '');

export const notFound = (what: string) => new ChainError('NOT_FOUND', `no such ${what}`, { status: 404 });

/**
 * Parses input with a zod schema; a failure is a 400 whose code says what is wrong. Issues that
 * carry their own code (amounts: NEGATIVE_AMOUNT, FRACTIONAL_AMOUNT, AMOUNT_TOO_LARGE, ...) keep it.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, where = 'body'): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const code = (issue.code === 'custom' && (issue.params?.code as string | undefined)) || 'BAD_REQUEST';
  throw new ChainError(code, `${[where, ...issue.path].join('.')}: ${issue.message}`);
}


export { actAs, recordsOf } from '../../chain/modulePort.ts';

/** Checks, orders and waits for a transaction the enterprise signed in its browser. */
export const submitSigned = (node: ModulePort, raw: unknown): Promise<TxRow> => node.submitChecked(raw);

/** The first event of a type in a receipt, for ids to answer with. */
export const eventOf = (row: TxRow, type: string) => row.events.find((e) => e.type === type)?.data as Record<string, unknown> | undefined;

/**
 * Staff text sealed by this node, before it signs, to the current keys of the departments named
 * (the contract checks them: SEAL_RECIPIENTS).
 */
export async function sealFor(node: ModulePort, depts: string[], value: string, what: string): Promise<Sealed> {
  const to = await deptSealRecipients(node.view(), depts);
  if (to.length < new Set(depts).size) throw new ChainError('SEAL_RECIPIENTS', `${depts.join(', ')} need a current encryption key to seal ${what} to`, { status: 409 });
  return seal(value, to);
}

/** Up to this many rows in a CSV export (the list's filters apply). */
export const EXPORT_LIMIT = 5000;
