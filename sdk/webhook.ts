import { EVENT_ID_HEADER, REPLAY_WINDOW_S, SIGNATURE_HEADER, verifySignature } from '../shared/webhookSignature.ts';
import { TongbanError } from './errors.ts';

type Headers = Record<string, string | string[] | undefined> | { get(name: string): string | null };

const header = (h: Headers, name: string): string | undefined => {
  if (typeof (h as { get?: unknown }).get === 'function') return (h as { get(n: string): string | null }).get(name) ?? undefined;
  const v = (h as Record<string, string | string[] | undefined>)[name] ?? (h as Record<string, string | string[] | undefined>)[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

const REASONS = {
  malformed: ['WEBHOOK_MALFORMED', 'the x-tongban-signature header is missing or not t=<seconds>,v1=<hex>'],
  mismatch: ['WEBHOOK_FORGED', 'the signature does not match the body and the webhook secret'],
  stale: ['WEBHOOK_STALE', 'the delivery was signed outside the replay window; check this machine\'s clock'],
} as const;

/**
 * A webhook receiver's check of one delivery: the HMAC-SHA256 over `<t>.<raw body>` with the
 * webhook's secret, and `t` within the replay window. Pass the body exactly as received, before
 * parsing it. Returns the event id to de-duplicate by; throws a TongbanError with status 401
 * and WEBHOOK_MALFORMED, WEBHOOK_FORGED or WEBHOOK_STALE, which a receiver answers as it is.
 */
export function verifyWebhook(headers: Headers, body: string, secret: string, o: { nowS?: number; windowS?: number } = {}): { eventId: string; t: number } {
  const check = verifySignature(secret, header(headers, SIGNATURE_HEADER), body, o.nowS ?? Math.floor(Date.now() / 1000), o.windowS ?? REPLAY_WINDOW_S);
  if (!check.ok) {
    const [code, message] = REASONS[check.reason];
    throw new TongbanError(code, message, 401);
  }
  return { eventId: header(headers, EVENT_ID_HEADER) ?? '', t: check.t };
}
