import type { Actor, ContractDef } from './contract.ts';
import { ChainError } from './errors.ts';
import { resolveActor } from './identity.ts';
import { parsePayload } from './parsePayload.ts';
import type { ContractRegistry } from './registry.ts';
import type { Tx } from './schema.ts';

type Get = <T>(key: string) => Promise<T | undefined>;

export interface RuleContext {
  registry: ContractRegistry;
  ttlMs: number;
  /**
   * The time the transaction is judged at: the block's time in execution (deterministic), the
   * node's clock at admission (an early answer only).
   */
  time: number;
  /** what `time` is, for the message: a block's or this machine's */
  clock: 'block' | 'node';
  /** committed (or block) state, for the signer's and actor's records */
  get: Get;
  /** whether this signer's nonce was already used (earlier blocks, or earlier in this block or batch) */
  nonceUsed(signer: string, nonce: number): boolean;
  /** called once nonce and time pass: from here on the transaction is authentic and fresh */
  fresh?(): void;
  /** pass on a payload issue's own code (the submit path's early answer); receipts always say BAD_PAYLOAD */
  keepIssueCode?: boolean;
}

export interface Checked<P = unknown> {
  def: ContractDef<P>;
  actor: Actor;
  payload: P;
}

/**
 * The rules every transaction meets before its contract runs, in this order: nonce unused, time
 * within the chain's window, a contract for its kind, signer and actor in standing with a role
 * the kind allows, payload of the kind's schema. Admission and execution both call this, with
 * their own time, so the two can never disagree on a rule, only on the state they see.
 *
 * Not an async function: the synchronous rules throw at once, and execution awaits only the
 * actor's look-up, as it did before these rules had one home.
 */
export function checkTx(tx: Tx, c: RuleContext): Promise<Checked> {
  if (c.nonceUsed(tx.signer, tx.nonce)) throw nonceReused(tx.nonce);
  if (Math.abs(tx.time - c.time) > c.ttlMs) {
    throw new ChainError(
      'TX_EXPIRED',
      c.clock === 'block' ? 'transaction time is too far from the block time' : 'transaction time is too far from now; check the clock of the signing device',
    );
  }
  c.fresh?.();
  const def = c.registry.get(tx.kind);
  return resolveActor(c.get, tx, def).then((actor) => ({ def, actor, payload: parsePayload(def, tx.payload, c.keepIssueCode) }));
}

export const nonceReused = (nonce: number): ChainError => new ChainError('NONCE_REUSED', `nonce ${nonce} was already used by this signer`, { status: 409 });
