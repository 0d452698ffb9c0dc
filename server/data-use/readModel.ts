import type { Knex } from 'knex';
import type { CommittedBlock } from '../chain/module.ts';

/**
 * du_audit_views: one row per enterprise per recorded audit look (audit.view), so an enterprise
 * finds the looks at its records by an index. Projected from the events inside the block's
 * database transaction, like every read model.
 */
export async function migrateDataUse(db: Knex): Promise<void> {
  if (await db.schema.hasTable('du_audit_views')) return;
  await db.schema.createTable('du_audit_views', (t) => {
    t.string('tx_id', 64).notNullable();
    t.string('code', 18).notNullable();
    t.string('dept', 32).notNullable();
    t.string('user_id', 64).notNullable();
    t.string('subject', 200).notNullable();
    t.string('purpose', 200).notNullable();
    t.bigInteger('time').notNullable();
    t.integer('height').notNullable();
    t.primary(['tx_id', 'code']);
    t.index(['code', 'time']);
  });
}

const CHUNK = 200;

export async function projectDataUse(trx: Knex.Transaction, block: CommittedBlock): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  for (const r of block.receipts) {
    if (r.status !== 'ok') continue;
    for (const ev of r.events) {
      if (ev.type !== 'audit.viewed') continue;
      const d = ev.data as { dept: string; user: string; subject: string; purpose: string; enterprises: string[] };
      for (const code of d.enterprises) rows.push({ tx_id: r.txId, code, dept: d.dept, user_id: d.user, subject: d.subject, purpose: d.purpose, time: block.header.time, height: r.height });
    }
  }
  for (let i = 0; i < rows.length; i += CHUNK) await trx('du_audit_views').insert(rows.slice(i, i + CHUNK));
}
