/**
 * Sealing a field to departments' encryption keys, in the enterprise's browser exactly as a node
 * does it (JWE over X25519; server/chain/sealing/envelope.ts, which imports nothing Node-only).
 */
export { seal, type Sealed, type SealRecipient } from '../server/chain/sealing/envelope.ts';
