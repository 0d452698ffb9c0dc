import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface VerifyItem {
  signer: string;
  message: string;
  signature: string;
}

/** Where one signature's verdict will be: the pool round it went in, and its place there. */
export interface PendingVerdict {
  round: Promise<boolean[]>;
  index: number;
}

/** Below this many signatures a batch is checked on the calling thread: a worker round trip costs more. */
export const POOL_THRESHOLD = 16;
/** Signatures per round: small enough that a block's first verdicts come back while later ones are checked. */
const ROUND = 256;

/**
 * ed25519 verification on every core. The node hands it a whole delivered batch before
 * cutting blocks from it, so signature checks run in parallel while the block pipeline
 * itself stays one ordered, deterministic loop.
 */
export class VerifyPool {
  private readonly workers: Worker[];
  private next = 0;
  private seq = 0;
  private readonly pending = new Map<number, (out: boolean[]) => void>();

  constructor(size = cpus().length) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => {
      const w = new Worker(new URL('./verifyWorker.mjs', import.meta.url));
      w.on('message', ({ id, out }: { id: number; out: boolean[] }) => {
        this.pending.get(id)?.(out);
        this.pending.delete(id);
        if (this.pending.size === 0) for (const each of this.workers) each.unref();
      });
      w.unref();
      return w;
    });
  }

  async verify(items: VerifyItem[]): Promise<boolean[]> {
    if (items.length === 0) return [];
    // Work under way keeps the process alive until its verdicts are back; an idle pool doesn't.
    if (this.pending.size === 0) for (const w of this.workers) w.ref();
    const per = Math.ceil(items.length / this.workers.length);
    const parts: Promise<boolean[]>[] = [];
    for (let i = 0; i < items.length; i += per) {
      const id = this.seq++;
      const w = this.workers[this.next++ % this.workers.length];
      parts.push(new Promise((resolve) => this.pending.set(id, resolve)));
      w.postMessage({ id, items: items.slice(i, i + per) });
    }
    return (await Promise.all(parts)).flat();
  }

  /** The signatures sent in rounds of ROUND; each one's place, for verdictsAt. */
  verifyInRounds(items: VerifyItem[]): PendingVerdict[] {
    const out: PendingVerdict[] = [];
    for (let i = 0; i < items.length; i += ROUND) {
      const round = this.verify(items.slice(i, i + ROUND));
      for (let index = 0; index < Math.min(ROUND, items.length - i); index++) out.push({ round, index });
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The verdicts at these places (undefined where none was asked for), waiting for each round once. */
export async function verdictsAt(places: (PendingVerdict | undefined)[]): Promise<(boolean | undefined)[]> {
  const out: (boolean | undefined)[] = [];
  let round: Promise<boolean[]> | undefined;
  let got: boolean[] = [];
  for (const place of places) {
    if (place && place.round !== round) {
      round = place.round;
      got = await round;
    }
    out.push(place ? got[place.index] : undefined);
  }
  return out;
}
