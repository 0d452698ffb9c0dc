import { hash } from 'node:crypto';

// One-shot hashing: no Hash object per call, which is most of the cost for inputs this small.
export const sha256Hex = (data: string | Uint8Array): string => hash('sha256', data, 'hex');

export const ZERO_HASH = '0'.repeat(64);

/** Hash of two hex digests, used for chaining (state hash) and Merkle nodes. */
export const hashPair = (a: string, b: string): string => hash('sha256', Buffer.concat([Buffer.from(a, 'hex'), Buffer.from(b, 'hex')]), 'hex');
