/**
 * Tongban's TypeScript SDK for a department's own systems (sdk/README.md). It depends on
 * @noble/curves, @noble/hashes, canonicalize and the node-free files of shared/, never on the
 * server.
 */
export { TongbanClient, type ClientOptions, type Genesis, type Receipt } from './client.ts';
export { TongbanError } from './errors.ts';
export { keygen, publicKeyOf, signText, type KeyPair, type Suite } from './keys.ts';
export { verifyWebhook } from './webhook.ts';
export type { FeedEvent } from '../shared/feedEvent.ts';
export type { TxInclusion } from '../shared/verify/inclusion.ts';
