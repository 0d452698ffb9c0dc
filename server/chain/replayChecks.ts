// The replay's comparisons: each names the first field where the stored chain differs from
// what replaying it gives, by throwing a Mismatch that replayChain turns into its result.
import { canonicalJson } from './canonical.ts';
import type { BlockTx } from './execute.ts';
import { verifyCert } from './finality.ts';
import type { MemberKeys } from './memberKeys.ts';
import { Cert, type Header } from './schema.ts';
import type { HistoryRow, LedgerStore } from './store/ledgerStore.ts';
import type { CryptoSuite } from './suites/index.ts';

/** A mismatch, thrown from deep inside and turned into the result at the top. */
export class Mismatch {
  constructor(
    readonly height: number,
    readonly field: string,
    readonly expected: unknown,
    readonly actual: unknown,
  ) {}
}

export const show = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '(absent)' : JSON.stringify(v));

/** Canonical where possible; a tampered value may not even be canonicalisable. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true; // the same value has the same text
  const text = (v: unknown) => {
    try {
      return canonicalJson(v ?? null);
    } catch {
      return `!${JSON.stringify(v)}`;
    }
  };
  return text(a) === text(b);
}

export const expectEq = (height: number, field: string, expected: unknown, actual: unknown) => {
  if (!same(expected, actual)) throw new Mismatch(height, field, expected, actual);
};

/** What the log order implies: time never goes back, records belong to one block each. */
export function checkOffsets(height: number, header: Header, prev: Header, items: BlockTx[]): void {
  if (header.time < prev.time) throw new Mismatch(height, 'header.time', `at least ${prev.time}`, header.time);
  const first = items[0]?.offset ?? header.lastOffset;
  if (header.firstOffset <= prev.lastOffset || header.firstOffset > first) {
    throw new Mismatch(height, 'header.firstOffset', `after ${prev.lastOffset} and at most ${first}`, header.firstOffset);
  }
  items.forEach((t, i) => {
    if (i > 0 && t.offset <= items[i - 1].offset) throw new Mismatch(height, `tx[${i}].offset`, `after ${items[i - 1].offset}`, t.offset);
  });
  const last = items.at(-1)?.offset ?? header.firstOffset;
  if (header.lastOffset < last) throw new Mismatch(height, 'header.lastOffset', `at least ${last}`, header.lastOffset);
}

export function compareHeader(height: number, expected: Header, actual: Header): void {
  for (const f of ['chain', 'height', 'prev', 'txRoot', 'stateHash', 'firstOffset', 'lastOffset', 'time', 'txCount', 'certs'] as const) {
    expectEq(height, `header.${f}`, expected[f], actual[f]);
  }
  const extra = Object.keys(actual).find((k) => !(k in expected));
  if (extra) throw new Mismatch(height, `header.${extra}`, '(absent)', (actual as Record<string, unknown>)[extra]);
}

/** Returns the highest certified height so far. */
export function checkCerts(height: number, header: Header, opts: { chain: string; suite: CryptoSuite }, members: MemberKeys, hashes: Map<number, string>, lastCert: number): number {
  header.certs.forEach((raw, j) => {
    const field = `header.certs[${j}]`;
    const parsed = Cert.safeParse(raw);
    if (!parsed.success) throw new Mismatch(height, field, 'a certificate', raw);
    const cert = parsed.data;
    if (cert.height <= lastCert || cert.height >= height) throw new Mismatch(height, `${field}.height`, `between ${lastCert} and ${height}`, cert.height);
    const ours = hashes.get(cert.height);
    if (cert.hash !== ours) throw new Mismatch(height, `${field}.hash`, ours, cert.hash);
    const problem = verifyCert(opts.chain, opts.suite, cert, members);
    if (problem) throw new Mismatch(height, field, 'a quorum of valid member signatures', problem);
    lastCert = cert.height;
  });
  return lastCert;
}

/** Reads state_history in insertion order, one block's rows at a time. */
export function historyCursor(store: LedgerStore) {
  type Row = HistoryRow;
  let buffer: Row[] = [];
  let at = 0;
  let lastId = 0;
  async function peek(): Promise<Row | undefined> {
    if (at === buffer.length) {
      buffer = await store.historyPage(lastId, 5000);
      at = 0;
      if (buffer.length) lastId = Number(buffer[buffer.length - 1].id);
    }
    return buffer[at];
  }
  return {
    async take(height: number): Promise<Row[]> {
      const out: Row[] = [];
      for (let r = await peek(); r && Number(r.height) <= height; r = await peek()) {
        if (Number(r.height) < height) throw new Mismatch(Number(r.height), `history[${r.k}]`, '(absent)', 'a row out of order');
        out.push(r);
        at++;
      }
      return out;
    },
    async rest(top: number): Promise<void> {
      const r = await peek();
      if (r) throw new Mismatch(Number(r.height), `history[${r.k}]`, '(absent)', `a row beyond height ${top}`);
    },
  };
}

/** The stored state against the replayed one, key by key, both ways. */
export async function compareState(store: LedgerStore, state: Map<string, string>, lastWrite: Map<string, number>, top: number): Promise<void> {
  const missing = new Set(state.keys());
  let after: string | undefined;
  for (;;) {
    const rows = await store.statePage(after, 5000);
    if (!rows.length) break;
    for (const r of rows) {
      missing.delete(r.k);
      if (state.get(r.k) !== r.v) throw new Mismatch(lastWrite.get(r.k) ?? top, `state[${r.k}]`, state.get(r.k), r.v);
    }
    after = rows[rows.length - 1].k;
  }
  const [gone] = missing;
  if (gone !== undefined) throw new Mismatch(lastWrite.get(gone) ?? top, `state[${gone}]`, state.get(gone), undefined);
}

