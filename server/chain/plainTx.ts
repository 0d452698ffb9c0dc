import { LOWER_HEX, TX_BOUNDS, TX_KIND, type Tx } from './schema.ts';

const REQUIRED = ['chain', 'kind', 'payload', 'signer', 'nonce', 'time', 'signature'];

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * True when the Tx schema would accept the value and return an equal copy of it: the common
 * case (JSON.parse output with exactly the schema's fields), checked in a fraction of the
 * schema's time. False means "ask the schema", which accepts or names the problem; so the
 * schema stays the only definition of what is valid, and this may only ever say yes less often.
 */
export function isPlainTx(v: unknown): v is Tx {
  if (!isPlainObject(v)) return false;
  const n = Object.keys(v).length;
  if (n === 8) {
    if (typeof v.actor !== 'string' || v.actor.length < 1 || v.actor.length > TX_BOUNDS.actor) return false;
  } else if (n !== 7) return false;
  for (const k of REQUIRED) if (!Object.hasOwn(v, k)) return false;
  const { chain, kind, payload, signer, nonce, time, signature } = v;
  return (
    typeof chain === 'string' &&
    chain.length >= 1 &&
    chain.length <= TX_BOUNDS.chain &&
    typeof kind === 'string' &&
    kind.length <= TX_BOUNDS.kind &&
    TX_KIND.test(kind) &&
    // the schema copies a record's own keys but drops "__proto__"; such a payload takes the long way
    isPlainObject(payload) &&
    !Object.hasOwn(payload, '__proto__') &&
    typeof signer === 'string' &&
    signer.length <= TX_BOUNDS.signer &&
    LOWER_HEX.test(signer) &&
    isCount(nonce) &&
    isCount(time) &&
    typeof signature === 'string' &&
    signature.length <= TX_BOUNDS.signature &&
    LOWER_HEX.test(signature)
  );
}
