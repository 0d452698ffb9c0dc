/**
 * Money on the ledger is integer fen in a decimal string. People type yuan. The conversion is
 * done on the digits, never through a float, so 0.29 元 is 29 分 and not 28.999….
 */
const YUAN = /^(0|[1-9][0-9]{0,15})(\.[0-9]{1,2})?$/;

/** '1,234.5' → '123450'; undefined when it is not an amount in yuan with at most two decimals. */
export function yuanToFen(input: string): string | undefined {
  const s = input.replace(/[,，\s]/g, '').replace(/^¥/, '');
  const m = YUAN.exec(s);
  if (!m) return undefined;
  const frac = (m[2] ?? '.').slice(1).padEnd(2, '0');
  return (m[1] + frac).replace(/^0+(?=[0-9])/, '');
}

/** '123450' → '1,234.50' (no float on the way). */
export function fenToYuan(fen: string | number | null | undefined): string {
  if (fen === null || fen === undefined || fen === '') return '—';
  const s = String(fen).replace(/^0+(?=[0-9])/, '').padStart(3, '0');
  const yuan = s.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${yuan}.${s.slice(-2)}`;
}

/** A credit score in basis points (0‥10000) as points out of 100: 7250 → '72.50'. */
export const scorePoints = (bp: number | null | undefined) => (bp === null || bp === undefined ? '—' : (bp / 100).toFixed(2));
