import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * Webhook signatures: `x-tongban-signature: t=<unix seconds>,v1=<hex>` where v1 is
 * HMAC-SHA256(secret, `<t>.<raw body>`). Every attempt is signed afresh with its own time, so a
 * receiver may refuse anything older than its replay window (REPLAY_WINDOW_S by default) and
 * de-duplicate by the event id (`x-tongban-event-id`, also in the body). The receiver's check
 * lives here, without node:crypto, for the node's tests and the SDK alike.
 */
export const SIGNATURE_HEADER = 'x-tongban-signature';
export const EVENT_ID_HEADER = 'x-tongban-event-id';
export const REPLAY_WINDOW_S = 300;

export type SignatureCheck = { ok: true; t: number } | { ok: false; reason: 'malformed' | 'mismatch' | 'stale' };

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Compares in time independent of where two equal-length strings differ. */
function sameText(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** What a receiver runs on each delivery: the signature over the raw body, and the time within the window. */
export function verifySignature(secret: string, header: string | undefined, body: string, nowS: number, windowS = REPLAY_WINDOW_S): SignatureCheck {
  const parts = new Map((header ?? '').split(',').map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1).trim()] as const));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isSafeInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false, reason: 'malformed' };
  if (!sameText(bytesToHex(hmac(sha256, utf8(secret), utf8(`${t}.${body}`))), v1)) return { ok: false, reason: 'mismatch' };
  if (Math.abs(nowS - t) > windowS) return { ok: false, reason: 'stale' };
  return { ok: true, t };
}
