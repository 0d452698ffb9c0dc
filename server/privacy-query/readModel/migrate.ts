import type { Knex } from 'knex';
import { migratePrivateValues } from '../holder/privateValues.ts';

/**
 * pq_queries: every node's list of questions (the chain's public record: who asked whom what, the
 * answer), projected in the block's transaction. pq_private_values exists on every node but only a
 * holder ever writes to it.
 */
export async function migratePrivacy(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable('pq_queries'))) {
    await db.schema.createTable('pq_queries', (t) => {
      t.string('id', 64).primary();
      t.string('requester_dept', 32).notNullable();
      t.string('requester_id', 64).notNullable();
      t.string('holder', 32).notNullable();
      t.string('enterprise', 18).notNullable();
      t.string('field', 31).notNullable();
      t.string('period', 8).notNullable();
      t.string('status', 16).notNullable();
      t.integer('asked_height').notNullable();
      t.integer('expires_at_height').notNullable();
      t.bigInteger('asked_at').notNullable();
      t.boolean('answer').nullable();
      t.integer('answered_height').nullable();
      t.string('origin_module', 32).nullable();
      t.string('origin_ref', 120).nullable();
      t.index(['requester_dept', 'asked_height']);
      t.index(['holder', 'status']);
      t.index(['enterprise']);
    });
  }
  await migratePrivateValues(db);
}
