import { canonicalJson } from '../../server/chain/canonical.ts';
import { ChainError } from '../../server/chain/errors.ts';
import { executeBlock, type BlockTx } from '../../server/chain/execute.ts';
import { parseGenesis } from '../../server/chain/genesis.ts';
import type { ContractRegistry } from '../../server/chain/registry.ts';
import type { ChainEvent, Genesis } from '../../server/chain/schema.ts';
import { BlockState } from '../../server/chain/state.ts';
import { suiteByName } from '../../server/chain/suites/index.ts';
import { checkTxStateless, txId } from '../../server/chain/tx.ts';

/** Same file format as test/vectors/runContract.ts: pre.json, tx.json, post.json. */
export interface ContractPre {
  description?: string;
  block: { height: number; time: number };
  state: Record<string, unknown>;
  usedNonces?: string[];
  genesis?: Partial<Genesis>;
}

export interface ContractPost {
  receipt: { status: 'ok' | 'rejected'; code?: string; events: ChainEvent[] };
  writes: Record<string, unknown>;
}

/**
 * One transaction in a block of its own, through the node's stateless checks and the executor,
 * over a state made only of pre.json. A copy of the shared runner's semantics kept here so the
 * approval vectors do not depend on ledger code that is still moving.
 */
export async function runApprovalCase(base: Genesis, pre: ContractPre, tx: unknown, registry: ContractRegistry): Promise<ContractPost> {
  const genesis = parseGenesis({ ...base, ...pre.genesis });
  let item: BlockTx;
  const raw = canonicalJson(tx);
  try {
    const r = checkTxStateless(tx, { chain: genesis.chain, suite: suiteByName(genesis.suite), maxTxBytes: genesis.limits.maxTxBytes });
    item = { offset: 0, id: r.id, raw, tx: r.tx };
  } catch (e) {
    item = { offset: 0, id: txId(tx as never), raw, invalid: e as ChainError };
  }
  const committed = new Map(Object.entries(pre.state).map(([k, v]) => [k, canonicalJson(v)]));
  const state = new BlockState({ get: async (k) => committed.get(k) });
  const used = new Set(pre.usedNonces ?? []);
  const { receipts } = await executeBlock(pre.block.height, pre.block.time, [item], { registry, genesis, state, nonceUsed: (s, n) => used.has(`${s}:${n}`) });
  const r = receipts[0];
  const writes = Object.fromEntries((await state.writes()).map((w) => [w.key, w.new === null ? null : JSON.parse(w.new)]));
  return { receipt: { status: r.status, ...(r.code ? { code: r.code } : {}), events: r.events }, writes };
}
