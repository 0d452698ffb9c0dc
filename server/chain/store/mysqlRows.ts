import type { Knex } from 'knex';

type Value = string | number | null | undefined;

interface Mysql2Connection {
  execute(sql: string, values: unknown[], cb: (err: Error | null) => void): void;
}

/**
 * Multi-row INSERTs as server-side prepared statements on MySQL/MariaDB: values travel in the
 * binary protocol, so neither side builds, escapes or parses them as SQL text. Rows go in
 * groups whose sizes are powers of two (at most 512), so a handful of statements per table serve
 * every block size; mysql2 keeps each prepared statement on its connection.
 *
 * `trx` must be a knex transaction: the rows join it, on its connection.
 */
export async function insertRows(trx: Knex.Transaction, table: string, columns: string[], rows: Value[][], suffix = ''): Promise<void> {
  if (rows.length === 0) return;
  const conn = (await trx.client.acquireConnection()) as Mysql2Connection;
  try {
    const cols = columns.map((c) => `\`${c}\``).join(', ');
    const row = `(${columns.map(() => '?').join(', ')})`;
    let i = 0;
    while (i < rows.length) {
      const size = groupSize(rows.length - i);
      const values: Value[] = [];
      for (let r = i; r < i + size; r++) for (const v of rows[r]) values.push(v === undefined ? null : v);
      const sql = `INSERT INTO \`${table}\` (${cols}) VALUES ${Array(size).fill(row).join(', ')}${suffix}`;
      await new Promise<void>((resolve, reject) => conn.execute(sql, values, (err) => (err ? reject(err) : resolve())));
      i += size;
    }
  } finally {
    await trx.client.releaseConnection(conn);
  }
}

/** The largest power of two not above `left`, capped at 512 rows. */
function groupSize(left: number): number {
  let size = 512;
  while (size > left) size >>= 1;
  return size;
}
