import type { Knex } from 'knex';
import type { Module } from '../module.ts';
import type { ModulePort } from '../modulePort.ts';

const PAGE = 1000;
/** chain_meta key set by importSnapshot: the read models are still to be made from the state. */
export const PROJECT_STATE_PENDING = 'projectStatePending';

/**
 * A node started from a snapshot fills its read models from the imported state on its first
 * start, with its own keys (sealed fields open only here), in one database transaction that
 * also clears the mark: a crash leaves the mark and the next start does it again. What only
 * events hold (credit score history, dossier views, the event feed, data-use records) starts at
 * the snapshot's height.
 */
export async function projectFromState(db: Knex, modules: Module[], port: ModulePort): Promise<boolean> {
  const mark = await db('chain_meta').where({ k: PROJECT_STATE_PENDING }).first();
  if (!mark) return false;
  const projecting = modules.filter((m) => m.projectState);
  await db.transaction(async (trx) => {
    for (let after: string | undefined; ; ) {
      const q = trx('state').orderBy('k').limit(PAGE).select('k');
      if (after !== undefined) q.where('k', '>', after);
      const keys = ((await q) as { k: string }[]).map((r) => r.k);
      for (const m of projecting) await m.projectState!(trx, keys, port);
      if (keys.length < PAGE) break;
      after = keys[keys.length - 1];
    }
    await trx('chain_meta').where({ k: PROJECT_STATE_PENDING }).delete();
  });
  return true;
}
