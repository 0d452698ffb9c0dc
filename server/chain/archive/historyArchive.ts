import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { ChainError } from '../errors.ts';
import type { HistoryRow, LedgerStore } from '../store/ledgerStore.ts';

export const ARCHIVE_FORMAT = 'tongban-history/1';
const PAGE = 5000;

export interface ArchiveTrailer {
  format: typeof ARCHIVE_FORMAT;
  chain: string;
  /** every row of a height below this is in this file or an earlier one */
  below: number;
  firstId: number;
  lastId: number;
  rows: number;
  /** sha256 of the row lines, in order */
  sha256: string;
}

const bad = (message: string) => new ChainError('ARCHIVE_CORRUPT', message, { status: 422 });

/**
 * Writes the state_history rows of heights below `below` that the database still holds, in
 * write order, to a gzipped file of JSON lines ending with a trailer (counts, id range and the
 * rows' hash). Rows below a final height never change, so this reads a running node as well.
 */
export async function exportHistory(store: LedgerStore, chain: string, below: number, path: string): Promise<ArchiveTrailer> {
  const head = await store.head();
  if (!head || below > head.finalHeight + 1) throw new ChainError('ARCHIVE_NOT_FINAL', `history below ${below} is not all final (final height ${head?.finalHeight ?? 0})`, { status: 409 });
  const gz = createGzip();
  const out = gz.pipe(createWriteStream(path));
  const hash = createHash('sha256');
  const trailer: ArchiveTrailer = { format: ARCHIVE_FORMAT, chain, below, firstId: 0, lastId: 0, rows: 0, sha256: '' };
  for (let after = 0; ; ) {
    const rows = await store.historyPage(after, PAGE);
    const older = rows.filter((r) => Number(r.height) < below);
    for (const r of older) {
      const line = `${JSON.stringify([Number(r.id), r.k, Number(r.height), r.tx_id, r.old_v, r.new_v])}\n`;
      hash.update(line);
      if (!gz.write(line)) await once(gz, 'drain');
      trailer.firstId ||= Number(r.id);
      trailer.lastId = Number(r.id);
      trailer.rows++;
    }
    // rows are written block by block, so the first row at or above `below` ends the range
    if (rows.length < PAGE || older.length < rows.length) break;
    after = Number(rows[rows.length - 1].id);
  }
  trailer.sha256 = hash.digest('hex');
  gz.end(`${JSON.stringify(trailer)}\n`);
  await finished(out);
  return trailer;
}

/**
 * The rows of archive files in order, each file checked against its trailer as it ends and
 * each id above the one before, so files given out of order or with a gap in between are refused.
 */
export async function* archivedRows(paths: string[], chain: string): AsyncGenerator<HistoryRow> {
  let lastId = 0;
  for (const path of paths) {
    const hash = createHash('sha256');
    let pending: string | undefined;
    let count = 0;
    const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        if (pending !== undefined) {
          const [id, k, height, tx_id, old_v, new_v] = JSON.parse(pending) as [number, string, number, string, string | null, string | null];
          if (!(id > lastId)) throw bad(`${path}: row ${id} does not follow row ${lastId}`);
          hash.update(`${pending}\n`);
          count++;
          lastId = id;
          yield { id, k, height, tx_id, old_v, new_v };
        }
        pending = line;
      }
    } catch (err) {
      if (err instanceof ChainError) throw err;
      throw bad(`${path} is cut off or is not a history archive`);
    }
    let trailer: ArchiveTrailer;
    try {
      trailer = JSON.parse(pending ?? '') as ArchiveTrailer;
    } catch {
      throw bad(`${path} has no trailer: it is cut off`);
    }
    if (trailer.format !== ARCHIVE_FORMAT || trailer.chain !== chain) throw bad(`${path} is not a history archive of chain ${chain}`);
    if (trailer.rows !== count || trailer.sha256 !== hash.digest('hex')) throw bad(`${path} does not match its trailer: rows were changed, added or removed`);
  }
}

/** Deletes the archived rows (ids up to the trailer's last, heights below its bound) and notes the bound in chain_meta. */
export async function pruneHistory(store: LedgerStore, t: ArchiveTrailer): Promise<number> {
  const db = store.db;
  let deleted = 0;
  await db.transaction(async (trx) => {
    deleted = await trx('state_history').where('id', '<=', t.lastId).where('height', '<', t.below).delete();
    await trx('chain_meta').insert({ k: 'historyArchivedBelow', v: String(t.below) }).onConflict('k').merge();
  });
  return deleted;
}

/**
 * The store as the replay reads it, with the archived rows in front of what the database still
 * holds: archived rows all come before the rows kept, by id.
 */
export function withArchive(store: LedgerStore, paths: string[], chain: string): LedgerStore {
  const rows = archivedRows(paths, chain);
  let done = false;
  let last = 0;
  const historyPage = async (afterId: number, limit: number): Promise<HistoryRow[]> => {
    const out: HistoryRow[] = [];
    while (!done && out.length < limit) {
      const next = await rows.next();
      if (next.done) done = true;
      else if (next.value.id > afterId) out.push(next.value);
      if (!next.done) last = next.value.id;
    }
    return out.length ? out : store.historyPage(Math.max(afterId, last), limit);
  };
  return new Proxy(store, {
    get(target, p) {
      if (p === 'historyPage') return historyPage;
      // knex is a function with properties (schema, raw, ...): bound, it would lose them
      if (p === 'db') return target.db;
      const v = Reflect.get(target, p, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
