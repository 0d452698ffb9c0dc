import { parsePayload } from './parsePayload.ts';
import { ChainError, isChainError } from './errors.ts';
import { resolveActor } from './identity.ts';
import type { ContractRegistry } from './registry.ts';
import type { Genesis, Tx } from './schema.ts';
import type { StateView } from './state.ts';
import type { CryptoSuite } from './suites/suite.ts';
import { badSignature, parseTxStateless, txSigningMessage, txSigningText } from './tx.ts';
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
 * Every check a submission gets before it is ordered (the executor's own stateless rules, the
 * signer's standing and role against the latest state, nonce and clock), for one transaction or
 * a batch. A batch is admitted whole or not at all: the first bad transaction throws, named by
 * its index, and nothing is ordered. Signatures and nonces are checked for the whole batch at
 * once (one worker-pool round, one query).
 */
export async function admitTxs(raws: unknown[], deps: AdmitDeps, byteLengths?: number[]): Promise<{ tx: Tx; id: string }[]> {
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

  const seen = new Set<string>();
  for (const [i, { tx }] of items.entries()) {
    await atAsync(i, items.length, async () => {
      const def = deps.registry.get(tx.kind);
      parsePayload(def, tx.payload);
      await resolveActor(deps.view.get, tx, def);
      if (Math.abs(tx.time - deps.now()) > genesis.limits.txTtlMs) {
        throw new ChainError('TX_EXPIRED', 'transaction time is too far from now; check the clock of the signing device');
      }
      const pair = `${tx.signer}:${tx.nonce}`;
      if (seen.has(pair)) throw nonceReused(tx.nonce);
      seen.add(pair);
    });
  }

  const used = await deps.usedNonces(items.map(({ tx }) => ({ signer: tx.signer, nonce: tx.nonce })));
  items.forEach(({ tx }, i) => {
    if (used.has(`${tx.signer}:${tx.nonce}`)) at(i, items.length, () => { throw nonceReused(tx.nonce); });
  });
  return items;
}

const nonceReused = (nonce: number) => new ChainError('NONCE_REUSED', `nonce ${nonce} was already used by this signer`, { status: 409 });

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
