import type { ContractRegistry } from '../chain/registry.ts';
import type { Genesis, Header, Tx } from '../chain/schema.ts';
import type { LedgerStore, TxRow } from '../chain/store/ledgerStore.ts';
import { type Sealed } from '../chain/sealing/envelope.ts';
import { openSealed } from '../chain/sealing/openSealed.ts';
import { keysOfSubject, timeline, whoDid } from '../http/auditQueries.ts';
import type { EvidenceSource, LedgerTx } from './evidenceSource.ts';

/** Transactions about one subject a bundle may hold; more is a question for several bundles. */
export const MAX_SUBJECT_TXS = 20_000;

// the stored row without its log offset, which a bundle does not carry
const txOf = ({ offset: _offset, ...t }: TxRow): LedgerTx => t;
const inOrder = (a: LedgerTx, b: LedgerTx) => a.height - b.height || a.index - b.index;

/** The evidence source over a node's ledger store (SQLite or MySQL), through the store port and the audit pages' queries. */
export function ledgerEvidenceSource(o: {
  store: LedgerStore;
  genesis: Genesis;
  dept: string;
  registry: ContractRegistry;
  keyring: Map<string, string>;
  sign: (kind: string, payload: Record<string, unknown>) => Tx;
}): EvidenceSource {
  const { store } = o;
  const byIds = async (ids: string[]): Promise<LedgerTx[]> => {
    const out: LedgerTx[] = [];
    for (let i = 0; i < ids.length; i += 500) out.push(...(await store.txsByIds(ids.slice(i, i + 500))).map(txOf));
    return out.sort(inOrder);
  };
  return {
    genesis: o.genesis,
    dept: o.dept,
    async topHeight() {
      return (await store.head())?.height ?? 0;
    },
    async headers(from, to) {
      const out: { height: number; hash: string; header: Header }[] = [];
      for (let h = from; h <= to; ) {
        const rows = await store.blocks(h, Math.min(1000, to - h + 1));
        if (!rows.length) break;
        out.push(...rows.map((r) => ({ height: r.height, hash: r.hash, header: r.header })));
        h = rows[rows.length - 1].height + 1;
      }
      return out;
    },
    async subjectTxs(subject) {
      const keys = await keysOfSubject(store, subject);
      const { rows } = await timeline(store, keys, subject, { limit: MAX_SUBJECT_TXS, offset: 0 });
      return byIds(rows.map((r) => r.id));
    },
    async governanceTxs() {
      const ids = (await store.db('txs').whereIn('kind', ['gov.propose', 'gov.approve']).where('status', 'ok').select('id')).map((r: { id: string }) => r.id);
      return byIds(ids);
    },
    async blockReceipts(height) {
      return (await store.txsOfBlock(height)).map((r) => ({ id: r.id, status: r.status, code: r.code, events: r.events }));
    },
    async valueAt(key, height) {
      const r: { new_v: string | null; tx_id: string } | undefined = await store.db('state_history').where('k', key).where('height', '<=', height).orderBy('id', 'desc').first('new_v', 'tx_id');
      return r?.new_v ? { value: JSON.parse(r.new_v), txId: r.tx_id } : undefined;
    },
    async whoDid(txs) {
      return whoDid(store, o.registry, txs);
    },
    async material(hash) {
      if (!(await store.db.schema.hasTable('ap_blobs'))) return undefined;
      const r: { type: string; content: Buffer } | undefined = await store.db('ap_blobs').where('hash', hash).first('type', 'content');
      return r ? { type: r.type, content: new Uint8Array(r.content) } : undefined;
    },
    async open(sealed: Sealed) {
      const r = await openSealed(sealed, o.keyring).catch(() => undefined);
      return r ? { value: r.value, salt: r.salt } : undefined;
    },
    sign: o.sign,
  };
}
