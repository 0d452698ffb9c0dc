import type { Knex } from 'knex';
import type { ContractRegistry } from '../chain/registry.ts';
import type { Genesis, Header, Tx } from '../chain/schema.ts';
import { openSealed, type Sealed } from '../chain/sealing/envelope.ts';
import { keysOfSubject, timeline, whoDid } from '../http/auditQueries.ts';
import type { EvidenceSource, LedgerTx } from './evidenceSource.ts';

/** Transactions about one subject a bundle may hold; more is a question for several bundles. */
export const MAX_SUBJECT_TXS = 20_000;

const ROWS = ['id', 'height', 'idx', 'kind', 'signer', 'actor', 'raw', 'status', 'code', 'reason', 'events'];
const txOf = (r: any): LedgerTx => ({
  id: r.id,
  height: Number(r.height),
  index: Number(r.idx),
  kind: r.kind,
  signer: r.signer,
  actor: r.actor ?? null,
  raw: r.raw,
  status: r.status,
  code: r.code ?? null,
  reason: r.reason ?? null,
  events: typeof r.events === 'string' ? JSON.parse(r.events) : (r.events ?? []),
});

/** The evidence source over a node's own database (SQLite or MySQL), through the audit pages' queries. */
export function ledgerEvidenceSource(o: {
  db: Knex;
  genesis: Genesis;
  dept: string;
  registry: ContractRegistry;
  keyring: Map<string, string>;
  sign: (kind: string, payload: Record<string, unknown>) => Tx;
}): EvidenceSource {
  const { db } = o;
  const byIds = async (ids: string[]): Promise<LedgerTx[]> => {
    const out: LedgerTx[] = [];
    for (let i = 0; i < ids.length; i += 500) out.push(...(await db('txs').whereIn('id', ids.slice(i, i + 500)).select(ROWS)).map(txOf));
    return out.sort((a, b) => a.height - b.height || a.index - b.index);
  };
  return {
    genesis: o.genesis,
    dept: o.dept,
    async topHeight() {
      const r = await db('blocks').max({ h: 'height' }).first();
      return Number(r?.h ?? 0);
    },
    async headers(from, to) {
      const rows: { height: number; hash: string; header: string }[] = await db('blocks').whereBetween('height', [from, to]).orderBy('height').select('height', 'hash', 'header');
      return rows.map((r) => ({ height: Number(r.height), hash: r.hash, header: JSON.parse(r.header) as Header }));
    },
    async subjectTxs(subject) {
      const keys = await keysOfSubject(db, subject);
      const { rows } = await timeline(db, keys, subject, { limit: MAX_SUBJECT_TXS, offset: 0 });
      return byIds(rows.map((r) => r.id));
    },
    async governanceTxs() {
      return (await db('txs').whereIn('kind', ['gov.propose', 'gov.approve']).where('status', 'ok').orderBy([{ column: 'height' }, { column: 'idx' }]).select(ROWS)).map(txOf);
    },
    async blockReceipts(height) {
      const rows = await db('txs').where('height', height).orderBy('idx').select('id', 'status', 'code', 'events');
      return rows.map((r: any) => ({ id: r.id, status: r.status, code: r.code ?? null, events: JSON.parse(r.events) }));
    },
    async valueAt(key, height) {
      const r: { new_v: string | null; tx_id: string } | undefined = await db('state_history').where('k', key).where('height', '<=', height).orderBy('id', 'desc').first('new_v', 'tx_id');
      return r?.new_v ? { value: JSON.parse(r.new_v), txId: r.tx_id } : undefined;
    },
    async whoDid(txs) {
      return whoDid(db, o.registry, txs);
    },
    async material(hash) {
      if (!(await db.schema.hasTable('ap_blobs'))) return undefined;
      const r: { type: string; content: Buffer } | undefined = await db('ap_blobs').where('hash', hash).first('type', 'content');
      return r ? { type: r.type, content: new Uint8Array(r.content) } : undefined;
    },
    async open(sealed: Sealed) {
      const r = await openSealed(sealed, o.keyring).catch(() => undefined);
      return r ? { value: r.value, salt: r.salt } : undefined;
    },
    sign: o.sign,
  };
}
