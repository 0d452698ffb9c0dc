import { EventEmitter } from 'node:events';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { admitTxs } from './admitTxs.ts';
import { BlockImporter } from './blockImporter.ts';
import type { CutBlock } from './blockCutter.ts';
import { buildRegistry } from './buildRegistry.ts';
import { canonicalJson } from './canonical.ts';
import { ChainError } from './errors.ts';
import { FinalityVoter, type Halt } from './finalityVoter.ts';
import { quorumOf } from './genesis.ts';
import { sha256Hex } from './hash.ts';
import { blockHash, genesisBlock } from './header.ts';
import { keys, type MemberRecord } from './identity.ts';
import { LogFollower } from './logFollower.ts';
import { LogReader, type ReadEntry } from './logReader.ts';
import type { Metrics } from './metrics.ts';
import type { CommittedBlock, Module } from './module.ts';
import type { AdmitOptions, NodeConfig, NodeDeps, NodeStatus, WaitMode } from './nodeConfig.ts';
import type { ModulePort } from './modulePort.ts';
import { modulePortOf } from './nodeModulePort.ts';
import { systemClock, type Clock } from './orderer/localLog.ts';
import type { Orderer } from './orderer/orderer.ts';
import type { ContractRegistry } from './registry.ts';
import type { Cert, Genesis, Header, Receipt, Tx } from './schema.ts';
import { encKid, encPublicOf, type SealRecipient } from './sealing/envelope.ts';
import type { StateView } from './state.ts';
import { openLedgerStore, txRowOf, type ChainStore, type Head, type TxRow } from './store/chainStore.ts';
import { suiteByName, type CryptoSuite } from './suites/index.ts';
import { CheckpointSigner } from './snapshot/checkpointSigner.ts';
import { projectFromState } from './snapshot/projectFromState.ts';
import { signTx } from './tx.ts';
import { VerifiedCache } from './verifiedCache.ts';
import type { VerifyPool } from './verifyPool.ts';
import { Waiters, type Waiter } from './waiters.ts';

export type { AdmitOptions, NodeConfig, NodeDeps, NodeStatus, WaitMode } from './nodeConfig.ts';

/**
 * One department's node: the composition of a log follower (reads the ordering log and cuts
 * blocks), a block importer (the block transition, committed with the read models in one
 * database transaction) and a finality voter (attests headers, counts the others'
 * attestations), behind one door for submissions (admitTxs).
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
  private readonly follower: LogFollower;
  private readonly importer: BlockImporter;
  private readonly voter: FinalityVoter;
  private readonly checkpoints: CheckpointSigner;
  private head!: Head;
  private readonly recentHashes = new Map<number, string>();
  private members: MemberRecord[] = [];
  private halted: NodeStatus['halted'] = null;
  private lastBlockTime = 0;
  private lastNonce = 0;
  private readonly waiters = new Waiters();

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
    this.store = openLedgerStore(deps.db);
    this.registry = buildRegistry(this.modules);
    const { chain, limits } = this.genesis;
    const reader = new LogReader({ chain, suite: this.suite, maxTxBytes: limits.maxTxBytes }, this.verified, this.verifyPool);
    this.importer = new BlockImporter({
      genesis: this.genesis,
      registry: this.registry,
      store: this.store,
      reader,
      project: async (trx, block) => {
        for (const m of this.modules) if (m.project) await m.project(trx, block, this.modulePort());
      },
    });
    this.voter = new FinalityVoter({
      chain,
      dept: this.dept,
      suite: this.suite,
      privateKey: this.privateKey,
      orderer: this.orderer,
      log: this.log,
      verified: this.verified,
      members: () => this.members,
      hashAt: (h) => this.hashAt(h),
      onFinal: (cert) => this.onFinal(cert),
      onConflict: (halt) => this.onConflict(halt),
    });
    const { dept, suite, privateKey, store, orderer, log } = this;
    this.checkpoints = new CheckpointSigner({ chain, dept, suite, privateKey, store, orderer, log, every: limits.snapshotEvery, members: () => this.members });
    this.follower = new LogFollower({
      dept: this.dept,
      orderer: this.orderer,
      reader,
      maxBlockTxs: limits.maxBlockTxs,
      blockWaitMs: limits.blockWaitMs,
      log: this.log,
      position: () => this.head,
      isHalted: () => this.halted !== null,
      memberDepts: () => this.members.map((m) => m.dept),
      onSig: (rec, entry) => this.voter.onSig(rec, entry, this.head.height),
      onSnap: (rec) => this.checkpoints.onSnap(rec),
      onBlock: (cut) => this.applyBlock(cut),
      onError: (err) => this.emit('ordererError', err),
    });
  }

  get db(): Knex {
    return this.store.db;
  }

  private port?: ModulePort;
  /** What this node's modules see of it (modulePort.ts): the same port for every hook and route. */
  modulePort(): ModulePort {
    return (this.port ??= modulePortOf(this));
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
    // a node started from a snapshot: its read models from the imported state, with its own keys
    if (await projectFromState(this.db, this.modules, this.modulePort())) this.log.info('read models made from the snapshot state');
    this.head = head;
    this.recentHashes.set(head.height, head.hash);
    this.lastBlockTime = (await this.store.blockByHeight(head.height))!.header.time;
    await this.loadMembers();
    const mine = this.members.find((m) => m.dept === this.dept);
    if (!mine || mine.nodeKey !== this.publicKey) {
      this.log.warn('this node key is not the registered key of %s; it will follow the chain but its attestations will not count', this.dept);
    }
    const lastAttested = await this.store.lastAttested();
    this.voter.restore(head.finalHeight, await this.store.attestationsAbove(head.finalHeight), lastAttested);
    this.updateGauges();
    this.follower.follow();
  }

  async stop(): Promise<void> {
    await this.follower.stop();
    await this.checkpoints.stop();
    this.emit('stopped');
    this.waiters.cancelAll(new ChainError('NODE_STOPPED', 'the node stopped before the transaction was committed', { status: 503 }));
  }

  // ---------------------------------------------------------------- submitting

  /**
   * Checks a signed transaction as far as it can without ordering it (the same rules the
   * executor applies), then appends it to the log. Bad input throws; nothing is written.
   * `check`: the contract's own rule too (see admitTxs).
   */
  async submit(raw: unknown, byteLength?: number, opts: AdmitOptions = {}): Promise<{ id: string; tx: Tx }> {
    const [one] = await this.submitMany([raw], byteLength === undefined ? undefined : [byteLength], opts);
    return one;
  }

  /**
   * A batch of signed transactions (an agency's bulk upload, a load generator), admitted whole
   * or not at all and appended to the log in one write, in the order given.
   */
  async submitMany(raws: unknown[], byteLengths?: number[], opts: AdmitOptions = {}): Promise<{ id: string; tx: Tx }[]> {
    const items = await this.admit(raws, byteLengths, opts);
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

  /** The one door before ordering (admitTxs), without ordering: a dry run when called alone. */
  async admit(raws: unknown[], byteLengths?: number[], opts: AdmitOptions = {}): Promise<{ id: string; tx: Tx }[]> {
    if (this.halted) throw new ChainError('NODE_HALTED', 'this node disagrees with the consortium and has stopped; see its status', { status: 503 });
    return admitTxs(
      raws,
      {
        genesis: this.genesis,
        suite: this.suite,
        registry: this.registry,
        view: this.view(),
        usedNonces: (pairs) => this.store.usedNonces(pairs),
        now: () => this.clock.now(),
        verifyPool: this.verifyPool,
      },
      byteLengths,
      opts.check ? { reader: this.store, height: this.head.height, headTime: this.lastBlockTime, log: this.log } : undefined,
    );
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
    const attested = this.voter.lastAttested;
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

  /** Certificates of final blocks that no committed block carries yet. */
  uncarriedCerts(): readonly Cert[] {
    return this.voter.pendingCerts;
  }

  get height(): number { return this.head.height; } // prettier-ignore
  get finalHeight(): number { return this.head.finalHeight; } // prettier-ignore
  get isHalted(): boolean { return this.halted !== null; } // prettier-ignore
  /** Resolves once the checkpoint roots under way are signed and logged. */
  checkpointsIdle(): Promise<void> { return this.checkpoints.idle(); } // prettier-ignore

  // ---------------------------------------------------------------- following the log

  /** Imports a cut block, then moves the head on, tells waiters and listeners, and attests it. */
  private async applyBlock(cut: CutBlock<ReadEntry>): Promise<void> {
    const { block, writes } = await this.importer.import(cut, { head: this.head, time: this.lastBlockTime }, this.voter.take());
    this.voter.committed();
    const { header, hash, receipts } = block;
    const committed: CommittedBlock = block;
    this.head = { ...this.head, height: header.height, hash, stateHash: header.stateHash, lastOffset: header.lastOffset };
    this.recentHashes.set(header.height, hash);
    this.lastBlockTime = header.time;
    if (this.recentHashes.size > 4096) this.recentHashes.delete(header.height - 4096);
    if (writes.some((w) => w.key === keys.members() || w.key.startsWith('member/'))) {
      await this.loadMembers();
      this.voter.prune();
    }
    const ok = receipts.filter((r) => r.status === 'ok').length;
    if (ok) this.metrics.txs.inc({ dept: this.dept, status: 'ok' }, ok);
    if (ok < receipts.length) this.metrics.txs.inc({ dept: this.dept, status: 'rejected' }, receipts.length - ok);
    this.updateGauges();
    this.waiters.onBlock(committed, (i) => txRowOf(committed, i));
    this.emit('block', committed);
    await this.voter.attest(header.height, hash);
    // Before the next block: the copy the root is worked out from is of the state exactly at this height.
    await this.checkpoints.committed(header.height);
    for (const m of this.modules) {
      try {
        await m.afterBlock?.(committed, this.modulePort());
      } catch (err) {
        this.log.error({ err, module: m.name }, 'afterBlock failed');
      }
    }
  }

  private onFinal(cert: Cert): void {
    this.head = { ...this.head, finalHeight: cert.height };
    this.updateGauges();
    this.waiters.onFinal(cert.height);
    this.emit('final', cert.height);
  }

  private onConflict(halt: Halt): void {
    this.halted = halt;
    this.metrics.alarm.set({ dept: this.dept }, 1);
    this.log.fatal(this.halted, 'ALARM: this node header differs from the quorum; it has stopped applying blocks');
    this.emit('alarm', this.halted);
  }

  private async hashAt(height: number): Promise<string | undefined> {
    const cached = this.recentHashes.get(height);
    if (cached) return cached;
    return (await this.store.blockByHeight(height))?.hash;
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
