import { canonicalJson, canonicalJsonWithout } from './canonical.ts';
import { ChainError } from './errors.ts';
import { sha256Hex } from './hash.ts';
import { Tx, type UnsignedTx } from './schema.ts';
import type { CryptoSuite } from './suites/suite.ts';
import { isPlainTx } from './plainTx.ts';

/** Transaction id: SHA-256 of the canonical JSON of everything but the signature. */
export function txId(tx: UnsignedTx | Tx): string {
  return sha256Hex(canonicalJsonWithout(tx as Record<string, unknown>, 'signature'));
}

/** What is signed: a domain-separated id, so a signature can't be reused as another kind of message. */
export const txSigningText = (id: string): string => `tongban/tx/v1:${id}`;
export const txSigningMessage = (id: string): Uint8Array => Buffer.from(txSigningText(id));

export function signTx(unsigned: UnsignedTx, privateKey: string, suite: CryptoSuite): Tx {
  const id = txId(unsigned);
  return { ...unsigned, signature: suite.sign(privateKey, txSigningMessage(id)) };
}

/**
 * Checks that need no state and no signature verification: shape, size, chain, key and
 * signature encoding. Returns the parsed transaction and its id.
 */
export function parseTxStateless(
  raw: unknown,
  opts: { chain: string; suite: CryptoSuite; maxTxBytes: number; byteLength?: number },
): { tx: Tx; id: string } {
  const tx = isPlainTx(raw) ? raw : parseTx(raw);
  const size = opts.byteLength ?? Buffer.byteLength(canonicalJson(tx));
  if (size > opts.maxTxBytes) throw new ChainError('TX_TOO_LARGE', `transaction is ${size} bytes; the limit is ${opts.maxTxBytes}`, { status: 413 });
  if (tx.chain !== opts.chain) throw new ChainError('WRONG_CHAIN', `transaction is for chain "${tx.chain}", this is "${opts.chain}"`);
  if (tx.signer.length !== opts.suite.publicKeyHexLength) {
    throw new ChainError('MALFORMED_KEY', `signer must be a ${opts.suite.name} public key of ${opts.suite.publicKeyHexLength} hex characters`);
  }
  if (tx.signature.length !== opts.suite.signatureHexLength) {
    throw new ChainError('MALFORMED_SIGNATURE', `signature must be ${opts.suite.signatureHexLength} hex characters`);
  }
  return { tx, id: txId(tx) };
}

function parseTx(raw: unknown): Tx {
  const parsed = Tx.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ChainError('MALFORMED_TX', `transaction is malformed at ${issue.path.join('.') || 'root'}: ${issue.message}`);
  }
  return parsed.data;
}

/** All stateless checks, the signature included. The executor re-runs the stateful ones. */
export function checkTxStateless(
  raw: unknown,
  opts: { chain: string; suite: CryptoSuite; maxTxBytes: number; byteLength?: number },
): { tx: Tx; id: string } {
  const { tx, id } = parseTxStateless(raw, opts);
  if (!opts.suite.verify(tx.signer, txSigningMessage(id), tx.signature)) throw badSignature();
  return { tx, id };
}

export const badSignature = (): ChainError =>
  new ChainError('BAD_SIGNATURE', 'the signature does not match the transaction and signer', { status: 401 });
