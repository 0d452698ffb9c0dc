import { readSheet } from 'read-excel-file/node';
import { ChainError } from '../chain/errors.ts';
import { readCsv } from '../../shared/csvRead.ts';
import { IMPORT_LIMITS, LICENCE_IMPORT_COLUMNS, type LicenceImportColumn } from '../../shared/licenceImport.ts';

/** One data row as read: its row number as the spreadsheet shows it, and its cells by column. */
export interface SheetRow {
  row: number;
  cells: Record<LicenceImportColumn, string>;
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const DATE_COLUMNS = new Set<string>(['issuedOn', 'validTo']);
const notSheet = (why: string) => new ChainError('NOT_A_SPREADSHEET', `文件不是 CSV 或 XLSX 表格 / the file is not a CSV or XLSX spreadsheet: ${why}`, { status: 415 });

/**
 * Reads an import file whole, before anything is written: XLSX (a zip, first sheet) or UTF-8 CSV,
 * a header row naming exactly the template's columns (Chinese, English or key, any order), then
 * at most IMPORT_LIMITS.maxRows data rows. Any problem with the file as a whole is one 4xx.
 */
export async function readImportFile(body: Buffer): Promise<SheetRow[]> {
  if (body.length === 0) throw new ChainError('EMPTY_FILE', '文件是空的 / the file is empty');
  if (body.length > IMPORT_LIMITS.maxBytes) throw tooLarge();
  const records = body.subarray(0, 4).equals(ZIP) ? await xlsxRecords(body) : csvRecords(body);
  const [header, ...data] = records;
  if (!header) throw new ChainError('EMPTY_FILE', '文件没有列名行 / the file has no header row');
  const order = columnsOf(header.cells);
  const rows: SheetRow[] = [];
  for (const r of data) {
    if (r.cells.every((c) => c.trim() === '')) continue;
    const cells = {} as Record<LicenceImportColumn, string>;
    order.forEach((key, i) => {
      if (key) cells[key] = (r.cells[i] ?? '').trim();
    });
    rows.push({ row: r.line, cells });
  }
  if (!rows.length) throw new ChainError('EMPTY_FILE', '文件只有列名行，没有数据 / the file has a header but no data rows');
  if (rows.length > IMPORT_LIMITS.maxRows) throw new ChainError('TOO_MANY_ROWS', `每次最多导入 ${IMPORT_LIMITS.maxRows} 行，本文件有 ${rows.length} 行，请拆分 / at most ${IMPORT_LIMITS.maxRows} rows per import; this file has ${rows.length}: split it`, { status: 413 });
  return rows;
}

export const tooLarge = () => new ChainError('FILE_TOO_LARGE', `导入文件最大 ${IMPORT_LIMITS.maxBytes / 1024 / 1024} MB / an import file may be at most ${IMPORT_LIMITS.maxBytes / 1024 / 1024} MB`, { status: 413 });

function csvRecords(body: Buffer): { line: number; cells: string[] }[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new ChainError('NOT_UTF8', 'CSV 文件须为 UTF-8 编码（表格软件中另存为“CSV UTF-8”），或改用 XLSX / a CSV file must be saved as UTF-8 (in a spreadsheet program: CSV UTF-8), or send XLSX', { status: 415 });
  }
  if (text.includes('\u0000')) throw notSheet('it holds binary data');
  const records = readCsv(text);
  if (!records) throw notSheet('a quoted cell is not closed');
  // the spreadsheet's row numbers: the header is row 1
  return records.map((r, i) => ({ line: i + 1, cells: r.cells }));
}

async function xlsxRecords(body: Buffer): Promise<{ line: number; cells: string[] }[]> {
  let sheet: unknown[][];
  try {
    sheet = (await readSheet(body)) as unknown[][];
  } catch {
    throw notSheet('it is a zip file, but not an XLSX workbook');
  }
  const header = (sheet[0] ?? []).map((c) => cellText(c, false));
  const dates = header.map((h) => DATE_COLUMNS.has(columnKey(h) ?? ''));
  return sheet.map((row, i) => ({ line: i + 1, cells: row.map((c, x) => cellText(c, i > 0 && dates[x])) }));
}

/** A cell as text: a date as YYYY-MM-DD (Excel's day numbers too, in a date column), numbers without exponent. */
function cellText(v: unknown, dateColumn: boolean): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'number' && dateColumn && Number.isInteger(v) && v > 0 && v < 2_958_466) {
    return new Date(Date.UTC(1899, 11, 30) + v * 86_400_000).toISOString().slice(0, 10);
  }
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v).toString() : String(v);
  return String(v);
}

const normal = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');
const columnKey = (title: string): LicenceImportColumn | undefined =>
  LICENCE_IMPORT_COLUMNS.find((c) => [c.key, c.zh, c.en].some((n) => normal(n) === normal(title)))?.key;

/** The header's columns in file order; every template column exactly once, and nothing else. */
function columnsOf(header: string[]): (LicenceImportColumn | undefined)[] {
  const keys = header.map(columnKey);
  const unknown = header.filter((h, i) => keys[i] === undefined && h.trim() !== '');
  const missing = LICENCE_IMPORT_COLUMNS.filter((c) => !keys.includes(c.key));
  const twice = LICENCE_IMPORT_COLUMNS.filter((c) => keys.filter((k) => k === c.key).length > 1);
  if (unknown.length || missing.length || twice.length) {
    const said = (zh: boolean) =>
      [
        missing.length && `${zh ? '缺少' : 'missing'} ${missing.map((c) => (zh ? c.zh : c.en)).join(zh ? '、' : ', ')}`,
        unknown.length && `${zh ? '多出' : 'unknown'} ${unknown.map((h) => JSON.stringify(h)).join(zh ? '、' : ', ')}`,
        twice.length && `${zh ? '重复' : 'repeated'} ${twice.map((c) => (zh ? c.zh : c.en)).join(zh ? '、' : ', ')}`,
      ].filter(Boolean);
    throw new ChainError('BAD_COLUMNS', `列名与模板不符（${said(true).join('；')}），请下载模板 / the header row does not match the template (${said(false).join('; ')}); download the template`, {
      data: { missing: missing.map((c) => c.key), unknown, twice: twice.map((c) => c.key) },
    });
  }
  return keys;
}
