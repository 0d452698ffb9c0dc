import { isValidBlockTime } from './blockTime.ts';
import type { BlockTx } from './execute.ts';
import { blockHash, genesisBlock } from './header.ts';
import { memberKeysOf } from './memberKeys.ts';
import type { ContractRegistry } from './registry.ts';
import type { Genesis, Header, Tx } from './schema.ts';
import type { StateWrite } from './state.ts';
import { transitionBlock } from './transition.ts';
import type { BlockRow, Head, LedgerStore, StoredTx } from './store/ledgerStore.ts';
import { suiteByName, type CryptoSuite } from './suites/index.ts';
import { blockTxFromRecord, checkRecord, NOT_JSON, parseJson, settleSignature, signatureToVerify, TX_PREFIX, type RecordCheck } from './blockTx.ts';
import { isPlainTx } from './plainTx.ts';
import { verdictsAt, type PendingVerdict, type VerifyPool } from './verifyPool.ts';
import { txId } from './tx.ts';
import { loadSnapshotOrigin, type SnapshotOrigin } from './snapshot/snapshotOrigin.ts';
import { snapshotReplayStart, StartProblem } from './snapshot/snapshotReplayStart.ts';
import { checkCerts, checkOffsets, compareHeader, compareState, expectEq, historyCursor, Mismatch, show } from './replayChecks.ts';

export type ReplayResult =
  /** from: 0, or the height of the snapshot the node started from */
  | { ok: true; height: number; txs: number; from: number }
  | { ok: false; height: number; field: string; expected: string; actual: string };

export interface ReplayProgress {
  height: number;
  top: number;
  txs: number;
}

const PAGE = 500;
/** Transactions read and checked ahead of the replay at a time, bounding memory on long chains. */
const RANGE_TXS = 8000;

/**
 * A stored transaction with its stateless checks done ahead of the replay, all but the
 * signature, whose verdict the worker pool may still be working on.
 */
interface Prepared {
  row: StoredTx;
  /** the log record the node saw, rebuilt from raw */
  text: string;
  check: RecordCheck;
  /** raw parsed on its own (NOT_JSON if it isn't JSON by itself) */
  inner: unknown;
  verdict?: PendingVerdict;
}

type Opts = { chain: string; suite: CryptoSuite; maxTxBytes: number };

/**
 * Recomputes a stored chain from genesis (or, on a node started from a snapshot, from the
 * snapshot's height: snapshotReplayStart.ts checks the state there against the root a quorum
 * signed, then the blocks above replay the same way): every transaction id and signature, every receipt
 * (by executing each block again on a fresh in-memory state), Merkle roots, state hashes,
 * block hashes and links, finality certificates (against the membership before the block
 * that carries them), the state history and finally the state table. Names the first
 * height and field that differ. Reads the store only; writes nothing.
 */
export async function replayChain(
  store: LedgerStore,
  genesis: Genesis,
  registry: ContractRegistry,
  onProgress?: (p: ReplayProgress) => void,
  options: { pool?: VerifyPool } = {},
): Promise<ReplayResult> {
  try {
    const head = await store.head();
    if (!head) throw new Mismatch(0, 'meta.height', 'a chain', 'an empty store');
    const suite = suiteByName(genesis.suite);
    const replay = new Replay(genesis, registry, historyCursor(store), suite);
    const pool = suite.name === 'ed25519' ? options.pool : undefined;
    const origin = await loadSnapshotOrigin(store.db);
    let start: number;
    if (origin === undefined) {
      const stored0 = await store.blockByHeight(0);
      if (!stored0) throw new Mismatch(0, 'block', 'block 0', '(absent)');
      await replay.genesisBlock(stored0);
      start = 1;
    } else {
      if ('broken' in origin) throw new Mismatch(origin.height, `snapshot.${origin.broken}`, 'the description and votes the snapshot was imported with', 'unreadable');
      if ((await store.blockByHeight(0)) || (await store.blocks(0, 1))[0]?.height !== origin.meta.headers[0].height) {
        throw new Mismatch(origin.height, 'block', `blocks from ${origin.meta.headers[0].height}, where the snapshot's headers begin`, 'other blocks');
      }
      await replay.snapshotStart(store, origin);
      start = origin.height + 1;
    }
    for (let from = start; from <= head.height; from += PAGE) {
      const to = Math.min(head.height, from + PAGE - 1);
      const blocks = await store.blocks(from, to - from + 1);
      // Transactions by ranges of blocks; the next range is read and checked (its signatures
      // sent to the pool) while this one replays.
      const ranges: [number, number][] = [];
      for (let h = from, n = 0; h <= to; h++) {
        if (n === 0) ranges.push([h, h]);
        ranges[ranges.length - 1][1] = h;
        const count = Number(blocks[h - from]?.header?.txCount); // only sizes the ranges
        n += count > 0 ? count : 0;
        if (n >= RANGE_TXS) n = 0;
      }
      const load = ([a, b]: [number, number]) => {
        const p = txsBetween(store, a, b).then((txs) => prepare(txs, replay.opts, pool));
        p.catch(() => undefined); // awaited below; a failure surfaces there
        return p;
      };
      let next = load(ranges[0]);
      for (let r = 0; r < ranges.length; r++) {
        const txs = await next;
        if (r + 1 < ranges.length) next = load(ranges[r + 1]);
        for (let h = ranges[r][0]; h <= ranges[r][1]; h++) {
          const block = blocks[h - from];
          if (!block || block.height !== h) throw new Mismatch(h, 'block', `block ${h}`, '(absent)');
          await replay.block(block, txs.get(h) ?? []);
          onProgress?.({ height: h, top: head.height, txs: replay.txs });
        }
      }
    }
    await replay.finish(store, head);
    return { ok: true, height: head.height, txs: replay.txs, from: start - 1 };
  } catch (e) {
    if (!(e instanceof Mismatch)) throw e;
    return { ok: false, height: e.height, field: e.field, expected: show(e.expected), actual: show(e.actual) };
  }
}

/**
 * Every stateless check of each stored transaction but the signature, which goes to the
 * worker pool when there is one (in rounds); the replay then waits only for
 * the verdicts of the block it is at. Never throws: mismatches are named in block order, by
 * the replay.
 */
function prepare(txs: Map<number, StoredTx[]>, opts: Opts, pool: VerifyPool | undefined): Map<number, Prepared[]> {
  const out = new Map<number, Prepared[]>();
  const unsigned: Prepared[] = [];
  for (const [h, rows] of txs) {
    out.set(
      h,
      rows.map((row) => {
        // The store keeps raw, not the record; the node saw raw inside the canonical envelope.
        const text = TX_PREFIX + row.raw + '}';
        // Raw that is JSON by itself is exactly the envelope's tx, so it is parsed once.
        const inner = parseJson(row.raw);
        const json = inner === NOT_JSON ? parseJson(text) : { t: 'tx', tx: inner };
        const p: Prepared = { row, text, inner, check: checkRecord(text, Number(row.offset), json, opts) };
        if (p.check.signed) unsigned.push(p);
        return p;
      }),
    );
  }
  if (pool) {
    const pending = pool.verifyInRounds(unsigned.map((p) => signatureToVerify(p.check)));
    unsigned.forEach((p, i) => (p.verdict = pending[i]));
  }
  return out;
}

/** The chain as it is rebuilt, block by block. */
class Replay {
  private readonly state = new Map<string, string>();
  private readonly lastWrite = new Map<string, number>();
  private readonly nonces = new Set<string>();
  /** recomputed hashes of heights a later certificate may still name */
  private readonly hashes = new Map<number, string>();
  readonly opts: Opts;
  private lastCert = 0;
  private prev!: { header: Header; hash: string };
  txs = 0;

  constructor(
    private readonly genesis: Genesis,
    private readonly registry: ContractRegistry,
    private readonly history: ReturnType<typeof historyCursor>,
    suite: CryptoSuite,
  ) {
    this.opts = { chain: genesis.chain, suite, maxTxBytes: genesis.limits.maxTxBytes };
  }

  async genesisBlock(stored: BlockRow): Promise<void> {
    const g = genesisBlock(this.genesis);
    compareHeader(0, g.header, stored.header);
    expectEq(0, 'hash', blockHash(g.header), stored.hash);
    await this.apply(0, g.writes);
    this.prev = stored;
    this.hashes.set(0, stored.hash);
  }

  /** A node started from a snapshot: the blocks above its height replay from the state it was checked to hold. */
  async snapshotStart(store: LedgerStore, origin: SnapshotOrigin): Promise<void> {
    const h = origin.height;
    const start = await snapshotReplayStart(store, this.genesis, origin, await this.history.take(h)).catch((e) => {
      throw e instanceof StartProblem ? new Mismatch(e.height, e.field, e.expected, e.actual) : e;
    });
    for (const header of start.headers) {
      const row = await store.blockByHeight(header.height);
      if (!row) throw new Mismatch(header.height, 'block', `block ${header.height}`, '(absent)');
      compareHeader(header.height, header, row.header);
      expectEq(header.height, 'hash', blockHash(header), row.hash);
      this.hashes.set(header.height, row.hash);
      this.prev = row;
    }
    for (const [k, v] of start.state) {
      this.state.set(k, v);
      this.lastWrite.set(k, h);
    }
    for (const n of start.nonces) this.nonces.add(n);
    this.lastCert = start.finalHeight;
  }

  async block({ height: h, header: stored, hash: storedHash }: BlockRow, checked: Prepared[]): Promise<void> {
    const rows = checked.map((c) => c.row);
    const verdicts = await verdictsAt(checked.map((c) => c.verdict));
    const items = checked.map((c, i) => rebuildTx(h, i, c, this.opts, verdicts[i]));
    // Certificates count the membership in force before this block's transactions.
    this.lastCert = checkCerts(h, stored, this.opts, memberKeysOf((k) => this.state.get(k)), this.hashes, this.lastCert);
    for (const k of this.hashes.keys()) if (k < this.lastCert) this.hashes.delete(k);
    checkOffsets(h, stored, this.prev.header, items);
    if (!isValidBlockTime(stored.time, this.prev.header.time, this.genesis.limits)) {
      const step = this.genesis.limits.maxBlockTimeStepMs;
      throw new Mismatch(h, 'time', `${this.prev.header.time}..${step === undefined ? '' : this.prev.header.time + step}`, stored.time);
    }

    const state = this.state;
    const { receipts, nonces, writes, header, hash } = await transitionBlock(
      { hash: this.prev.hash, stateHash: this.prev.header.stateHash },
      // offsets are not recomputable without the log; they are covered by the block hash
      { height: h, time: stored.time, firstOffset: stored.firstOffset, lastOffset: stored.lastOffset, certs: stored.certs },
      items,
      { get: async (k) => state.get(k) },
      { registry: this.registry, genesis: this.genesis, nonceUsed: (signer, nonce) => this.nonces.has(`${signer}:${nonce}`) },
    );
    receipts.forEach((r, i) => {
      expectEq(h, `tx[${i}].status`, r.status, rows[i].status);
      expectEq(h, `tx[${i}].code`, r.code, rows[i].code);
      expectEq(h, `tx[${i}].events`, JSON.stringify(r.events), rows[i].events);
    });
    compareHeader(h, header, stored);
    expectEq(h, 'hash', hash, storedHash);
    await this.apply(h, writes);
    for (const n of nonces) this.nonces.add(`${n.signer}:${n.nonce}`);
    this.hashes.set(h, hash);
    this.prev = { header: stored, hash };
    this.txs += rows.length;
  }

  /** Checks the block's state_history rows, then moves the state on. */
  private async apply(height: number, writes: StateWrite[]): Promise<void> {
    const rows = await this.history.take(height);
    for (let i = 0; i < Math.max(rows.length, writes.length); i++) {
      const w = writes[i];
      const r = rows[i];
      if (w && r && w.key === r.k && w.old === r.old_v && w.new === r.new_v && w.txId === r.tx_id) continue;
      expectEq(height, `history[${w?.key ?? r.k}]`, w && [w.key, w.old, w.new, w.txId], r && [r.k, r.old_v, r.new_v, r.tx_id]);
    }
    for (const w of writes) {
      if (w.new === null) this.state.delete(w.key);
      else this.state.set(w.key, w.new);
      this.lastWrite.set(w.key, height);
    }
  }

  async finish(store: LedgerStore, head: Head): Promise<void> {
    const top = head.height;
    expectEq(top, 'meta.hash', this.prev.hash, head.hash);
    expectEq(top, 'meta.stateHash', this.prev.header.stateHash, head.stateHash);
    expectEq(top, 'meta.lastOffset', this.prev.header.lastOffset, head.lastOffset);
    if ((await store.blocks(top + 1, 1)).length) throw new Mismatch(top + 1, 'meta.height', top, 'blocks beyond the head');
    await this.history.rest(top);
    await compareState(store, this.state, this.lastWrite, top);
  }
}

async function txsBetween(store: LedgerStore, from: number, to: number): Promise<Map<number, StoredTx[]>> {
  const byHeight = new Map<number, StoredTx[]>();
  for (const r of await store.storedTxs(from, to)) {
    const list = byHeight.get(Number(r.height));
    if (list) list.push(r);
    else byHeight.set(Number(r.height), [r]);
  }
  return byHeight;
}

/** Rebuilds the block transaction a node made, and checks its id and signature. */
function rebuildTx(height: number, i: number, { row, text, check, inner }: Prepared, opts: Opts, verdict: boolean | undefined): BlockTx {
  if (Number(row.idx) !== i) throw new Mismatch(height, `tx[${i}].index`, i, Number(row.idx));
  // The store keeps raw, not the record; try both ways the node derives raw from a record.
  const enveloped = settleSignature(check, text, opts, verdict);
  // An accepted transaction must hash to its id and pass every stateless check; name what broke.
  if (row.status === 'ok') {
    let claimed: string | undefined;
    if (inner === NOT_JSON) claimed = undefined;
    // the check computed txId of this very object
    else if (check.signed && isPlainTx(inner)) claimed = check.item.id;
    else {
      try {
        claimed = txId(inner as Tx);
      } catch {
        claimed = undefined;
      }
    }
    if (claimed !== row.id) throw new Mismatch(height, `tx[${i}].id`, claimed ?? 'unparseable', row.id);
  }
  if (row.status === 'ok' && enveloped.invalid) {
    const field = enveloped.invalid.code === 'BAD_SIGNATURE' ? `tx[${i}].signature` : `tx[${i}].raw`;
    throw new Mismatch(height, field, `rejected: ${enveloped.invalid.code}`, 'ok');
  }
  // A rejected record is kept whole and identified by the hash of its bytes.
  const item = enveloped.id === row.id ? enveloped : blockTxFromRecord(row.raw, Number(row.offset), opts);
  if (item.id !== row.id) throw new Mismatch(height, `tx[${i}].id`, enveloped.id, row.id);
  return item;
}

