import { createHmac } from 'node:crypto';

/** The scheme and the receiver's check are in shared/webhookSignature.ts (the SDK runs the same check); the node signs here. */
export { EVENT_ID_HEADER, REPLAY_WINDOW_S, SIGNATURE_HEADER, verifySignature, type SignatureCheck } from '../../shared/webhookSignature.ts';

export const hmacHex = (secret: string, t: number, body: string): string => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

export function signatureHeader(secret: string, body: string, nowS: number): string {
  return `t=${nowS},v1=${hmacHex(secret, nowS, body)}`;
}
