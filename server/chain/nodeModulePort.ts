import type { Logger } from 'pino';
import type { ModuleDb, ModulePort, NodeChange, StateChange, WaitMode } from './modulePort.ts';
import { submitChecked, type PreflightNode } from './preflight.ts';
import type { SealRecipient } from './sealing/envelope.ts';
import type { Cert, Tx } from './schema.ts';
import type { BlockRow, TxRow } from './store/chainStore.ts';

/**
 * What the adapter reads of a node. Written out rather than importing the node, so the node
 * can hand its modules a port without the chain's files importing each other in a loop.
 */
export interface PortSource extends PreflightNode {
  readonly dept: string;
  readonly finalHeight: number;
  readonly keyring: ReadonlyMap<string, string>;
  readonly db: ModuleDb;
  readonly log: Logger;
  readonly store: PreflightNode['store'] & {
    blockByHeight(height: number): Promise<BlockRow | undefined>;
    getMany(keys: string[]): Promise<Map<string, string>>;
    history(key: string): Promise<StateChange[]>;
    tx(id: string): Promise<TxRow | undefined>;
    txsOfBlock(height: number): Promise<TxRow[]>;
  };
  submitAs(actor: string | undefined, kind: string, payload: Record<string, unknown>, wait?: WaitMode, timeoutMs?: number): Promise<{ id: string; receipt?: TxRow }>;
  sealRecipients(depts: readonly string[]): SealRecipient[];
  readonly publicKey: string;
  uncarriedCerts(): readonly Cert[];
  on(event: NodeChange, fn: () => void): unknown;
  off(event: NodeChange, fn: () => void): unknown;
}

/** The port a node gives its modules: a fixed set of its members, nothing more (see ModulePort). */
export function modulePortOf(node: PortSource): ModulePort {
  let headCache = { height: -1, time: 0 };
  return Object.freeze({
    get dept() {
      return node.dept;
    },
    get genesis() {
      return node.genesis;
    },
    get height() {
      return node.height;
    },
    get finalHeight() {
      return node.finalHeight;
    },
    get keyring() {
      return node.keyring;
    },
    get log() {
      return node.log;
    },
    get publicKey() {
      return node.publicKey;
    },
    onChange(fn: (what: NodeChange) => void) {
      const subs = (['block', 'final', 'stopped'] as const).map((e) => [e, () => fn(e)] as const);
      for (const [e, f] of subs) node.on(e, f);
      return () => {
        for (const [e, f] of subs) node.off(e, f);
      };
    },
    get db() {
      return node.db;
    },
    async headTime() {
      const height = node.height;
      if (headCache.height !== height) headCache = { height, time: (await node.store.blockByHeight(height))?.header.time ?? 0 };
      return headCache.time;
    },
    view: () => node.view(),
    getMany: (keys: string[]) => node.store.getMany(keys),
    history: (key: string) => node.store.history(key),
    blockHash: async (height: number) => (await node.store.blockByHeight(height))?.hash,
    block: (height: number) => node.store.blockByHeight(height),
    blockTxs: (height: number) => node.store.txsOfBlock(height),
    tx: (id: string) => node.store.tx(id),
    uncarriedCerts: () => node.uncarriedCerts(),
    signAs: (actor: string | undefined, kind: string, payload: Record<string, unknown>) => node.signAs(actor, kind, payload),
    submit: (tx: Tx) => node.submit(tx),
    submitAs: (actor: string | undefined, kind: string, payload: Record<string, unknown>, wait?: WaitMode, timeoutMs?: number) => node.submitAs(actor, kind, payload, wait, timeoutMs),
    waitFor: (id: string, mode: 'receipt' | 'final', timeoutMs?: number) => node.waitFor(id, mode, timeoutMs),
    submitChecked: (raw: unknown) => submitChecked(node, raw),
    sealRecipients: (depts: readonly string[]) => node.sealRecipients(depts),
  });
}
