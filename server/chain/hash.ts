import { createHash } from 'node:crypto';

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export const ZERO_HASH = '0'.repeat(64);

/** Hash of two hex digests, used for chaining (state hash) and Merkle nodes. */
export const hashPair = (a: string, b: string): string =>
  createHash('sha256').update(Buffer.from(a, 'hex')).update(Buffer.from(b, 'hex')).digest('hex');
