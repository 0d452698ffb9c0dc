/** `3f5a9c…1b2e`: enough of a hash to recognise it; the full value is in the tooltip. */
export const shortHash = (h: string | null | undefined, n = 8) => (!h ? '' : h.length <= 2 * n + 1 ? h : `${h.slice(0, n)}…${h.slice(-4)}`);

export const formatTime = (ms: number, locale: string) =>
  new Date(ms).toLocaleString(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export const prettyJson = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v, null, 2));
