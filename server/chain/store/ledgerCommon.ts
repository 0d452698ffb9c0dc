import type { BlockTx } from '../execute.ts';
import type { Receipt } from '../schema.ts';
import type { BlockRow, TxRow } from './ledgerStore.ts';

/**
 * Widths of the txs columns filled from log content (migrate.ts), in characters. A valid
 * transaction fits by its schema (TX_BOUNDS); these hold whatever a rejected record brings, so a
 * strict MySQL never refuses a block's insert. The header hashes id, status, code and events,
 * not these texts, so shortening what a forgery displays forks nothing. Codes are constants of
 * the code base (never log content) and events are hashed, so both are stored as they are; raw
 * is MEDIUMTEXT, above any record a broker passes (Kafka's default limit is 1 MB).
 */
export const TX_COLUMN_WIDTHS = { kind: 64, signer: 130, actor: 64, reason: 2000 } as const;

/** Rows per multi-row statement or IN list: under SQLite's bound-variable limit. */
export const CHUNK = 400;

function fit(text: string, width: number): string {
  if (text.length <= width) return text;
  // no half of a surrogate pair at the cut: utf8mb4 columns store only whole characters
  const cut = /[\ud800-\udbff]$/.test(text.slice(0, width - 1)) ? width - 2 : width - 1;
  return `${text.slice(0, cut)}…`;
}

/** The row a committed transaction has in the store, built from its block without a query: what
 * a commit stores and what waiters on a fresh block receive. */
export function txRowOf(block: { receipts: Receipt[]; txs: BlockTx[] }, i: number): TxRow {
  const r = block.receipts[i];
  const t = block.txs[i];
  return {
    id: r.txId,
    height: r.height,
    index: r.index,
    offset: r.offset,
    kind: fit(t.tx?.kind ?? '?', TX_COLUMN_WIDTHS.kind),
    signer: fit(t.tx?.signer ?? '?', TX_COLUMN_WIDTHS.signer),
    actor: t.tx?.actor === undefined ? null : fit(t.tx.actor, TX_COLUMN_WIDTHS.actor),
    raw: t.raw,
    status: r.status,
    code: r.code ?? null,
    reason: r.reason === undefined ? null : fit(r.reason, TX_COLUMN_WIDTHS.reason),
    events: r.events,
  };
}

/** The txs row's columns in insertion order. */
export const TX_COLUMNS = ['id', 'height', 'idx', 'log_offset', 'kind', 'signer', 'actor', 'raw', 'status', 'code', 'reason', 'events'];

export function txColumnValues(t: TxRow): (string | number | null)[] {
  return [t.id, t.height, t.index, t.offset, t.kind, t.signer, t.actor, t.raw, t.status, t.code, t.reason, JSON.stringify(t.events)];
}

/** The chain_meta rows a commit sets. */
export const metaOf = (input: { header: { height: number; stateHash: string; lastOffset: number }; hash: string; finalHeight: number }): [string, string][] => [
  ['height', String(input.header.height)],
  ['hash', input.hash],
  ['stateHash', input.header.stateHash],
  ['lastOffset', String(input.header.lastOffset)],
  ['finalHeight', String(input.finalHeight)],
];

export function toBlock(r: any): BlockRow {
  return { height: Number(r.height), hash: r.hash, header: JSON.parse(r.header) };
}

export function toTx(r: any): TxRow {
  return {
    id: r.id,
    height: Number(r.height),
    index: Number(r.idx),
    offset: Number(r.log_offset),
    kind: r.kind,
    signer: r.signer,
    actor: r.actor,
    raw: r.raw,
    status: r.status,
    code: r.code,
    reason: r.reason,
    events: JSON.parse(r.events),
  };
}

/**
 * `%` and `_` are LIKE wildcards; a subject is matched literally. The escape character is `!`,
 * not a backslash, which MySQL would read as escaping the closing quote of `escape '\'`.
 */
export const likeLiteral = (s: string): string => s.replace(/[!%_]/g, (c) => `!${c}`);
