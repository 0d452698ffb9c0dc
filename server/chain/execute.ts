import type { TxContext } from './contract.ts';
import { ChainError, isChainError } from './errors.ts';
import type { ContractRegistry } from './registry.ts';
import type { ChainEvent, Genesis, Receipt, Tx } from './schema.ts';
import type { BlockState } from './state.ts';
import { checkTx } from './txRules.ts';

/** One transaction record of a block, after stateless checks (which may have failed). */
export interface BlockTx {
  offset: number;
  id: string;
  raw: string;
  tx?: Tx;
  /** set when the record failed a stateless check (malformed, bad signature, ...) */
  invalid?: ChainError;
}

export interface ExecuteDeps {
  registry: ContractRegistry;
  genesis: Genesis;
  state: BlockState;
  /** whether an earlier block already used this signer's nonce */
  nonceUsed(signer: string, nonce: number): boolean;
}

export interface ExecutedBlock {
  receipts: Receipt[];
  /** nonces consumed by this block */
  nonces: { signer: string; nonce: number }[];
}

/**
 * Runs a block's transactions in order. Deterministic: reads only the block (height, time),
 * its transactions and state. A rejected transaction keeps its place with a code and reason.
 */
export async function executeBlock(height: number, time: number, txs: BlockTx[], deps: ExecuteDeps): Promise<ExecutedBlock> {
  const receipts: Receipt[] = [];
  const nonces: { signer: string; nonce: number }[] = [];
  const seenHere = new Set<string>();

  for (let index = 0; index < txs.length; index++) {
    const item = txs[index];
    const events: ChainEvent[] = [];
    const base = { txId: item.id, height, index, offset: item.offset, events };
    try {
      if (item.invalid || !item.tx) throw item.invalid ?? new ChainError('MALFORMED_TX', 'not a transaction');
      const tx = item.tx;
      const view = deps.state.begin(item.id);
      try {
        const { def, actor, payload } = await checkTx(tx, {
          registry: deps.registry,
          ttlMs: deps.genesis.limits.txTtlMs,
          time,
          clock: 'block',
          get: deps.state.lookup,
          nonceUsed: (signer, nonce) => seenHere.has(`${signer}:${nonce}`) || deps.nonceUsed(signer, nonce),
          // From here on the transaction is authentic, so its nonce is spent whatever the outcome.
          fresh() {
            seenHere.add(`${tx.signer}:${tx.nonce}`);
            nonces.push({ signer: tx.signer, nonce: tx.nonce });
          },
        });
        const ctx: TxContext = {
          chain: deps.genesis.chain,
          height,
          time,
          txId: item.id,
          index,
          signer: tx.signer,
          actor,
          genesis: deps.genesis,
          // A method rather than a named arrow: this object is built per transaction, and the
          // TypeScript loader gives every named arrow its name with a defineProperty as it is made.
          emit(type, data) {
            events.push({ type, data });
          },
        };
        await def.apply(ctx, view, payload);
        deps.state.commitTx();
        receipts.push({ ...base, status: 'ok' });
      } catch (e) {
        deps.state.rollbackTx();
        events.length = 0;
        throw e;
      }
    } catch (e) {
      // A bug in a handler must not fork the chain silently: every node hits the same bug on
      // the same input, so record it as a rejection with a fixed code rather than its message.
      const err = isChainError(e) ? e : new ChainError('CONTRACT_FAILURE', 'the contract failed on this transaction');
      receipts.push({ ...base, status: 'rejected', code: err.code, reason: err.message });
    }
  }
  return { receipts, nonces };
}
