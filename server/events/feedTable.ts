import type { Knex } from 'knex';
import { keys, signerDeptOf, type SignerRecord } from '../chain/identity.ts';
import type { CommittedBlock } from '../chain/module.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import type { LedgerStore } from '../chain/store/ledgerStore.ts';
import type { ChainEvent } from '../chain/schema.ts';
import { eventBasis, sealedRecipients, subjectsOf } from './eventBasis.ts';
import { eventId } from './cursor.ts';

/**
 * ev_feed: the department's event feed, one row per domain event the department has a basis
 * for (eventBasis.ts), in commit order (height, transaction index, event index). Written in the
 * block's own database transaction like every read model, so it never runs ahead of or behind
 * the ledger, survives restarts, and can be rebuilt from any height (reprojectFeed).
 * ev_feed_subjects indexes each event by the enterprises and record ids it names.
 */
export async function migrateFeed(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable('ev_feed'))) {
    await db.schema.createTable('ev_feed', (t) => {
      t.integer('height').notNullable();
      t.integer('tx_index').notNullable();
      t.integer('event_index').notNullable();
      t.string('id', 40).notNullable().unique();
      t.string('tx_id', 64).notNullable();
      t.string('kind', 64).notNullable();
      t.string('type', 64).notNullable();
      t.string('signer_dept', 32).nullable();
      t.string('basis', 16).notNullable();
      t.bigInteger('time').notNullable();
      t.text('data', 'mediumtext').notNullable();
      t.primary(['height', 'tx_index', 'event_index']);
      t.index(['type', 'height']);
    });
  }
  if (!(await db.schema.hasTable('ev_feed_subjects'))) {
    await db.schema.createTable('ev_feed_subjects', (t) => {
      t.string('subject', 100).notNullable();
      t.integer('height').notNullable();
      t.integer('tx_index').notNullable();
      t.integer('event_index').notNullable();
      t.primary(['subject', 'height', 'tx_index', 'event_index']);
    });
  }
}

export interface FeedTx {
  id: string;
  height: number;
  index: number;
  raw: string;
  events: ChainEvent[];
}

interface FeedRows {
  events: Record<string, unknown>[];
  subjects: Record<string, unknown>[];
}

/** The feed rows of one block's committed (ok) transactions, for department `dept`. */
export async function feedRowsOf(dept: string, time: number, txs: FeedTx[], signerOf: (key: string) => Promise<SignerRecord | undefined>): Promise<FeedRows> {
  const out: FeedRows = { events: [], subjects: [] };
  for (const t of txs) {
    if (!t.events.length) continue;
    let tx: { kind?: unknown; signer?: unknown; payload?: unknown };
    try {
      tx = JSON.parse(t.raw);
    } catch {
      continue; // a malformed record kept in its block has no events
    }
    const signer = typeof tx.signer === 'string' ? await signerOf(tx.signer) : undefined;
    const signerDept = signerDeptOf(signer);
    const signerEnterprise = signer?.type === 'enterprise' ? signer.code : null;
    const sealedTo = sealedRecipients(tx.payload);
    t.events.forEach((ev, i) => {
      const basis = eventBasis(dept, { type: ev.type, data: ev.data ?? {}, signerDept, sealedTo });
      if (!basis) return;
      out.events.push({
        height: t.height,
        tx_index: t.index,
        event_index: i,
        id: eventId({ height: t.height, txIndex: t.index, eventIndex: i }),
        tx_id: t.id,
        kind: String(tx.kind ?? ''),
        type: ev.type,
        signer_dept: signerDept,
        basis,
        time,
        data: JSON.stringify(ev.data ?? {}),
      });
      for (const s of subjectsOf(ev.data ?? {}, signerEnterprise)) out.subjects.push({ subject: s, height: t.height, tx_index: t.index, event_index: i });
    });
  }
  return out;
}

const CHUNK = 200;

async function insertRows(trx: Knex | Knex.Transaction, rows: FeedRows): Promise<void> {
  for (let i = 0; i < rows.events.length; i += CHUNK) await trx('ev_feed').insert(rows.events.slice(i, i + CHUNK));
  for (let i = 0; i < rows.subjects.length; i += CHUNK) await trx('ev_feed_subjects').insert(rows.subjects.slice(i, i + CHUNK));
}

function signerLookup(node: ModulePort): (key: string) => Promise<SignerRecord | undefined> {
  const cache = new Map<string, SignerRecord | undefined>();
  const view = node.view();
  return async (key) => {
    if (!cache.has(key)) {
      let rec = await view.get<SignerRecord>(keys.signer(key));
      // a key rotated away since: its first record, as the transaction reads do
      if (!rec) rec = ((await node.history(keys.signer(key))).find((c) => c.new)?.new ?? undefined) as SignerRecord | undefined;
      if (!rec && key === node.publicKey) rec = { type: 'node', dept: node.dept };
      cache.set(key, rec);
    }
    return cache.get(key);
  };
}

export async function projectFeed(trx: Knex.Transaction, block: CommittedBlock, node: ModulePort): Promise<void> {
  const raws = new Map(block.txs.map((t) => [t.id, t.raw]));
  const txs: FeedTx[] = [];
  for (const r of block.receipts) {
    if (r.status === 'ok' && r.events.length) txs.push({ id: r.txId, height: r.height, index: r.index, raw: raws.get(r.txId) ?? '', events: r.events });
  }
  if (!txs.length) return;
  await insertRows(trx, await feedRowsOf(node.dept, block.header.time, txs, signerLookup(node)));
}

/** Rebuilds the feed from `fromHeight` up to the head out of the ledger store. Webhook cursors are left as they are. */
export async function reprojectFeed(node: ModulePort, store: Pick<LedgerStore, 'blockByHeight' | 'txsOfBlock'>, fromHeight: number): Promise<number> {
  const db = node.db;
  await db('ev_feed').where('height', '>=', fromHeight).delete();
  await db('ev_feed_subjects').where('height', '>=', fromHeight).delete();
  const lookup = signerLookup(node);
  let n = 0;
  for (let h = fromHeight; h <= node.height; h++) {
    const block = await store.blockByHeight(h);
    if (!block) continue;
    const txs = (await store.txsOfBlock(h)).filter((t) => t.status === 'ok' && t.events.length);
    const rows = await feedRowsOf(node.dept, block.header.time, txs.map((t) => ({ id: t.id, height: t.height, index: t.index, raw: t.raw, events: t.events })), lookup);
    await db.transaction((trx) => insertRows(trx, rows));
    n += rows.events.length;
  }
  return n;
}
