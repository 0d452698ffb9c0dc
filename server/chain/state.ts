import { canonicalJson } from './canonical.ts';
import { sha256Hex } from './hash.ts';

/** Reads committed state: JSON text per key, undefined when absent. */
export interface StateReader {
  get(key: string): Promise<string | undefined>;
  /** optional: load many keys at once, so later gets are answered from memory */
  prefetch?(keys: string[]): Promise<void>;
}

export interface StateWrite {
  key: string;
  old: string | null;
  new: string | null;
  txId: string;
}

/** The view a contract handler gets: typed reads and buffered writes, nothing else. */
export interface StateView {
  get<T = unknown>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): void;
  del(key: string): void;
}

const KEY = /^[A-Za-z0-9_.:\/-]{1,255}$/;

/**
 * The state of a block being executed: committed state below, the block's writes above, and
 * one transaction's writes on top until that transaction succeeds or is rejected.
 */
export class BlockState {
  // `old` stays undefined until the block ends, then all old values are read in one batch.
  private readonly block = new Map<string, { value: string | null; old: string | null | undefined; txId: string }>();
  private readonly tx = new Map<string, string | null>();
  private txId = '';
  /** One view serves every transaction: it always reads and writes the current one. */
  private readonly view: StateView;

  constructor(private readonly reader: StateReader) {
    const state = this;
    this.view = {
      async get<T>(key: string) {
        const text = await state.read(key);
        return text === null ? undefined : (JSON.parse(text) as T);
      },
      put(key, value) {
        if (!KEY.test(key)) throw new Error(`invalid state key ${key}`);
        state.tx.set(key, canonicalJson(value));
      },
      del(key) {
        state.tx.set(key, null);
      },
    };
  }

  /**
   * A read for callers that only look (resolving each transaction's actor): the parsed value
   * is handed out again while the key's text is unchanged, frozen so that no caller can change
   * it for the next one. Contracts get their own copy through the view.
   */
  readonly lookup = async <T>(key: string): Promise<T | undefined> => {
    const text = await this.read(key);
    if (text === null) return undefined;
    const seen = this.looked.get(key);
    if (seen?.text === text) return seen.value as T;
    const value = Object.freeze(JSON.parse(text));
    this.looked.set(key, { text, value });
    return value as T;
  };

  private readonly looked = new Map<string, { text: string; value: unknown }>();

  begin(txId: string): StateView {
    this.tx.clear();
    this.txId = txId;
    return this.view;
  }

  private async read(key: string): Promise<string | null> {
    if (this.tx.has(key)) return this.tx.get(key)!;
    const b = this.block.get(key);
    if (b) return b.value;
    return (await this.reader.get(key)) ?? null;
  }

  commitTx(): void {
    for (const [key, value] of this.tx) {
      const prev = this.block.get(key);
      this.block.set(key, { value, old: prev ? prev.old : undefined, txId: this.txId });
    }
    this.tx.clear();
  }

  rollbackTx(): void {
    this.tx.clear();
  }

  /** The block's net writes in key order; a key written back to its old value still counts. */
  async writes(): Promise<StateWrite[]> {
    const keys = [...this.block.keys()].sort();
    const unknown = keys.filter((k) => this.block.get(k)!.old === undefined);
    if (unknown.length && this.reader.prefetch) await this.reader.prefetch(unknown);
    const out: StateWrite[] = [];
    for (const key of keys) {
      const w = this.block.get(key)!;
      const old = w.old === undefined ? ((await this.reader.get(key)) ?? null) : w.old;
      out.push({ key, old, new: w.value, txId: w.txId });
    }
    return out;
  }
}

/** state hash = H(previous state hash, H(sorted writes)) */
export function nextStateHash(prev: string, writes: StateWrite[]): string {
  const body = sha256Hex(canonicalJson(writes.map((w) => [w.key, w.new])));
  return sha256Hex(prev + body);
}
