/**
 * The historical-licence import's file format and its row problems, shared by the server (which
 * reads the file and writes the error report) and the portal (template, progress, report).
 */

/** The columns of an import file, in the template's order; a header may use either name or the key. */
export const LICENCE_IMPORT_COLUMNS = [
  { key: 'code', zh: '统一社会信用代码', en: 'Credit code', example: '91330106MA2B3C4D5D' },
  { key: 'number', zh: '原证照编号', en: 'Licence number', example: 'ZJ-2019-000123' },
  { key: 'type', zh: '证照类型', en: 'Licence type', example: 'foodBusiness' },
  { key: 'name', zh: '证照名称', en: 'Licence name', example: '食品经营许可证' },
  { key: 'issuedOn', zh: '发证日期', en: 'Issue date', example: '2019-03-15' },
  { key: 'validTo', zh: '有效期至', en: 'Valid to', example: '2039-03-14' },
] as const;
export type LicenceImportColumn = (typeof LICENCE_IMPORT_COLUMNS)[number]['key'];

/** What one import may hold: beyond this, split the file. */
export const IMPORT_LIMITS = { maxBytes: 20 * 1024 * 1024, maxRows: 50_000 } as const;

export type ImportStatus = 'running' | 'done' | 'interrupted' | 'failed';

/** One row that was not imported: its row as the spreadsheet numbers it (the header is row 1). */
export interface ImportRowError {
  row: number;
  column: LicenceImportColumn | '';
  code: string;
  /** the server's own words, in English */
  message: string;
  /** what the localised message names (the cell's value, the row it repeats) */
  params: Record<string, string>;
}

export interface ImportJob {
  id: string;
  dept: string;
  user: string;
  source: string;
  fileName: string;
  fileHash: string;
  status: ImportStatus;
  total: number;
  /** rows put on the chain by this import */
  imported: number;
  /** rows already on the chain (an earlier import of the same records) */
  skipped: number;
  failed: number;
  createdAt: number;
  finishedAt: number | null;
}

/** Row problems a person can fix in the file, in both languages ({column}, {value}, {first} are filled in). */
export const IMPORT_ROW_MESSAGES: Record<'zh-CN' | 'en', Record<string, string>> = {
  'zh-CN': {
    MISSING_VALUE: '“{column}”为空',
    BAD_VALUE: '“{column}”的值“{value}”不合要求：{detail}',
    BAD_CREDIT_CODE: '统一社会信用代码“{value}”无效（校验位或格式错误）',
    UNKNOWN_ENTERPRISE: '企业“{value}”尚未在链上登记，请先到政务服务中心窗口登记',
    BAD_DATE: '“{column}”的日期“{value}”不存在',
    DATE_ORDER: '有效期至“{value}”早于发证日期',
    ISSUED_IN_FUTURE: '发证日期“{value}”晚于今天，历史证照须已发出',
    DUPLICATE_ROW: '与第 {first} 行的原证照编号重复',
    OTHER: '未能导入：{detail}',
  },
  en: {
    MISSING_VALUE: '"{column}" is empty',
    BAD_VALUE: '"{column}" value "{value}" is not acceptable: {detail}',
    BAD_CREDIT_CODE: 'credit code "{value}" is not valid (check character or format)',
    UNKNOWN_ENTERPRISE: 'enterprise "{value}" is not registered on the chain; register it at the service centre first',
    BAD_DATE: '"{column}" date "{value}" does not exist',
    DATE_ORDER: 'valid-to date "{value}" is before the issue date',
    ISSUED_IN_FUTURE: 'issue date "{value}" is after today; a historical licence must have been issued',
    DUPLICATE_ROW: 'repeats the licence number of row {first}',
    OTHER: 'not imported: {detail}',
  },
};

/** A row problem in one language: the column's name in that language, the rest from params. */
export function rowMessage(e: Pick<ImportRowError, 'code' | 'column' | 'message' | 'params'>, lang: 'zh-CN' | 'en'): string {
  const table = IMPORT_ROW_MESSAGES[lang];
  const col = LICENCE_IMPORT_COLUMNS.find((c) => c.key === e.column);
  const params: Record<string, string> = { detail: e.message, ...e.params, column: col ? (lang === 'en' ? col.en : col.zh) : '' };
  return (table[e.code] ?? table.OTHER).replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? '');
}
