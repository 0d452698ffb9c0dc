import type { Knex } from 'knex';

const TABLE = 'auth_account_events';

export type AccountAction = 'password.change' | 'password.reset';

export interface AccountEvent {
  time: number;
  action: AccountAction;
  /** who did it: the user themselves for a change, the administrator for a reset */
  actor: string;
  /** whose password */
  target: string;
  address: string;
}

/**
 * Who changed or reset whose portal password, in this node's own database. Passwords live only
 * on this node (the chain holds roles, not credentials), so the trail of what happened to them
 * lives beside them: a chain transaction per reset would tell every department when a colleague
 * forgot a password, and a node's own trail is what its administrators and auditors inspect.
 * Never the password itself.
 */
export class AccountEvents {
  constructor(private readonly db: Knex) {}

  static async migrate(db: Knex): Promise<void> {
    if (await db.schema.hasTable(TABLE)) return;
    await db.schema.createTable(TABLE, (t) => {
      t.increments('seq').primary();
      t.bigInteger('time').notNullable();
      t.string('action', 32).notNullable();
      t.string('actor', 64).notNullable();
      t.string('target', 64).notNullable().index();
      t.string('address', 64).notNullable();
    });
  }

  async record(e: AccountEvent, trx: Knex = this.db): Promise<void> {
    await trx(TABLE).insert({ ...e, address: e.address.slice(0, 64) });
  }

  /** The latest events, newest first, optionally of one user. */
  async list(o: { target?: string; limit?: number } = {}): Promise<AccountEvent[]> {
    const rows = await this.db(TABLE).where(o.target ? { target: o.target } : {}).orderBy('seq', 'desc').limit(o.limit ?? 100).select('time', 'action', 'actor', 'target', 'address');
    return rows.map((r: AccountEvent) => ({ ...r, time: Number(r.time) }));
  }
}
