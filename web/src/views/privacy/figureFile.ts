import type { FieldInfo, FigureRowInput } from '../../api/privacy/types.ts';
import { isValidCreditCode } from '../../creditCode.ts';

/** A row the portal refuses before sending: its index in the file's rows and the message key (pq.figures.*). */
export interface RowProblem {
  row: number;
  key: 'badCode' | 'badValue' | 'badDay' | 'twice';
}

export interface FigureFile {
  rows: FigureRowInput[];
  /** a JSON file may name its figure and period */
  field?: string;
  period?: string;
}

const DAY = /^[0-9]{8}$/;
const INT = /^(0|[1-9][0-9]{0,19})$/;

function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') (cur += '"'), i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) out.push(cur.trim()), (cur = '');
    else cur += c;
  }
  out.push(cur.trim());
  return out;
}

/** CSV: credit code, then the value (a number; validFrom, validTo; or the days of cases). A header line is skipped. */
function fromCsv(text: string, kind: FieldInfo['kind']): FigureFile {
  const lines = text.replace(/^\ufeff/, '').split(/\r?\n/).filter((l) => l.trim());
  const rows = lines.map(cells);
  if (rows.length && !/^[0-9A-Z]{18}$/.test(rows[0][0].toUpperCase())) rows.shift();
  return {
    rows: rows.map(([code, ...rest]) => {
      const enterprise = code.toUpperCase();
      if (kind === 'interval') return { enterprise, value: { validFrom: rest[0] ?? '', validTo: rest[1] ?? '' } };
      if (kind === 'set') return { enterprise, value: { cases: rest.flatMap((c) => c.split(/[;\s]+/)).filter(Boolean) } };
      return { enterprise, value: (rest[0] ?? '').replace(/[,\s]/g, '') };
    }),
  };
}

function fromJson(text: string): FigureFile {
  const j = JSON.parse(text) as unknown;
  if (Array.isArray(j)) return { rows: j as FigureRowInput[] };
  const o = (j ?? {}) as { rows?: unknown; field?: unknown; period?: unknown };
  if (!Array.isArray(o.rows)) throw new Error('rows');
  return { rows: o.rows as FigureRowInput[], field: typeof o.field === 'string' ? o.field : undefined, period: typeof o.period === 'string' ? o.period : undefined };
}

/** Reads a holder's export: JSON when it looks like JSON, otherwise CSV. Throws on text that is neither. */
export function readFigureFile(text: string, kind: FieldInfo['kind']): FigureFile {
  const t = text.replace(/^\ufeff/, '').trimStart();
  return t.startsWith('[') || t.startsWith('{') ? fromJson(t) : fromCsv(t, kind);
}

/** The same checks the node makes on each row, so a file is fixed before it is sent. */
export function rowProblems(rows: FigureRowInput[], kind: FieldInfo['kind']): RowProblem[] {
  const out: RowProblem[] = [];
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    const code = typeof r?.enterprise === 'string' ? r.enterprise : '';
    if (!isValidCreditCode(code)) return out.push({ row: i, key: 'badCode' });
    if (seen.has(code)) return out.push({ row: i, key: 'twice' });
    seen.add(code);
    const v = r.value as unknown;
    if (kind === 'value' && !((typeof v === 'string' && INT.test(v)) || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0))) out.push({ row: i, key: 'badValue' });
    if (kind === 'interval') {
      const iv = (v ?? {}) as { validFrom?: unknown; validTo?: unknown };
      if (!DAY.test(String(iv.validFrom)) || !DAY.test(String(iv.validTo))) out.push({ row: i, key: 'badDay' });
    }
    if (kind === 'set') {
      const cases = (v as { cases?: unknown })?.cases;
      if (!Array.isArray(cases) || cases.some((d) => !DAY.test(String(d)))) out.push({ row: i, key: 'badDay' });
    }
  });
  return out;
}

/** A row's value as a person reads it in the preview. */
export function valueText(v: FigureRowInput['value']): string {
  if (typeof v !== 'object' || v === null) return String(v);
  if ('validFrom' in v) return `${v.validFrom} – ${v.validTo}`;
  return v.cases.join(', ') || '—';
}
