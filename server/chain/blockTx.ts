import { ChainError } from './errors.ts';
import type { BlockTx } from './execute.ts';
import { sha256Hex } from './hash.ts';
import type { CryptoSuite } from './suites/suite.ts';
import { badSignature, parseTxStateless, txSigningMessage, txSigningText } from './tx.ts';
import type { VerifyItem } from './verifyPool.ts';

export const TX_PREFIX = '{"t":"tx","tx":';

type Opts = { chain: string; suite: CryptoSuite; maxTxBytes: number };

/** The transaction text inside a canonical log record `{"t":"tx","tx":<tx>}`, else undefined. */
export function innerText(text: string): string | undefined {
  return text.startsWith(TX_PREFIX) && text.endsWith('}') ? text.slice(TX_PREFIX.length, -1) : undefined;
}

/** JSON.parse, or NOT_JSON when the text is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

export const NOT_JSON: unique symbol = Symbol('not JSON');

/**
 * A log record after every stateless check but the signature. `signed` is present when the
 * signature is still to be checked (settleSignature then completes it); without it the record
 * is settled: known valid, or rejected.
 */
export interface RecordCheck {
  item: BlockTx;
  signed?: { signer: string; signature: string };
}

/**
 * The node and the verifier both go through here (through blockTxFromRecord or its two halves).
 * A record that fails is identified by the hash of its bytes (never by the id it claims), so a
 * broken copy logged first can't shadow the genuine transaction; it is stored whole, so the
 * verifier can recompute that hash.
 *
 * @param json the record's text already parsed (parseJson), so it is parsed once
 * @param knownValid the id, when this process has fully checked these exact bytes before
 */
export function checkRecord(text: string, offset: number, json: unknown, opts: Opts, knownValid?: string): RecordCheck {
  const raw = innerText(text) ?? text;
  if (json === NOT_JSON || json === null) return { item: invalid(text, offset, new ChainError('MALFORMED_TX', 'log record is not JSON')) };
  const parsed = (json as { tx?: unknown }).tx;
  if (knownValid) return { item: { offset, id: knownValid, raw, tx: parsed as BlockTx['tx'] } };
  try {
    const { tx, id } = parseTxStateless(parsed, { ...opts, byteLength: Buffer.byteLength(raw) });
    return { item: { offset, id, raw, tx }, signed: { signer: tx.signer, signature: tx.signature } };
  } catch (err) {
    return { item: invalid(text, offset, err instanceof ChainError ? err : new ChainError('MALFORMED_TX', 'malformed transaction')) };
  }
}

/** What the worker pool is asked to verify for a record whose signature is still to be checked. */
export const signatureToVerify = ({ item, signed }: RecordCheck): VerifyItem => ({ signer: signed!.signer, message: txSigningText(item.id), signature: signed!.signature });

/** The block transaction once the signature's verdict is known (computed here when not given). */
export function settleSignature(check: RecordCheck, text: string, opts: Opts, ok?: boolean): BlockTx {
  const { item, signed } = check;
  if (!signed) return item;
  if (ok === undefined) {
    try {
      ok = opts.suite.verify(signed.signer, txSigningMessage(item.id), signed.signature);
    } catch {
      return invalid(text, item.offset, new ChainError('MALFORMED_TX', 'malformed transaction'));
    }
  }
  return ok ? item : invalid(text, item.offset, badSignature());
}

/** A log record as a block transaction, after every stateless check. */
export function blockTxFromRecord(text: string, offset: number, opts: Opts, knownValid?: string): BlockTx {
  return settleSignature(checkRecord(text, offset, parseJson(text), opts, knownValid), text, opts);
}

const invalid = (text: string, offset: number, err: ChainError): BlockTx => ({ offset, id: sha256Hex(Buffer.from(text, 'utf8')), raw: text, invalid: err });
