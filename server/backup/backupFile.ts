import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { ChainError } from '../chain/errors.ts';
import { classOf, type TableClass } from './tableClasses.ts';

/**
 * A node's backup: gzip'd JSON lines. A header line, then per table one line with its name,
 * columns and DDL followed by one line per row (a JSON array; binary values as {"$b": base64}),
 * and a manifest line last: every table with its row count and the SHA-256 of its row lines.
 * The manifest comes last so a cut-off file has none and is refused as incomplete.
 */
export const BACKUP_FORMAT = 'tongban-backup/1';

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  dept: string;
  client: 'sqlite' | 'mysql';
  createdAt: number;
}

export interface ManifestTable {
  name: string;
  class: TableClass;
  rows: number;
  sha256: string;
}

export interface Manifest {
  tables: ManifestTable[];
  /** the ledger head in the backup */
  head: { height: number; hash: string; lastOffset: number } | null;
}

export interface TableStart {
  name: string;
  columns: string[];
  ddl: string[];
}

export type Cell = string | number | null | { $b: string };

export const encodeCell = (v: unknown): Cell => {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return { $b: Buffer.from(v).toString('base64') };
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' || typeof v === 'string') return v;
  return String(v);
};

export const decodeCell = (c: Cell): unknown => (c !== null && typeof c === 'object' ? Buffer.from(c.$b, 'base64') : c);

/** Writes to `<file>.part` and renames at the end, so no half-written backup carries the final name. */
export class BackupWriter {
  private readonly gz = createGzip();
  private readonly out: ReturnType<typeof createWriteStream>;
  private readonly tables: ManifestTable[] = [];
  private current?: { t: ManifestTable; hash: ReturnType<typeof createHash> };

  constructor(private readonly file: string) {
    this.out = createWriteStream(`${file}.part`, { mode: 0o600 });
    this.gz.pipe(this.out);
  }

  private async line(text: string): Promise<void> {
    if (!this.gz.write(text + '\n')) await once(this.gz, 'drain');
  }

  async header(h: BackupHeader): Promise<void> {
    await this.line(JSON.stringify(h));
  }

  async startTable(t: TableStart): Promise<void> {
    this.endTable();
    this.current = { t: { name: t.name, class: classOf(t.name), rows: 0, sha256: '' }, hash: createHash('sha256') };
    await this.line(JSON.stringify({ table: t }));
  }

  async row(values: unknown[]): Promise<void> {
    const text = JSON.stringify(values.map(encodeCell));
    this.current!.hash.update(text + '\n');
    this.current!.t.rows++;
    await this.line(text);
  }

  private endTable(): void {
    if (!this.current) return;
    this.current.t.sha256 = this.current.hash.digest('hex');
    this.tables.push(this.current.t);
    this.current = undefined;
  }

  async finish(head: Manifest['head']): Promise<Manifest> {
    this.endTable();
    const manifest: Manifest = { tables: this.tables, head };
    await this.line(JSON.stringify({ manifest }));
    this.gz.end();
    await once(this.out, 'close');
    await rename(`${this.file}.part`, this.file);
    return manifest;
  }

  async abort(): Promise<void> {
    this.gz.destroy();
    this.out.destroy();
    await rm(`${this.file}.part`, { force: true });
  }
}

export type BackupItem = { kind: 'table'; table: TableStart } | { kind: 'row'; values: unknown[] };

const corrupt = (message: string) => new ChainError('BACKUP_CORRUPT', message, { status: 400 });

/**
 * Reads a backup and checks it against its own manifest (every table's count and hash) as it
 * goes; `onItem` sees each table and row. Throws BACKUP_CORRUPT naming the first table that does
 * not match, or BACKUP_INCOMPLETE when the manifest is missing.
 */
export async function readBackup(file: string, onItem?: (item: BackupItem) => Promise<void>): Promise<{ header: BackupHeader; manifest: Manifest }> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  let header: BackupHeader | undefined;
  let manifest: Manifest | undefined;
  const seen: ManifestTable[] = [];
  let current: { t: ManifestTable; hash: ReturnType<typeof createHash> } | undefined;
  const close = () => {
    if (current) seen.push({ ...current.t, sha256: current.hash.digest('hex') });
    current = undefined;
  };
  try {
    for await (const text of lines) {
      if (manifest) throw corrupt('lines after the manifest');
      if (!header) {
        header = JSON.parse(text) as BackupHeader;
        if (header.format !== BACKUP_FORMAT) throw corrupt(`not a Tongban backup (format ${JSON.stringify(header.format)})`);
        continue;
      }
      if (text.startsWith('[')) {
        if (!current) throw corrupt('a row before any table');
        current.hash.update(text + '\n');
        current.t.rows++;
        if (onItem) await onItem({ kind: 'row', values: (JSON.parse(text) as Cell[]).map(decodeCell) });
        continue;
      }
      const obj = JSON.parse(text) as { table?: TableStart; manifest?: Manifest };
      if (obj.table) {
        close();
        current = { t: { name: obj.table.name, class: classOf(obj.table.name), rows: 0, sha256: '' }, hash: createHash('sha256') };
        if (onItem) await onItem({ kind: 'table', table: obj.table });
      } else if (obj.manifest) {
        close();
        manifest = obj.manifest;
      } else throw corrupt('an unknown line');
    }
  } catch (err) {
    if (err instanceof ChainError) throw err;
    throw corrupt(`unreadable: ${(err as Error).message}`);
  }
  if (!header) throw corrupt('empty file');
  if (!manifest) throw new ChainError('BACKUP_INCOMPLETE', `${file} ends without its manifest: the backup was cut off`, { status: 400 });
  const listed = new Map(manifest.tables.map((t) => [t.name, t]));
  if (listed.size !== seen.length) throw corrupt(`the manifest lists ${listed.size} tables, the file holds ${seen.length}`);
  for (const t of seen) {
    const m = listed.get(t.name);
    if (!m) throw corrupt(`table ${t.name} is not in the manifest`);
    if (m.rows !== t.rows) throw corrupt(`table ${t.name}: the manifest says ${m.rows} rows, the file holds ${t.rows}`);
    if (m.sha256 !== t.sha256) throw corrupt(`table ${t.name}: its rows do not match the manifest's SHA-256`);
  }
  return { header, manifest };
}
