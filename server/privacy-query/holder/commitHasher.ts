import { Worker } from 'node:worker_threads';
import { ChainError } from '../../chain/errors.ts';
import { commit, enterpriseField, fieldId } from '../zk/commitment.ts';
import { toU64 } from '../zk/field.ts';

export interface Opening {
  enterprise: string;
  value: bigint;
  salt: bigint;
}

type Reply = { id: number; out?: bigint[]; error?: string };

/**
 * Commitments for a large load, hashed in a worker thread so the node keeps applying blocks on the
 * main one. The rows are built here, in zk/commitment.ts's layout, and the first commitment of every
 * batch is recomputed with zk commit() itself, so the worker can never drift from the circuits.
 * One per load: started for it, ended after it.
 */
export class CommitHasher {
  // circomlibjs loads ffjavascript, which loads web-worker; in any worker thread that package takes
  // itself for a web worker and runs workerData.mod. An empty script keeps it quiet.
  private readonly worker = new Worker(new URL('./hashWorker.mjs', import.meta.url), { workerData: { mod: 'data:,' } });
  private readonly pending = new Map<number, { resolve: (x: bigint[]) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(
    private readonly field: string,
    private readonly period: bigint,
  ) {
    this.worker.on('message', (r: Reply) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (r.out) p?.resolve(r.out);
      else p?.reject(new ChainError('PQ_HASH_FAILED', r.error ?? 'hashing failed', { status: 500 }));
    });
    this.worker.on('error', (e) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    });
  }

  async commitments(batch: Opening[]): Promise<bigint[]> {
    const f = fieldId(this.field);
    const period = toU64(this.period, 'period');
    const rows = batch.map((o) => [enterpriseField(o.enterprise), f, period, toU64(o.value, 'value'), o.salt]);
    const out = await new Promise<bigint[]>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, rows });
    });
    if (batch.length && out[0] !== (await commit({ ...batch[0], field: this.field, period: this.period }))) {
      throw new ChainError('PQ_HASH_MISMATCH', 'the hashing worker disagrees with zk/commitment.ts', { status: 500 });
    }
    return out;
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
