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
  private tx = new Map<string, string | null>();
  private txId = '';

  constructor(private readonly reader: StateReader) {}

  begin(txId: string): StateView {
    this.tx = new Map();
    this.txId = txId;
    return {
      get: async <T>(key: string) => {
        const text = await this.read(key);
        return text === null ? undefined : (JSON.parse(text) as T);
      },
      put: (key, value) => {
        if (!KEY.test(key)) throw new Error(`invalid state key ${key}`);
        this.tx.set(key, canonicalJson(value));
      },
      del: (key) => {
        this.tx.set(key, null);
      },
    };
  }

  private async read(key: string): Promise<string | null> {
    if (this.tx.has(key)) return this.tx.get(key)!;
    const b = this.block.get(key);
    if (b) return b.value;
    return (await this.reader.get(key)) ?? null;
  }

  async commitTx(): Promise<void> {
    for (const [key, value] of this.tx) {
      const prev = this.block.get(key);
      this.block.set(key, { value, old: prev ? prev.old : undefined, txId: this.txId });
    }
    this.tx = new Map();
  }

  rollbackTx(): void {
    this.tx = new Map();
  }

  /** The block's net writes in key order; a key written back to its old value still counts. */
  async writes(): Promise<StateWrite[]> {
    const unknown = [...this.block.entries()].filter(([, w]) => w.old === undefined).map(([k]) => k);
    if (unknown.length && this.reader.prefetch) await this.reader.prefetch(unknown);
    const out: StateWrite[] = [];
    for (const [key, w] of [...this.block.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
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
