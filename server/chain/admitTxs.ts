import type { Logger } from 'pino';
import type { TxContext } from './contract.ts';
import { ChainError, isChainError } from './errors.ts';
import type { ContractRegistry } from './registry.ts';
import type { Genesis, Tx } from './schema.ts';
import { BlockState, type StateReader, type StateView } from './state.ts';
import type { CryptoSuite } from './suites/suite.ts';
import { badSignature, parseTxStateless, txSigningMessage, txSigningText } from './tx.ts';
import { checkTx, type Checked } from './txRules.ts';
import { POOL_THRESHOLD, type VerifyPool } from './verifyPool.ts';

export interface AdmitDeps {
  genesis: Genesis;
  suite: CryptoSuite;
  registry: ContractRegistry;
  view: StateView;
  usedNonces: (pairs: { signer: string; nonce: number }[]) => Promise<Set<string>>;
  now: () => number;
  /** verifies a batch's signatures on every core; without it they are checked here */
  verifyPool?: VerifyPool;
}

/**
 * When given, admission also runs each transaction's own contract rule (its `precheck`, or else
 * `apply`) against the latest committed state and discards every write: the modules' routes
 * thus refuse bad input with exactly the rule the executor will apply, before anything reaches
 * the log.
 */
export interface ContractCheck {
  /** the committed state the contract reads; its writes are thrown away */
  reader: StateReader;
  height: number;
  /** the head block's time: the contract sees the later of it and the node's clock */
  headTime: number;
  log: Logger;
}

/**
 * Every check a submission gets before it is ordered, for one transaction or a batch: the
 * executor's stateless rules, then its rules of txRules.ts (nonce, time against the node's
 * clock, kind, signer and actor, payload) against the latest state, and, when asked, the
 * contract's own check. Nothing is written and nothing is ordered here; ordering is the
 * caller's. A batch is admitted whole or not at all: the first bad transaction throws, named by
 * its index. Signatures and nonces are checked for the whole batch at once (one worker-pool
 * round, one query).
 */
export async function admitTxs(raws: unknown[], deps: AdmitDeps, byteLengths?: number[], contract?: ContractCheck): Promise<{ tx: Tx; id: string }[]> {
  const { genesis, suite } = deps;
  const opts = { chain: genesis.chain, suite, maxTxBytes: genesis.limits.maxTxBytes };
  const items = raws.map((raw, i) => at(i, raws.length, () => parseTxStateless(raw, { ...opts, byteLength: byteLengths?.[i] })));

  const verdicts =
    deps.verifyPool && items.length > POOL_THRESHOLD
      ? await deps.verifyPool.verify(items.map(({ tx, id }) => ({ signer: tx.signer, message: txSigningText(id), signature: tx.signature })))
      : items.map(({ tx, id }) => suite.verify(tx.signer, txSigningMessage(id), tx.signature));
  verdicts.forEach((ok, i) => {
    if (!ok) at(i, items.length, () => { throw badSignature(); });
  });

  const used = await deps.usedNonces(items.map(({ tx }) => ({ signer: tx.signer, nonce: tx.nonce })));
  const now = deps.now();
  for (const [i, { tx, id }] of items.entries()) {
    await atAsync(i, items.length, async () => {
      const checked = await checkTx(tx, {
        registry: deps.registry,
        ttlMs: genesis.limits.txTtlMs,
        time: now,
        clock: 'node',
        get: deps.view.get,
        nonceUsed: (signer, nonce) => used.has(`${signer}:${nonce}`),
        // an earlier transaction of the batch spends its nonce too
        fresh: () => used.add(`${tx.signer}:${tx.nonce}`),
        keepIssueCode: contract !== undefined,
      });
      if (contract) await runContractCheck(tx, id, checked, genesis, contract, now);
    });
  }
  return items;
}

async function runContractCheck(tx: Tx, id: string, { def, actor, payload }: Checked, genesis: Genesis, c: ContractCheck, now: number): Promise<void> {
  const state = new BlockState(c.reader);
  const view = state.begin(id);
  // Only an early answer for the person at the form: the executor decides again with the block's
  // time. The best guess of that time is the later of the head block's and this machine's clock.
  const ctx: TxContext = {
    chain: genesis.chain, height: c.height + 1, time: Math.max(c.headTime, now), txId: id, index: 0,
    signer: tx.signer, actor, genesis, emit: () => {},
  };
  try {
    await (def.precheck ?? def.apply)(ctx, view, payload);
  } catch (e) {
    if (isChainError(e)) throw e;
    c.log.error({ err: e, kind: tx.kind }, 'contract failed in its check before ordering');
    throw new ChainError('CONTRACT_FAILURE', 'the contract failed on this transaction', { status: 500 });
  } finally {
    state.rollbackTx();
  }
}

/** A lone transaction's error as it is; a batch's names the transaction. */
function named(err: unknown, index: number, count: number): unknown {
  if (count === 1 || !isChainError(err)) return err;
  return new ChainError(err.code, `txs[${index}]: ${err.message}`, { status: err.status, data: { ...err.data, index } });
}

function at<T>(index: number, count: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw named(err, index, count);
  }
}

async function atAsync<T>(index: number, count: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw named(err, index, count);
  }
}
