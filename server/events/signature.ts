import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures: `x-tongban-signature: t=<unix seconds>,v1=<hex>` where v1 is
 * HMAC-SHA256(secret, `<t>.<raw body>`). Every attempt is signed afresh with its own time, so a
 * receiver may refuse anything older than its replay window (REPLAY_WINDOW_S by default) and
 * de-duplicate by the event id (`x-tongban-event-id`, also in the body).
 */
export const SIGNATURE_HEADER = 'x-tongban-signature';
export const EVENT_ID_HEADER = 'x-tongban-event-id';
export const REPLAY_WINDOW_S = 300;

export const hmacHex = (secret: string, t: number, body: string): string => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

export function signatureHeader(secret: string, body: string, nowS: number): string {
  return `t=${nowS},v1=${hmacHex(secret, nowS, body)}`;
}

export type SignatureCheck = { ok: true; t: number } | { ok: false; reason: 'malformed' | 'mismatch' | 'stale' };

/** What a receiver runs on each delivery: the signature over the raw body, and the time within the window. */
export function verifySignature(secret: string, header: string | undefined, body: string, nowS: number, windowS = REPLAY_WINDOW_S): SignatureCheck {
  const parts = new Map((header ?? '').split(',').map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1).trim()] as const));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isSafeInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(v1, 'hex'))) return { ok: false, reason: 'mismatch' };
  if (Math.abs(nowS - t) > windowS) return { ok: false, reason: 'stale' };
  return { ok: true, t };
}
