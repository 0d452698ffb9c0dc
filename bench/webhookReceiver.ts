import { Worker } from 'node:worker_threads';

/** One event as the receiver acknowledged it: its block and when the 2xx reply had gone out. */
export interface Ack {
  height: number;
  /** `wallClock()` when the reply was finished */
  at: number;
}

/** A high-resolution clock that reads the same in every thread of the process. */
export const wallClock = (): number => performance.timeOrigin + performance.now();

/**
 * The receiving end of the bench's webhook: a department's system on loopback in a thread of its
 * own (webhookReceiverWorker.mjs), so its HTTP and signature work is not counted as the node's.
 * Keeps, per event id, the first acknowledgement (deliveries are at least once).
 */
export class WebhookReceiver {
  readonly acks = new Map<string, Ack>();
  bad = 0;
  private readonly worker = new Worker(new URL('./webhookReceiverWorker.mjs', import.meta.url));
  private waiting?: { count: number; done: () => void };
  private readonly port: Promise<number>;

  constructor() {
    this.port = new Promise((resolve, reject) => {
      this.worker.once('error', reject);
      this.worker.on('message', (m: { port?: number }) => m.port !== undefined && resolve(m.port));
    });
    this.worker.on('message', (m: { acks?: [string, number, number][]; bad?: number }) => {
      for (const [id, height, at] of m.acks ?? []) if (!this.acks.has(id)) this.acks.set(id, { height, at });
      this.bad += m.bad ?? 0;
      if (this.waiting && this.acks.size >= this.waiting.count) this.waiting.done();
    });
  }

  /** The URL to register, once the receiver listens. */
  async url(): Promise<string> {
    return `http://127.0.0.1:${await this.port}/hook`;
  }

  /** The webhook's secret, from the registration's answer; deliveries that came before it wait for it. */
  set secret(s: string) {
    this.worker.postMessage({ secret: s });
  }

  /** Resolves once `count` distinct events have been acknowledged. */
  until(count: number, timeoutMs: number): Promise<void> {
    if (this.acks.size >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.acks.size} of ${count} webhook deliveries acknowledged after ${timeoutMs} ms`)), timeoutMs);
      this.waiting = { count, done: () => (clearTimeout(timer), (this.waiting = undefined), resolve()) };
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage({ close: true });
    await new Promise((r) => this.worker.once('exit', r));
  }
}
