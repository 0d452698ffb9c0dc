import { canonicalJson } from '../../server/chain/canonical.ts';
import { executeBlock } from '../../server/chain/execute.ts';
import { parseGenesis } from '../../server/chain/genesis.ts';
import type { ContractRegistry } from '../../server/chain/registry.ts';
import type { ChainEvent, Genesis } from '../../server/chain/schema.ts';
import { BlockState } from '../../server/chain/state.ts';
import { suiteByName } from '../../server/chain/suites/index.ts';
import { blockTxFromRecord } from '../../server/chain/blockTx.ts';

/** pre.json: the committed state before the block, and the block the transaction is in. */
export interface ContractPre {
  description?: string;
  block: { height: number; time: number };
  state: Record<string, unknown>;
  /** nonces earlier blocks used, as "signer:nonce" */
  usedNonces?: string[];
  /** fields replacing those of test/vectors/contracts/genesis.json (config, say) */
  genesis?: Partial<Genesis>;
}

/** post.json: the receipt and the block's net writes (null = deleted). */
export interface ContractPost {
  receipt: { status: 'ok' | 'rejected'; code?: string; events: ChainEvent[] };
  writes: Record<string, unknown>;
}

/**
 * One transaction in a block of its own, executed exactly as a node would (the record goes
 * through the node's stateless checks first), over a state made only of pre.json.
 */
export async function runContractCase(base: Genesis, pre: ContractPre, tx: unknown, registry: ContractRegistry): Promise<ContractPost> {
  const genesis = parseGenesis({ ...base, ...pre.genesis });
  const item = blockTxFromRecord(canonicalJson({ t: 'tx', tx }), 0, {
    chain: genesis.chain,
    suite: suiteByName(genesis.suite),
    maxTxBytes: genesis.limits.maxTxBytes,
  });
  const committed = new Map(Object.entries(pre.state).map(([k, v]) => [k, canonicalJson(v)]));
  const state = new BlockState({ get: async (k) => committed.get(k) });
  const used = new Set(pre.usedNonces ?? []);
  const { receipts } = await executeBlock(pre.block.height, pre.block.time, [item], {
    registry,
    genesis,
    state,
    nonceUsed: (signer, nonce) => used.has(`${signer}:${nonce}`),
  });
  const r = receipts[0];
  const writes = Object.fromEntries((await state.writes()).map((w) => [w.key, w.new === null ? null : JSON.parse(w.new)]));
  return { receipt: { status: r.status, ...(r.code ? { code: r.code } : {}), events: r.events }, writes };
}
