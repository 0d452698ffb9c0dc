import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, verifySignature } from '../server/events/signature.ts';

/** One event as the receiver acknowledged it: its block and when the 2xx reply had gone out. */
export interface Ack {
  height: number;
  at: number;
}

/**
 * A department's system receiving webhooks on loopback: it checks every signature, answers 204,
 * and keeps, per event id, the event's height and the moment its reply was finished (the first
 * one: deliveries are at least once). Times are `performance.now()`, the clock the bench reads
 * block commits with.
 */
export class WebhookReceiver {
  readonly acks = new Map<string, Ack>();
  bad = 0;
  secret = '';
  private readonly server: Server;
  private waiting?: { count: number; done: () => void };

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (!verifySignature(this.secret, req.headers[SIGNATURE_HEADER] as string, body, Math.floor(Date.now() / 1000)).ok) {
          this.bad++;
          res.statusCode = 401;
          res.end();
          return;
        }
        const { event } = JSON.parse(body) as { event: { id: string; height: number } };
        res.on('finish', () => {
          if (this.acks.has(event.id)) return;
          this.acks.set(event.id, { height: event.height, at: performance.now() });
          if (this.waiting && this.acks.size >= this.waiting.count) this.waiting.done();
        });
        res.statusCode = 204;
        res.end();
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Resolves once `count` distinct events have been acknowledged. */
  until(count: number, timeoutMs: number): Promise<void> {
    if (this.acks.size >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.acks.size} of ${count} webhook deliveries acknowledged after ${timeoutMs} ms`)), timeoutMs);
      this.waiting = { count, done: () => (clearTimeout(timer), (this.waiting = undefined), resolve()) };
    });
  }

  close(): void {
    this.server.close();
  }
}
