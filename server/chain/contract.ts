import type { z } from 'zod';
import type { ChainEvent, Genesis, Role } from './schema.ts';
import type { TxParties } from './readAccess.ts';
import type { StateView } from './state.ts';

/** Who a transaction acts for, resolved from state at execution. */
export interface Actor {
  /** user id for staff, credit code for an enterprise, the department id for the node itself */
  id: string;
  role: Role;
  /** the department whose node signed (absent for enterprises) */
  dept?: string;
}

/** Everything a handler may know besides state: no clock but the block's, no randomness. */
export interface TxContext {
  chain: string;
  height: number;
  /** block time, from the ordering log */
  time: number;
  txId: string;
  index: number;
  signer: string;
  actor: Actor;
  genesis: Genesis;
  emit(type: string, data: Record<string, unknown>): void;
}

export interface ContractDef<P = any> {
  kind: string;
  /** zod schema of the payload: the single source of its type */
  payload: z.ZodType<P>;
  /** roles that may submit this kind; checked before ordering and again at execution */
  roles: readonly Role[];
  apply(ctx: TxContext, state: StateView, payload: P): Promise<void> | void;
  /**
   * The transaction's validity without its effect, for the submit path (admitTxs.ts's contract check) where
   * `apply` would do expensive work only to discard it. Absent: `apply` itself is the check.
   */
  precheck?(ctx: TxContext, state: StateView, payload: P): Promise<unknown> | unknown;
  /**
   * Who the matter is about, besides the signer, for reads (chain/readAccess.ts). Absent: the
   * enterprise the payload names in `code` or `enterprise`. A pure function of the payload.
   */
  parties?(payload: P): TxParties;
}

export function defineContract<S extends z.ZodType>(def: {
  kind: string;
  payload: S;
  roles: readonly Role[];
  apply(ctx: TxContext, state: StateView, payload: z.infer<S>): Promise<void> | void;
  precheck?(ctx: TxContext, state: StateView, payload: z.infer<S>): Promise<unknown> | unknown;
  parties?(payload: z.infer<S>): TxParties;
}): ContractDef<z.infer<S>> {
  return def as unknown as ContractDef<z.infer<S>>;
}

export type { ChainEvent };
