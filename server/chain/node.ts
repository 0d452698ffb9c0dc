import { EventEmitter } from 'node:events';
import { encKid, encPublicOf, type SealRecipient } from './sealing/envelope.ts';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { BlockCutter, type CutBlock } from './blockCutter.ts';
import { blockTime } from './blockTime.ts';
import { canonicalJson } from './canonical.ts';
import { buildRegistry } from './buildRegistry.ts';
import { ChainError } from './errors.ts';
import { executeBlock } from './execute.ts';
import { attestationMessage, FinalityTracker } from './finality.ts';
import { quorumOf } from './genesis.ts';
import { sha256Hex } from './hash.ts';
import { blockHash, buildHeader, genesisBlock } from './header.ts';
import { keys, type MemberRecord } from './identity.ts';
import type { Metrics } from './metrics.ts';
import type { CommittedBlock, Module } from './module.ts';
import type { Orderer, Subscription } from './orderer/orderer.ts';
import { systemClock, type Clock } from './orderer/localLog.ts';
import type { ContractRegistry } from './registry.ts';
import { LogRecord, type Cert, type Genesis, type Header, type LogEntry, type Receipt, type Tx } from './schema.ts';
import { BlockState, type StateView } from './state.ts';
import { ChainStore, txRowOf, type Head, type TxRow } from './store/chainStore.ts';
import { suiteByName, type CryptoSuite } from './suites/index.ts';
import { signTx } from './tx.ts';
import { admitTxs } from './admitTxs.ts';
import { LogReader, type ReadEntry } from './logReader.ts';
import { VerifiedCache } from './verifiedCache.ts';
import { VerifyPool } from './verifyPool.ts';
import { Waiters, type Waiter } from './waiters.ts';

export interface NodeConfig {
  dept: string;
  genesis: Genesis;
  /** this department's node key (hex); staff transactions are signed with it */
  privateKey: string;
  /** this department's X25519 private keys (hex), oldest first: sealed fields open with them */
  encKeys?: string[];
}

export interface NodeDeps {
  db: Knex;
  orderer: Orderer;
  modules?: Module[];
  logger: Logger;
  metrics: Metrics;
  clock?: Clock;
  /** shared by the nodes of one process; see VerifiedCache */
  verified?: VerifiedCache;
  /** verifies a delivered batch's signatures on every core before blocks are cut from it */
  verifyPool?: VerifyPool;
}

export interface NodeStatus {
  dept: string;
  chain: string;
  height: number;
  hash: string;
  finalHeight: number;
  lastOffset: number;
  halted: null | { height: number; ours: string; quorum: string };
  members: { dept: string; name: string; nameEn: string; lastAttested: number | null }[];
  quorum: number;
}

export type WaitMode = 'none' | 'receipt' | 'final';

/**
 * One department's node. It orders through the shared log, cuts and executes blocks exactly
 * as every other node does, commits each block in one database transaction, attests the
 * header, and counts the others' attestations for finality.
 */
export class ChainNode extends EventEmitter {
  readonly dept: string;
  readonly genesis: Genesis;
  readonly suite: CryptoSuite;
  readonly store: ChainStore;
  readonly registry: ContractRegistry;
  readonly modules: Module[];
  readonly log: Logger;
  readonly publicKey: string;

  private readonly privateKey: string;
  /** encryption private keys by key id (server/chain/sealing/): only read-model projection and routes use it, never contracts */
  readonly keyring: Map<string, string>;
  private readonly orderer: Orderer;
  private readonly metrics: Metrics;
  private readonly clock: Clock;
  private readonly verified: VerifiedCache;
  private readonly verifyPool?: VerifyPool;
  private readonly reader: LogReader;
  private head!: Head;
  private cutter!: BlockCutter<ReadEntry>;
  private finality!: FinalityTracker;
  private pendingCerts: Cert[] = [];
  private readonly recentHashes = new Map<number, string>();
  private members: MemberRecord[] = [];
  private subscription?: Subscription;
  private halted: NodeStatus['halted'] = null;
  private cutTimer?: NodeJS.Timeout;
  private cutTimerHeight = -1;
  private lastBlockTime = 0;
  private lastNonce = 0;
  private readonly waiters = new Waiters();
  private lastAttested: Record<string, number> = {};
  private pendingAttestations: { height: number; dept: string; hash: string; sig: string; offset: number }[] = [];
  private stopped = false;
  /** blocks being applied, in log order; never rejects */
  private pipeline: Promise<void> = Promise.resolve();
  /** which subscription the queued batches belong to; batches of an abandoned one are dropped */
  private generation = 0;

  constructor(config: NodeConfig, deps: NodeDeps) {
    super();
    this.setMaxListeners(0);
    this.dept = config.dept;
    this.genesis = config.genesis;
    this.suite = suiteByName(config.genesis.suite);
    this.privateKey = config.privateKey;
    this.publicKey = this.suite.publicKeyOf(config.privateKey);
    this.keyring = new Map((config.encKeys ?? []).map((k) => [encKid(config.dept, encPublicOf(k)), k]));
    this.orderer = deps.orderer;
    this.modules = deps.modules ?? [];
    this.log = deps.logger.child({ dept: this.dept });
    this.metrics = deps.metrics;
    this.clock = deps.clock ?? systemClock;
    this.verified = deps.verified ?? new VerifiedCache();
    this.verifyPool = this.suite.name === 'ed25519' ? deps.verifyPool : undefined;
    this.store = new ChainStore(deps.db);
    this.registry = buildRegistry(this.modules);
    this.reader = new LogReader({ chain: this.genesis.chain, suite: this.suite, maxTxBytes: this.genesis.limits.maxTxBytes }, this.verified, this.verifyPool);
  }

  get db(): Knex {
    return this.store.db;
  }

  /** Creates tables, writes block 0 on first start, and follows the log from where it stopped. */
  async start(): Promise<void> {
    await this.store.migrate();
    for (const m of this.modules) await m.migrate?.(this.db);
    let head = await this.store.head();
    if (!head) {
      const { header, writes } = genesisBlock(this.genesis);
      const hash = blockHash(header);
      await this.store.commitBlock({ header, hash, txs: [], receipts: [], writes, nonces: [], finalHeight: 0 });
      head = (await this.store.head())!;
    }
    this.head = head;
    this.recentHashes.set(head.height, head.hash);
    this.lastBlockTime = (await this.store.blockByHeight(head.height))!.header.time;
    await this.loadMembers();
    const mine = this.members.find((m) => m.dept === this.dept);
    if (!mine || mine.nodeKey !== this.publicKey) {
      this.log.warn('this node key is not the registered key of %s; it will follow the chain but its attestations will not count', this.dept);
    }

    this.finality = new FinalityTracker(this.genesis.chain, this.cachedSuite(), head.finalHeight);
    this.lastAttested = await this.store.lastAttested();
    // Votes counted before the last committed block were saved with it; later ones are read
    // again from the log. Finality itself is only ever saved with a block, so a restart
    // reaches every certificate at the same offset as before.
    for (const a of await this.store.attestationsAbove(head.finalHeight)) {
      const key = this.members.find((m) => m.dept === a.dept)?.nodeKey;
      if (key) this.finality.restore({ h: a.height, hash: a.hash, dept: a.dept, sig: a.sig }, key);
    }
    this.updateGauges();
    this.follow();
  }

  /**
   * Reads the log from the offset after the last committed block. If the subscription fails
   * (a broker outage outlasting the client's retries), or applying a block does, start again
   * from there after a pause: the uncommitted tail is simply read again, and the cutter starts
   * afresh with it.
   */
  private follow(): void {
    if (this.stopped) return;
    this.cutter = new BlockCutter<ReadEntry>(this.head.height + 1, this.genesis.limits.maxBlockTxs);
    this.cutTimerHeight = -1;
    const gen = ++this.generation;
    const sub = this.orderer.subscribe(this.head.lastOffset + 1, (entries) => this.onEntries(entries, gen));
    this.subscription = sub;
    sub.done.then(
      () => undefined,
      (err) => this.refollow(err, gen),
    );
  }

  private refollow(err: unknown, gen: number): void {
    if (gen !== this.generation || this.stopped || this.halted) return;
    this.generation++;
    this.log.error({ err }, 'log subscription failed; following again in 1 s');
    this.emit('ordererError', err);
    const sub = this.subscription;
    void (async () => {
      await sub?.stop();
      // whatever was applying finishes first, so the new subscription starts after it
      await this.pipeline;
      setTimeout(() => this.follow(), 1000).unref?.();
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.cutTimer);
    await this.subscription?.stop();
    await this.pipeline;
    this.waiters.cancelAll(new ChainError('NODE_STOPPED', 'the node stopped before the transaction was committed', { status: 503 }));
  }

  // ---------------------------------------------------------------- submitting

  /**
   * Checks a signed transaction as far as it can without ordering it (the same rules the
   * executor applies), then appends it to the log. Bad input throws; nothing is written.
   */
  async submit(raw: unknown, byteLength?: number): Promise<{ id: string; tx: Tx }> {
    const [one] = await this.submitMany([raw], byteLength === undefined ? undefined : [byteLength]);
    return one;
  }

  /**
   * A batch of signed transactions (an agency's bulk upload, a load generator), admitted whole
   * or not at all and appended to the log in one write, in the order given.
   */
  async submitMany(raws: unknown[], byteLengths?: number[]): Promise<{ id: string; tx: Tx }[]> {
    if (this.halted) throw new ChainError('NODE_HALTED', 'this node disagrees with the consortium and has stopped; see its status', { status: 503 });
    const items = await admitTxs(raws, {
      genesis: this.genesis,
      suite: this.suite,
      registry: this.registry,
      view: this.view(),
      usedNonces: (pairs) => this.store.usedNonces(pairs),
      now: () => this.clock.now(),
      verifyPool: this.verifyPool,
    }, byteLengths);
    const records = items.map(({ tx, id }) => {
      const record = Buffer.from(canonicalJson({ t: 'tx', tx }));
      // Checked in full just now: when this record comes back from the log, don't check it again.
      this.verified.add(sha256Hex(record), id);
      return record;
    });
    await this.orderer.append(records);
    this.metrics.submits.inc({ dept: this.dept }, items.length);
    return items;
  }

  /** Signs with this node's key on behalf of one of its staff (or of the node itself). */
  signAs(actor: string | undefined, kind: string, payload: Record<string, unknown>): Tx {
    const now = this.clock.now();
    // Unique per signer across restarts: microsecond-scaled time, strictly increasing.
    this.lastNonce = Math.max(this.lastNonce + 1, now * 1000);
    return signTx(
      { chain: this.genesis.chain, kind, payload, signer: this.publicKey, ...(actor ? { actor } : {}), nonce: this.lastNonce, time: now },
      this.privateKey,
      this.suite,
    );
  }

  async submitAs(actor: string | undefined, kind: string, payload: Record<string, unknown>, wait: WaitMode = 'receipt', timeoutMs = 15_000) {
    const { id } = await this.submit(this.signAs(actor, kind, payload));
    return { id, receipt: wait === 'none' ? undefined : await this.waitFor(id, wait, timeoutMs) };
  }

  /** Resolves with the transaction once committed (or final). */
  async waitFor(id: string, mode: 'receipt' | 'final', timeoutMs = 15_000): Promise<TxRow> {
    const existing = await this.store.tx(id);
    if (existing && (mode === 'receipt' || existing.height <= this.head.finalHeight)) return existing;
    return new Promise<TxRow>((resolve, reject) => {
      const waiter: Waiter = { mode, resolve, reject, timer: undefined as unknown as NodeJS.Timeout };
      waiter.timer = setTimeout(() => {
        this.waiters.remove(id, waiter);
        reject(new ChainError('TIMEOUT', `transaction ${id} was not ${mode === 'final' ? 'final' : 'committed'} within ${timeoutMs} ms`, { status: 504, data: { id } }));
      }, timeoutMs);
      if (existing) this.waiters.awaitFinal(existing, waiter);
      else this.waiters.add(id, waiter);
    });
  }

  /** A read-only view of committed state, for routes and pre-checks; it never fills the cache block execution reads. */
  view(): StateView {
    return {
      get: async <T>(key: string) => {
        const v = await this.store.get(key);
        return v === undefined ? undefined : (JSON.parse(v) as T);
      },
      put: () => {
        throw new Error('read-only view');
      },
      del: () => {
        throw new Error('read-only view');
      },
    };
  }

  async status(): Promise<NodeStatus> {
    const attested = this.lastAttested;
    return {
      dept: this.dept,
      chain: this.genesis.chain,
      height: this.head.height,
      hash: this.head.hash,
      finalHeight: this.head.finalHeight,
      lastOffset: this.head.lastOffset,
      halted: this.halted,
      quorum: quorumOf(this.members.length),
      members: this.members.map((m) => ({ dept: m.dept, name: m.name, nameEn: m.nameEn, lastAttested: attested[m.dept] ?? null })),
    };
  }

  get height(): number {
    return this.head.height;
  }

  get finalHeight(): number {
    return this.head.finalHeight;
  }

  get isHalted(): boolean {
    return this.halted !== null;
  }

  // ---------------------------------------------------------------- following the log

  /**
   * Takes a delivered batch: parses and checks it at once, sends its signatures to the worker
   * pool, and queues it behind the batches being applied. Resolves when the batch before it is
   * applied, so the orderer reads one batch ahead and the pool verifies it while this thread
   * executes and commits blocks; blocks are still applied one at a time, in log order.
   */
  private async onEntries(entries: LogEntry[], gen: number): Promise<void> {
    if (this.halted) return;
    const read = this.reader.read(entries);
    const before = this.pipeline;
    this.pipeline = before.then(async () => {
      if (gen !== this.generation || this.stopped) return;
      try {
        await this.process(read);
      } catch (err) {
        this.refollow(err, gen);
      }
    });
    await before;
  }

  private async process(entries: ReadEntry[]): Promise<void> {
    for (const entry of entries) {
      if (this.halted) return;
      if (entry.record?.t === 'sig') {
        await this.onSig(entry.record, entry);
        continue;
      }
      const block = this.cutter.feed(entry, entry.record);
      if (block) await this.applyBlock(block);
    }
    this.armCutTimer();
  }

  private async applyBlock(cut: CutBlock<ReadEntry>): Promise<void> {
    const txs = await this.reader.settle(cut.txs);
    // A transaction logged twice is receipted once, at its first offset.
    const known = await this.store.knownTxIds(txs.map((t) => t.id));
    const seen = new Set<string>();
    const fresh = txs.filter((t) => {
      if (known.has(t.id) || seen.has(t.id)) return false;
      seen.add(t.id);
      return true;
    });
    await this.store.execution.prefetch(fresh.flatMap((t) => (t.tx ? [keys.signer(t.tx.signer)] : [])));
    const used = await this.store.usedNonces(fresh.flatMap((t) => (t.tx ? [{ signer: t.tx.signer, nonce: t.tx.nonce }] : [])));
    const state = new BlockState(this.store.execution);
    const time = blockTime(cut.time, this.lastBlockTime, this.genesis.limits);
    const { receipts, nonces } = await executeBlock(cut.height, time, fresh, {
      registry: this.registry,
      genesis: this.genesis,
      state,
      nonceUsed: (signer, nonce) => used.has(`${signer}:${nonce}`),
    });
    const writes = await state.writes();
    const header = buildHeader({
      chain: this.genesis.chain,
      height: cut.height,
      prev: this.head.hash,
      prevStateHash: this.head.stateHash,
      receipts,
      writes,
      firstOffset: cut.firstOffset,
      lastOffset: cut.lastOffset,
      time,
      certs: this.pendingCerts,
    });
    const hash = blockHash(header);
    const committed: CommittedBlock = { header, hash, txs: fresh, receipts };
    const attestations = this.pendingAttestations;
    this.pendingAttestations = [];
    await this.store.commitBlock({ header, hash, txs: fresh, receipts, writes, nonces, attestations, finalHeight: this.head.finalHeight }, async (trx) => {
      for (const m of this.modules) if (m.project) await m.project(trx, committed, this);
    });
    this.pendingCerts = [];
    this.head = { ...this.head, height: header.height, hash, stateHash: header.stateHash, lastOffset: header.lastOffset };
    this.recentHashes.set(header.height, hash);
    this.lastBlockTime = header.time;
    if (this.recentHashes.size > 4096) this.recentHashes.delete(header.height - 4096);
    if (writes.some((w) => w.key === keys.members() || w.key.startsWith('member/'))) {
      await this.loadMembers();
      this.finality.prune((d) => this.members.find((m) => m.dept === d)?.nodeKey);
    }
    const ok = receipts.filter((r) => r.status === 'ok').length;
    if (ok) this.metrics.txs.inc({ dept: this.dept, status: 'ok' }, ok);
    if (ok < receipts.length) this.metrics.txs.inc({ dept: this.dept, status: 'rejected' }, receipts.length - ok);
    this.updateGauges();
    this.waiters.onBlock(committed, (i) => txRowOf(committed, i));
    this.emit('block', committed);
    await this.attest(header.height, hash);
    for (const m of this.modules) {
      try {
        await m.afterBlock?.(committed, this);
      } catch (err) {
        this.log.error({ err, module: m.name }, 'afterBlock failed');
      }
    }
  }

  private async attest(height: number, hash: string): Promise<void> {
    const sig = this.suite.sign(this.privateKey, attestationMessage(this.genesis.chain, height, hash));
    try {
      await this.orderer.append([Buffer.from(canonicalJson({ t: 'sig', h: height, hash, dept: this.dept, sig }))]);
    } catch (err) {
      // Finality waits for a later attestation; a lost one only delays it.
      this.log.warn({ err, height }, 'could not post attestation');
    }
  }

  private async onSig(rec: Extract<LogRecord, { t: 'sig' }>, entry: LogEntry): Promise<void> {
    const own = rec.h <= this.head.height ? await this.hashAt(rec.h) : undefined;
    const quorum = quorumOf(this.members.length);
    const outcome = this.finality.onSig(rec, own, {
      quorum,
      nodeKey: (d) => this.members.find((m) => m.dept === d)?.nodeKey,
    });
    if (outcome.kind === 'counted' || outcome.kind === 'final' || outcome.kind === 'conflict') {
      // Kept with the next block's commit (one insert for all), or at stop.
      this.pendingAttestations.push({ height: rec.h, dept: rec.dept, hash: rec.hash, sig: rec.sig, offset: entry.offset });
      this.lastAttested[rec.dept] = Math.max(this.lastAttested[rec.dept] ?? 0, rec.h);
    } else if (outcome.kind === 'ignored' && outcome.reason === 'already final') this.noteLateAttestation(rec, own);
    if (outcome.kind === 'final') {
      this.pendingCerts.push(outcome.cert);
      this.head = { ...this.head, finalHeight: outcome.cert.height };
      this.updateGauges();
      this.waiters.onFinal(outcome.cert.height);
      this.emit('final', outcome.cert.height);
    } else if (outcome.kind === 'conflict') {
      this.halted = { height: outcome.height, ours: outcome.ours, quorum: outcome.quorum };
      this.metrics.alarm.set({ dept: this.dept }, 1);
      this.log.fatal(this.halted, 'ALARM: this node header differs from the quorum; it has stopped applying blocks');
      this.emit('alarm', this.halted);
    }
  }

  /**
   * A member that signs a height after the quorum made it final is still at the head: the status
   * says so (it would otherwise read as lagging by every block the quorum outran it). Only its
   * progress is noted, after the signature and the hash are checked; the vote counts for nothing.
   */
  private noteLateAttestation(rec: Extract<LogRecord, { t: 'sig' }>, own: string | undefined): void {
    if (own !== rec.hash || rec.h <= (this.lastAttested[rec.dept] ?? 0)) return;
    const key = this.members.find((m) => m.dept === rec.dept)?.nodeKey;
    if (key && this.cachedSuite().verify(key, attestationMessage(this.genesis.chain, rec.h, rec.hash), rec.sig)) this.lastAttested[rec.dept] = rec.h;
  }

  /** The chain's suite, remembering signatures this process has verified (see VerifiedCache). */
  private cachedSuite(): CryptoSuite {
    const inner = this.suite;
    const cache = this.verified;
    return {
      ...inner,
      verify(publicKey, message, signature) {
        const k = sha256Hex(`${publicKey}:${Buffer.from(message).toString('hex')}:${signature}`);
        if (cache.has(k)) return true;
        const ok = inner.verify(publicKey, message, signature);
        if (ok) cache.add(k);
        return ok;
      },
    };
  }

  private async hashAt(height: number): Promise<string | undefined> {
    const cached = this.recentHashes.get(height);
    if (cached) return cached;
    return (await this.store.blockByHeight(height))?.hash;
  }

  /**
   * Any node may end a block by logging a cut marker once its wait has passed. Nodes take
   * turns by height so that usually one marker is written; the others follow a step later
   * only if that one is missing.
   */
  private armCutTimer(): void {
    if (this.stopped || this.halted || this.cutter.pendingCount === 0) return;
    const height = this.cutter.height;
    // Armed once per height: re-arming on every arrival would postpone the cut forever
    // under a steady stream of transactions.
    if (this.cutTimerHeight === height) return;
    clearTimeout(this.cutTimer);
    this.cutTimerHeight = height;
    const depts = this.members.map((m) => m.dept);
    const n = Math.max(1, depts.length);
    const me = Math.max(0, depts.indexOf(this.dept));
    const rank = (me - (height % n) + n) % n;
    const wait = this.genesis.limits.blockWaitMs;
    const fire = (delay: number) => {
      this.cutTimer = setTimeout(() => {
        if (this.stopped || this.cutter.height !== height || this.cutter.pendingCount === 0) return;
        this.orderer
          .append([Buffer.from(canonicalJson({ t: 'cut', h: height, by: this.dept }))])
          .catch((err) => this.log.warn({ err, height }, 'could not post cut marker'));
        // If the marker is lost (or landed while nothing was pending), try again after
        // everyone else has had a turn.
        fire(wait * (n + 1));
      }, delay);
      this.cutTimer.unref?.();
    };
    fire(wait * (1 + rank));
  }

  /**
   * The current encryption keys of the given member departments, to seal a field to. A department
   * without one (or not an active member) is refused: sealing to fewer parties than asked
   * would leave one of them unable to read what it has a basis for.
   */
  sealRecipients(depts: readonly string[]): SealRecipient[] {
    return [...new Set(depts)].sort().map((d) => {
      const m = this.members.find((x) => x.dept === d);
      if (!m?.encKey) throw new ChainError('NO_ENC_KEY', `${d} has no encryption key on the chain`, { status: 409 });
      return { kid: encKid(d, m.encKey), encKey: m.encKey };
    });
  }

  /** Adds a private encryption key (a new one before its rotation is proposed); old ones stay. */
  addEncKey(privateKeyHex: string): string {
    const kid = encKid(this.dept, encPublicOf(privateKeyHex));
    this.keyring.set(kid, privateKeyHex);
    return kid;
  }

  /** Every active member's current encryption key (public), for sealing in the browser. */
  encKeys(): { dept: string; encKey: string; kid: string }[] {
    return this.members.flatMap((m) => (m.encKey ? [{ dept: m.dept, encKey: m.encKey, kid: encKid(m.dept, m.encKey) }] : []));
  }

  private async loadMembers(): Promise<void> {
    const v = this.view();
    const depts = (await v.get<string[]>(keys.members())) ?? [];
    const out: MemberRecord[] = [];
    for (const d of depts) {
      const m = await v.get<MemberRecord>(keys.member(d));
      if (m?.active) out.push(m);
    }
    this.members = out;
  }

  private updateGauges(): void {
    this.metrics.height.set({ dept: this.dept }, this.head.height);
    this.metrics.finalHeight.set({ dept: this.dept }, this.head.finalHeight);
    this.metrics.alarm.set({ dept: this.dept }, this.halted ? 1 : 0);
  }
}

export type { Header, Receipt };
