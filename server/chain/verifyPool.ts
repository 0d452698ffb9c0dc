import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface VerifyItem {
  signer: string;
  message: string;
  signature: string;
}

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
      });
      w.unref();
      return w;
    });
  }

  async verify(items: VerifyItem[]): Promise<boolean[]> {
    if (items.length === 0) return [];
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

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
