import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { clientAuthHeader, clientRequestText } from '../shared/clientRequest.ts';
import type { FeedEvent } from '../shared/feedEvent.ts';
import { canonical } from '../shared/verify/canonical.ts';
import { verifyTxInclusion, type TxInclusion, type TrustRoot } from '../shared/verify/inclusion.ts';
import { TongbanError } from './errors.ts';
import { publicKeyOf, signText, type Suite } from './keys.ts';

export interface ClientOptions {
  /** the node's address, e.g. http://10.0.0.5:8080 */
  url: string;
  dept: string;
  clientId: string;
  /** the client's private key (hex), made by keygen on this machine */
  key: string;
  /** the chain's trust root (its genesis file: chain, suite, version, members); fetched from the node when absent */
  genesis?: Genesis;
  fetch?: typeof fetch;
  /** attempts per call on network errors, 5xx and 429 (the same reference each time) */
  retries?: number;
}

/** What the SDK reads of a genesis file. */
export interface Genesis {
  chain: string;
  suite: Suite;
  version?: number;
  members: { dept: string; nodeKey: string }[];
}

export interface Receipt {
  id: string;
  ref: string;
  receipt: { id: string; height: number; index: number; status: string; code: string | null; events: { type: string; data: Record<string, unknown> }[] };
  final: boolean;
}

const sha = (s: string) => bytesToHex(sha256(new TextEncoder().encode(s)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let lastNonce = 0;
/** Unique per process and increasing: microseconds since 1970, never the same twice. */
const nextNonce = () => (lastNonce = Math.max(lastNonce + 1, Date.now() * 1000));

/**
 * A department system's connection to its node, as one integration client: it signs its own
 * transactions and requests with its own key (the node never holds it). See sdk/README.md.
 */
export class TongbanClient {
  private genesis?: Genesis;
  private readonly api: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly o: ClientOptions) {
    this.api = `${o.url.replace(/\/$/, '')}/${o.dept}/api`;
    this.fetch = o.fetch ?? globalThis.fetch;
    this.genesis = o.genesis;
  }

  get actor(): string {
    return `client:${this.o.dept}:${this.o.clientId}`;
  }

  async trust(): Promise<Genesis> {
    this.genesis ??= (await this.call('GET', '/clients/genesis', undefined, false)) as Genesis;
    return this.genesis;
  }

  /** Signs and submits one transaction; the same `ref` never makes two (a retry answers the first one's receipt). */
  async submit(kind: string, payload: Record<string, unknown>, o: { ref: string }): Promise<Receipt> {
    const g = await this.trust();
    const unsigned = { chain: g.chain, kind, payload, signer: publicKeyOf(g.suite, this.o.key), actor: this.actor, nonce: nextNonce(), time: Date.now() };
    const id = sha(canonical(unsigned));
    const tx = { ...unsigned, signature: signText(g.suite, this.o.key, `tongban/tx/v1:${id}`) };
    return (await this.call('POST', '/clients/tx', { ref: o.ref, tx }, false)) as Receipt;
  }

  /** Resolves once the transaction's block is final, with its inclusion proof (checked). */
  async waitFinal(txId: string, o: { timeoutMs?: number; pollMs?: number } = {}): Promise<TxInclusion> {
    const deadline = Date.now() + (o.timeoutMs ?? 60_000);
    for (;;) {
      try {
        const proof = await this.proof(txId);
        await this.check(proof, { txId });
        return proof;
      } catch (e) {
        const waiting = e instanceof TongbanError && ['NOT_FINAL', 'NOT_CERTIFIED', 'NOT_FOUND'].includes(e.code);
        if (!waiting || Date.now() > deadline) throw e;
      }
      await sleep(o.pollMs ?? 500);
    }
  }

  /**
   * The department's feed after `after`, as an async iterator that long-polls for more. Each
   * event's id is the cursor after it: persist it (in `onCheckpoint`, called once the loop body
   * is done with the event) and pass it back as `after` to resume with no gap and no duplicate.
   */
  async *events(o: { after?: string; kinds?: string[]; subject?: string; waitS?: number; follow?: boolean; onCheckpoint?: (cursor: string) => unknown; signal?: AbortSignal } = {}): AsyncGenerator<FeedEvent> {
    let after = o.after ?? '0';
    for (;;) {
      const q = new URLSearchParams({ after, limit: '500', wait: String(o.follow === false ? 0 : (o.waitS ?? 25)) });
      if (o.kinds?.length) q.set('kinds', o.kinds.join(','));
      if (o.subject) q.set('subject', o.subject);
      const page = (await this.call('GET', `/events?${q}`, undefined, true)) as { events: FeedEvent[]; cursor: string };
      for (const e of page.events) {
        yield e;
        after = e.id;
        await o.onCheckpoint?.(e.id);
      }
      after = page.cursor;
      if ((o.follow === false && page.events.length < 500) || o.signal?.aborted) return;
    }
  }

  /** A final transaction's inclusion proof, as the node gives it (not yet checked). */
  proof(txId: string): Promise<TxInclusion> {
    return this.call('GET', `/clients/proof/${txId}`, undefined, true) as Promise<TxInclusion>;
  }

  /**
   * Checks offline that an event's (or a transaction's) transaction is in its block and that
   * block is final under the consortium's member keys. Throws TongbanError NOT_INCLUDED when not.
   */
  async verifyInclusion(target: FeedEvent | string): Promise<{ height: number; certifiedAt: number }> {
    const txId = typeof target === 'string' ? target : target.txId;
    const event = typeof target === 'string' ? undefined : { type: target.type, data: target.data, eventIndex: target.eventIndex };
    return this.check(await this.proof(txId), { txId, event });
  }

  private async check(p: TxInclusion, expect: Parameters<typeof verifyTxInclusion>[2]) {
    const g = await this.trust();
    const trust: TrustRoot = { chain: g.chain, suite: g.suite, version: g.version ?? 1, members: g.members };
    const r = verifyTxInclusion(p, trust, expect);
    if (!r.ok) throw new TongbanError('NOT_INCLUDED', r.reason, 422);
    return { height: r.height, certifiedAt: r.certifiedAt };
  }

  private async call(method: 'GET' | 'POST', path: string, body: unknown, signed: boolean): Promise<unknown> {
    const attempts = Math.max(1, this.o.retries ?? 4);
    for (let i = 1; ; i++) {
      let res: Response;
      try {
        const headers: Record<string, string> = { accept: 'application/json' };
        if (body !== undefined) headers['content-type'] = 'application/json';
        if (signed) headers.authorization = await this.authorization(method, path);
        res = await this.fetch(this.api + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      } catch (e) {
        if (i >= attempts) throw new TongbanError('UNREACHABLE', `${this.api} did not answer: ${(e as Error).message}`, 0);
        await sleep(200 * 2 ** i);
        continue;
      }
      const text = await res.text();
      const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      if (res.ok) return json;
      const retryAfter = Number(res.headers.get('retry-after')) || undefined;
      if ((res.status >= 500 || res.status === 429) && i < attempts) {
        await sleep(retryAfter ? retryAfter * 1000 : 200 * 2 ** i);
        continue;
      }
      throw new TongbanError(String(json.code ?? 'HTTP_' + res.status), String(json.message ?? res.statusText), res.status, retryAfter, json.data as Record<string, unknown>);
    }
  }

  private async authorization(method: string, path: string): Promise<string> {
    const g = await this.trust();
    const t = Date.now();
    const full = new URL(this.api + path).pathname + new URL(this.api + path).search;
    return clientAuthHeader(this.o.clientId, t, signText(g.suite, this.o.key, clientRequestText(g.chain, this.o.dept, this.o.clientId, method, full, t)));
  }
}
