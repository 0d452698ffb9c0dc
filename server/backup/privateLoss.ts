import type { Knex } from 'knex';
import type { Genesis } from '../chain/schema.ts';
import { keys, type UserRecord } from '../chain/identity.ts';
import { loadPrivacyConfig } from '../privacy-query/config.ts';
import { PRIVATE_TABLE } from '../privacy-query/holder/privateValues.ts';
import type { CommitmentBucket } from '../privacy-query/stateKeys.ts';

export interface Loss {
  table: string;
  /** how many rows the chain implies this node should hold and it does not */
  missing: number;
  text: string;
}

const hasTable = (db: Knex, t: string) => db.schema.hasTable(t);

async function stateGet<T>(db: Knex, k: string): Promise<T | undefined> {
  const r: { v: string } | undefined = await db('state').where({ k }).first('v');
  return r ? (JSON.parse(r.v) as T) : undefined;
}

/**
 * What this node's database lacks that only it held, judged against its own ledger: the
 * openings (raw figure and salt) of every commitment this department ever made, material
 * files named on the chain, and its staff's sign-in passwords. Empty when nothing is missing.
 * Reads the ledger tables, so it runs after a restore or a rebuild.
 */
export async function privateLoss(db: Knex, dept: string, genesis: Genesis): Promise<Loss[]> {
  if (!(await hasTable(db, 'state_history'))) return [];
  const out: Loss[] = [];
  const view = { get: <T>(k: string) => stateGet<T>(db, k), put() {}, del() {} };
  const cfg = await loadPrivacyConfig(view as never, genesis);
  const held = cfg.fields.filter((f) => f.holder === dept).map((f) => f.name);

  // Every version of every commitment this department made: buckets are rewritten whole, so old versions are in state_history.
  const committed = new Set<string>();
  for (const field of held) {
    const rows: { k: string; new_v: string | null }[] = await db('state_history').where('k', 'like', `pq/commit/${field}/%`).select('k', 'new_v');
    for (const r of rows) {
      if (!r.new_v) continue;
      const period = r.k.split('/')[3];
      for (const [enterprise, rec] of Object.entries(JSON.parse(r.new_v) as CommitmentBucket)) committed.add(`${field}|${period}|${enterprise}|${rec.commitment}`);
    }
  }
  if (committed.size) {
    const opened = new Set<string>();
    if (await hasTable(db, PRIVATE_TABLE)) {
      const rows: { field: string; period: string; enterprise: string; commitment: string }[] = await db(PRIVATE_TABLE).select('field', 'period', 'enterprise', 'commitment');
      for (const r of rows) opened.add(`${r.field}|${r.period}|${r.enterprise}|${r.commitment}`);
    }
    const missing = [...committed].filter((c) => !opened.has(c)).length;
    if (missing) out.push({ table: PRIVATE_TABLE, missing, text: `the raw figures and salts of ${missing} committed values: those questions cannot be answered again` });
  }

  if (await hasTable(db, 'ap_materials')) {
    const q = db('ap_materials').distinct('hash');
    if (await hasTable(db, 'ap_blobs')) q.whereNotIn('hash', db('ap_blobs').select('hash'));
    const n = (await q).length;
    if (n) out.push({ table: 'ap_blobs', missing: n, text: `${n} material files named on the chain have no copy here: those this department received are gone unless another node holds them` });
  }

  const users = await staffOf(db, dept);
  if (users.length) {
    const withPassword = (await hasTable(db, 'auth_passwords')) ? new Set((await db('auth_passwords').select('user_id')).map((r: { user_id: string }) => r.user_id)) : new Set<string>();
    const missing = users.filter((u) => !withPassword.has(u)).length;
    if (missing) out.push({ table: 'auth_passwords', missing, text: `the sign-in passwords of ${missing} staff members: the administrator sets them again` });
  }
  return out;
}

/** This department's active staff, from state. */
async function staffOf(db: Knex, dept: string): Promise<string[]> {
  const rows: { v: string }[] = await db('state').where('k', 'like', `${keys.user(dept, '')}%`).select('v');
  return rows.map((r) => JSON.parse(r.v) as UserRecord).filter((u) => u.active).map((u) => u.id);
}
