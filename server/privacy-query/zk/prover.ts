import { availableParallelism } from 'node:os';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { Groth16Proof } from 'snarkjs';
import { ChainError } from '../../chain/errors.ts';
import { DEFAULT_BUILD_DIR } from './keys.ts';
import { CIRCUITS, type CircuitName } from './publicSignals.ts';

export interface ProveResult {
  proof: Groth16Proof;
  publicSignals: string[];
}

/** A circuit's full input: its named public and private signals (arrays for Merkle paths). */
export type CircuitInput = Record<string, bigint | number | readonly (bigint | number)[]>;

export interface ProverOptions {
  /** circuits/build by default: <circuit>/<circuit>.zkey, <circuit>/<circuit>_js/<circuit>.wasm */
  buildDir?: string;
  /** number of worker threads; one per core by default */
  size?: number;
  /** let an idle worker help with another's proof when nothing else is queued; on by default */
  split?: boolean;
}

interface Task {
  id: number;
  circuit: CircuitName;
  input: CircuitInput;
  resolve: (r: ProveResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task?: Task;
  /** helping with another worker's proof */
  helping?: boolean;
  /** waiting for the worker to load the circuits warm() named */
  warming?: { resolve: () => void; reject: (e: Error) => void };
}

type Reply =
  | { ready: true }
  | { helped: true }
  | { warmed: true; error?: string }
  | { id: number; ok: true; proof: Groth16Proof; publicSignals: string[] }
  | { id: number; ok: false; kind: 'witness' | 'error'; message: string };

const failed = (message: string) => new ChainError('ZK_PROVER_FAILED', message, { status: 500 });

/**
 * Groth16 proving off the event loop: a pool of worker threads (proverWorker.mjs), each keeping the
 * circuits' wasm and proving keys loaded. Requests queue in order and go to the first idle worker. When a
 * request leaves the queue empty and another worker is idle, that worker helps with it: the two take the
 * proof's five multi-exponentiations from a shared counter (see groth16Prove.mjs), so a lone request uses
 * two cores; under load every worker proves on its own and nothing is shared. A worker that crashes fails
 * its own request and is replaced (a helper that crashes only costs its partner the time to do its steps
 * itself); one that cannot even start is dropped, not respawned in a loop. Idle workers are unref'd, so a
 * forgotten pool does not keep the process alive; close() ends them.
 */
export class Prover {
  private readonly buildDir: string;
  private readonly split: boolean;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private dispatchPending = false;
  private closed = false;
  private broken?: Error;
  private warmList?: readonly CircuitName[];

  constructor(opts: ProverOptions = {}) {
    this.buildDir = opts.buildDir ?? DEFAULT_BUILD_DIR;
    this.split = opts.split ?? true;
    const size = opts.size ?? availableParallelism();
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  prove(circuit: CircuitName, input: CircuitInput): Promise<ProveResult> {
    if (this.closed) return Promise.reject(failed('the prover has been closed'));
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, circuit, input, resolve, reject });
      // dispatch once the caller's synchronous burst is queued: the first request of a burst must not
      // take an idle worker as its helper when the next request needs that worker
      if (this.dispatchPending) return;
      this.dispatchPending = true;
      queueMicrotask(() => {
        this.dispatchPending = false;
        this.dispatch();
      });
    });
  }

  /**
   * Loads the circuits' witness calculators, proving keys and window tables in every worker now, so the
   * first question does not pay for them (half a second to a second per worker). Resolves when every
   * worker has them; a worker that replaces a crashed one loads them too.
   */
  warm(circuits: readonly CircuitName[] = CIRCUITS): Promise<void> {
    if (this.closed) return Promise.reject(failed('the prover has been closed'));
    if (this.broken) return Promise.reject(this.broken);
    this.warmList = circuits;
    const each = this.slots.map(
      (slot) =>
        new Promise<void>((resolve, reject) => {
          slot.warming = { resolve, reject };
          if (slot.ready) slot.worker.postMessage({ warm: circuits });
        }),
    );
    return Promise.all(each).then(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll(failed('the prover has been closed'));
    for (const s of this.slots) s.warming?.reject(failed('the prover has been closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./proverWorker.mjs', import.meta.url), {
      // web-worker, the thread library under ffjavascript, takes every worker thread for one of its own and
      // loads workerData.mod in it as soon as ffjavascript is imported; an empty module keeps it harmless.
      workerData: { buildDir: this.buildDir, mod: 'data:text/javascript,', type: 'module', name: 'tongban-prover' },
    });
    const slot: Slot = { worker, ready: false };
    worker.unref();
    worker.on('message', (reply: Reply) => this.settle(slot, reply));
    worker.on('error', (e) => this.lost(slot, e));
    worker.on('exit', (code) => this.lost(slot, new Error(`prover worker exited with code ${code}`)));
    return slot;
  }

  private idle(slot: Slot): boolean {
    return slot.ready && !slot.task && !slot.helping;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!this.idle(slot) || this.queue.length === 0) continue;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      const helper = this.split && this.queue.length === 0 ? this.slots.find((s) => s !== slot && this.idle(s)) : undefined;
      if (!helper) {
        slot.worker.postMessage({ id: task.id, circuit: task.circuit, input: task.input });
        continue;
      }
      const { port1, port2 } = new MessageChannel();
      helper.helping = true;
      helper.worker.ref();
      helper.worker.postMessage({ help: true, circuit: task.circuit, port: port2 }, [port2]);
      slot.worker.postMessage({ id: task.id, circuit: task.circuit, input: task.input, port: port1 }, [port1]);
    }
  }

  private settle(slot: Slot, reply: Reply): void {
    if ('ready' in reply) {
      slot.ready = true;
      if (this.warmList) slot.worker.postMessage({ warm: this.warmList });
      return this.dispatch();
    }
    if ('warmed' in reply) {
      const w = slot.warming;
      slot.warming = undefined;
      if (reply.error) w?.reject(failed(`loading the circuits failed: ${reply.error}`));
      else w?.resolve();
      return;
    }
    if ('helped' in reply) {
      slot.helping = false;
      if (!slot.task) slot.worker.unref();
      return this.dispatch();
    }
    const task = slot.task;
    if (!task || task.id !== reply.id) return;
    slot.task = undefined;
    slot.worker.unref();
    if (reply.ok) task.resolve({ proof: reply.proof, publicSignals: reply.publicSignals });
    else if (reply.kind === 'witness') {
      const message = `the inputs do not satisfy ${task.circuit}: ${reply.message.split('\n')[0]}`;
      task.reject(new ChainError('ZK_WITNESS_FAILED', message, { data: { detail: reply.message } }));
    } else task.reject(failed(`proving ${task.circuit} failed: ${reply.message}`));
    this.dispatch();
  }

  private lost(slot: Slot, e: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0 || this.closed) return;
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    slot.task?.reject(failed(`prover worker failed: ${e.message}`));
    slot.warming?.reject(failed(`prover worker failed: ${e.message}`));
    if (!slot.ready) {
      this.slots.splice(i, 1);
      if (this.slots.length > 0) return;
      this.broken = failed(`prover worker could not start: ${e.message}`);
      return this.failAll(this.broken);
    }
    this.slots[i] = this.spawn();
    this.dispatch();
  }

  private failAll(e: Error): void {
    for (const t of this.queue.splice(0)) t.reject(e);
  }
}
