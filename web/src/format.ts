/** `3f5a9c…1b2e`: enough of a hash to recognise it; the full value is in the tooltip. */
export const shortHash = (h: string | null | undefined, n = 8) => (!h ? '' : h.length <= 2 * n + 1 ? h : `${h.slice(0, n)}…${h.slice(-4)}`);

/**
 * 回执编号: what a person quotes for a transaction, `1234-3FA9C2D1` (its block's height and the
 * start of its id), instead of a 64-character hash; the id itself stays one click away.
 */
export const receiptNo = (id: string, height?: number | null) => `${height ?? '?'}-${id.slice(0, 8).toUpperCase()}`;

export const formatTime = (ms: number, locale: string) =>
  new Date(ms).toLocaleString(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** `812 KB`, `4.7 MB`: a file's size as a person reads it (never `0 KB`). */
export const fileSize = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

export const prettyJson = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v, null, 2));
