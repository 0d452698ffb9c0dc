import { isChainError } from '../chain/errors.ts';
import { LicenceImport } from '../approval/schema.ts';
import { creditCodeProblem } from '../../shared/creditCode.ts';
import { LICENCE_IMPORT_COLUMNS, type ImportRowError, type LicenceImportColumn } from '../../shared/licenceImport.ts';
import type { SheetRow } from './readImportFile.ts';

export type RowPayload = LicenceImport;

/**
 * A row's payload, or what is wrong with it (the first problem, named by its column): empty
 * cells, values the payload schema refuses, a credit code whose check character is wrong. The
 * rules that need the chain (a registered enterprise, days, duplicates) are the contract's.
 */
export function rowPayload(r: SheetRow, source: string): { payload: RowPayload } | { error: ImportRowError } {
  for (const c of LICENCE_IMPORT_COLUMNS) {
    if (!r.cells[c.key]) return { error: rowError(r.row, c.key, 'MISSING_VALUE', `${c.en} is empty`) };
  }
  const problem = creditCodeProblem(r.cells.code);
  if (problem) return { error: rowError(r.row, 'code', 'BAD_CREDIT_CODE', problem, r.cells.code) };
  const parsed = LicenceImport.safeParse({ ...r.cells, source });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const column = String(issue.path[0] ?? '') as LicenceImportColumn;
    return { error: rowError(r.row, column, 'BAD_VALUE', issue.message, r.cells[column] ?? '') };
  }
  return { payload: parsed.data };
}

export function rowError(row: number, column: LicenceImportColumn | '', code: string, message: string, value?: string, params: Record<string, string> = {}): ImportRowError {
  return { row, column, code, message, params: value === undefined ? params : { value: value.slice(0, 80), ...params } };
}

/** A refusal by the contract's rule (or in its block) as a row error, on the column it names. */
export function refusalOf(row: SheetRow, err: unknown): ImportRowError {
  if (!isChainError(err)) throw err;
  const field = (err.data?.field as LicenceImportColumn | undefined) ?? (err.code === 'UNKNOWN_ENTERPRISE' || err.code === 'BAD_CREDIT_CODE' ? 'code' : '');
  return rowError(row.row, field, err.code, err.message, field ? row.cells[field] : undefined);
}
