import { ChainError } from './errors.ts';
import type { BlockTx } from './execute.ts';
import { sha256Hex } from './hash.ts';
import type { CryptoSuite } from './suites/suite.ts';
import { checkTxStateless, parseTxStateless } from './tx.ts';

export const TX_PREFIX = '{"t":"tx","tx":';

type Opts = { chain: string; suite: CryptoSuite; maxTxBytes: number };

/** The transaction text inside a canonical log record `{"t":"tx","tx":<tx>}`, else undefined. */
export function innerText(text: string): string | undefined {
  return text.startsWith(TX_PREFIX) && text.endsWith('}') ? text.slice(TX_PREFIX.length, -1) : undefined;
}

/**
 * A log record as a block transaction, after every stateless check. The node and the
 * verifier both go through here. A record that fails is identified by the hash of its bytes
 * (never by the id it claims), so a broken copy logged first can't shadow the genuine
 * transaction; it is stored whole, so the verifier can recompute that hash.
 */
export function blockTxFromRecord(text: string, offset: number, opts: Opts, knownValid?: string): BlockTx {
  const inner = innerText(text);
  const raw = inner ?? text;
  let parsed: unknown;
  try {
    parsed = (JSON.parse(text) as { tx?: unknown }).tx;
  } catch {
    return invalid(text, offset, new ChainError('MALFORMED_TX', 'log record is not JSON'));
  }
  if (knownValid) return { offset, id: knownValid, raw, tx: parsed as BlockTx['tx'] };
  try {
    const r = checkTxStateless(parsed, { ...opts, byteLength: Buffer.byteLength(raw) });
    return { offset, id: r.id, raw, tx: r.tx };
  } catch (err) {
    return invalid(text, offset, err instanceof ChainError ? err : new ChainError('MALFORMED_TX', 'malformed transaction'));
  }
}

/**
 * Everything but the signature, with exactly the checks blockTxFromRecord applies: what the
 * worker pool is then asked to verify. Undefined for anything that would fail anyway.
 */
export function preparseRecord(text: string, opts: Opts): { id: string; signer: string; signature: string } | undefined {
  try {
    const rec = JSON.parse(text) as { t?: string; tx?: unknown };
    if (rec.t !== 'tx') return undefined;
    const raw = innerText(text) ?? text;
    const { tx, id } = parseTxStateless(rec.tx, { ...opts, byteLength: Buffer.byteLength(raw) });
    return { id, signer: tx.signer, signature: tx.signature };
  } catch {
    return undefined;
  }
}

const invalid = (text: string, offset: number, err: ChainError): BlockTx => ({ offset, id: sha256Hex(Buffer.from(text, 'utf8')), raw: text, invalid: err });
