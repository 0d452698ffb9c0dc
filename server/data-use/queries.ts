import type { Knex } from 'knex';
import { keys, type UserRecord } from '../chain/identity.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import { findField, loadPrivacyConfig } from '../privacy-query/config.ts';
import { describe } from '../privacy-query/http/views.ts';
import type { QueryRecord } from '../privacy-query/raise.ts';
import { pq } from '../privacy-query/stateKeys.ts';
import type { DataUseEntry, Dept } from '../../shared/wire/dataUse.ts';

/**
 * The enterprise's data-use record: dossier views of it (ap_dossier_views), privacy questions
 * about it (pq_queries with their records in state) and recorded audit looks at its records
 * (du_audit_views), merged newest first. Each source is read only as deep as the page needs.
 */

export type { DataUseEntry, Dept };

export interface Page {
  limit: number;
  offset: number;
}

const has = async (db: Knex, t: string, cache: Map<string, boolean>) => {
  if (!cache.has(t)) cache.set(t, await db.schema.hasTable(t));
  return cache.get(t)!;
};

export async function dataUseOf(node: ModulePort, code: string, page: Page, tables = new Map<string, boolean>()): Promise<{ total: number; items: DataUseEntry[] }> {
  const db = node.db;
  const depth = page.offset + page.limit;
  const view = node.view();
  const members = new Map(node.genesis.members.map((m) => [m.dept, m]));
  const dept = (id: string): Dept => ({ id, name: members.get(id)?.name ?? id, nameEn: members.get(id)?.nameEn ?? id });
  const names = new Map<string, string | null>();
  const person = async (d: string, id: string): Promise<string | null> => {
    const k = keys.user(d, id);
    if (!names.has(k)) names.set(k, (await view.get<UserRecord>(k))?.name ?? null);
    return names.get(k)!;
  };

  let total = 0;
  const out: DataUseEntry[] = [];

  if (await has(db, 'ap_dossier_views', tables)) {
    total += Number((await db('ap_dossier_views').where({ code }).count({ n: '*' }))[0].n);
    const rows: { tx_id: string; dept: string; user_id: string; purpose: string; sections: string; item: string | null; time: number }[] = await db('ap_dossier_views')
      .where({ code })
      .orderBy([{ column: 'time', order: 'desc' }, { column: 'tx_id' }])
      .limit(depth)
      .select('tx_id', 'dept', 'user_id', 'purpose', 'sections', 'item', 'time');
    for (const r of rows) {
      out.push({ type: 'dossier', time: Number(r.time), txId: r.tx_id, dept: dept(r.dept), person: await person(r.dept, r.user_id), purpose: r.purpose, sections: r.sections.split(',').filter(Boolean), item: r.item });
    }
  }

  if (await has(db, 'pq_queries', tables)) {
    total += Number((await db('pq_queries').where({ enterprise: code }).count({ n: '*' }))[0].n);
    const ids: string[] = await db('pq_queries').where({ enterprise: code }).orderBy([{ column: 'asked_at', order: 'desc' }, { column: 'id' }]).limit(depth).pluck('id');
    const cfg = await loadPrivacyConfig(view, node.genesis);
    for (const id of ids) {
      const q = await view.get<QueryRecord>(pq.query(id));
      if (!q) continue;
      const f = findField(cfg, q.field);
      const expired = q.status === 'open' && node.height > q.expiresAtHeight;
      out.push({
        type: 'question',
        time: Number(q.askedAt),
        txId: q.askedTx,
        dept: dept(q.requester.dept),
        person: await person(q.requester.dept, q.requester.id),
        purpose: q.purpose,
        basis: { type: q.basis.type, rule: q.basis.type === 'statute' ? q.basis.rule : q.basis.type === 'approval' ? q.basis.app : null, text: q.basisText ?? null },
        field: f?.label ?? q.field,
        fieldEn: f?.labelEn ?? q.field,
        question: describe(cfg, q.field, q.period, q.predicate, q.set),
        status: expired ? 'expired' : q.status,
        answer: q.answer ?? null,
      });
    }
  }

  if (await has(db, 'du_audit_views', tables)) {
    total += Number((await db('du_audit_views').where({ code }).count({ n: '*' }))[0].n);
    const rows: { tx_id: string; dept: string; user_id: string; subject: string; purpose: string; time: number }[] = await db('du_audit_views')
      .where({ code })
      .orderBy([{ column: 'time', order: 'desc' }, { column: 'tx_id' }])
      .limit(depth)
      .select('tx_id', 'dept', 'user_id', 'subject', 'purpose', 'time');
    for (const r of rows) out.push({ type: 'audit', time: Number(r.time), txId: r.tx_id, dept: dept(r.dept), person: await person(r.dept, r.user_id), purpose: r.purpose, subject: r.subject });
  }

  out.sort((a, b) => b.time - a.time || (a.txId < b.txId ? -1 : a.txId > b.txId ? 1 : 0));
  return { total, items: out.slice(page.offset, depth) };
}
