import { canonicalJson } from '../chain/canonical.ts';
import { ChainError, isChainError, reject } from '../chain/errors.ts';
import { sha256Hex } from '../chain/hash.ts';
import type { ClientRecord } from '../chain/identity.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import type { Tx } from '../chain/schema.ts';
import type { TxRow } from '../chain/store/chainStore.ts';
import { findRef, releaseRef, reserveRef, type RefRow } from './refStore.ts';

/** How long a submission waits for the first one with its reference before answering REF_PENDING. */
const SETTLE_MS = 15_000;
/** After this, a reference whose transaction is not committed is ordered again (its first request may have died). */
const RESEND_AFTER_MS = 5_000;

/** What a reference binds: the kind and payload asked for. A retry signed afresh (new nonce and time) is the same request. */
export const bodyHashOf = (tx: Pick<Tx, 'kind' | 'payload'>): string => sha256Hex(canonicalJson({ kind: tx.kind, payload: tx.payload }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Submits a client's transaction at most once per reference: the first submission with a
 * reference orders its transaction; any later one with the same kind and payload gets that
 * transaction's receipt, and one with a different body 409 IDEMPOTENCY_CONFLICT. A reference
 * whose transaction the door refused (a 4xx, nothing ordered) is freed again, so nothing is
 * written for bad input. Returns the receipt row, rejected or not.
 */
export async function submitOnce(node: ModulePort, c: ClientRecord, ref: string, tx: Tx, id: string): Promise<TxRow> {
  const bodyHash = bodyHashOf(tx);
  for (let attempt = 0; attempt < 3; attempt++) {
    const held = await reserveRef(node.db, { client: c.id, ref, bodyHash, txId: id, raw: canonicalJson(tx), createdAt: Date.now() });
    if (held.bodyHash !== bodyHash) {
      reject('IDEMPOTENCY_CONFLICT', `reference ${ref} was already used for a different kind or payload (transaction ${held.txId}); use a new reference`, 409, { tx: held.txId });
    }
    if (held.txId === id) return first(node, c, ref, tx, id);
    const row = await settle(node, held);
    if (row) return row;
  }
  return reject('REF_PENDING', `the first submission with reference ${ref} is still being ordered; ask again`, 409);
}

async function first(node: ModulePort, c: ClientRecord, ref: string, tx: Tx, id: string): Promise<TxRow> {
  const done = await node.tx(id);
  if (done) return done;
  try {
    return await node.submitChecked(tx);
  } catch (e) {
    // a rejection in its block: the transaction exists, and the reference keeps it
    if (isChainError(e) && e.data?.tx === id) return (await node.tx(id)) ?? Promise.reject(e);
    const committed = await node.tx(id);
    if (committed) return committed; // the same transaction sent twice at once: the other one ordered it
    if (isChainError(e) && e.status < 500) await releaseRef(node.db, c.id, ref, id);
    throw e;
  }
}

/**
 * The receipt of the first transaction with this reference, once committed; undefined when that
 * one was refused at the door (its reference freed) or can no longer be committed.
 */
async function settle(node: ModulePort, held: RefRow): Promise<TxRow | undefined> {
  const deadline = Date.now() + SETTLE_MS;
  const ttl = node.genesis.limits.txTtlMs;
  let resent = false;
  while (Date.now() < deadline) {
    const row = await node.tx(held.txId);
    if (row) return row;
    const now = (await findRef(node.db, held.client, held.ref))?.txId;
    if (now !== held.txId) return undefined;
    const age = Date.now() - held.createdAt;
    if (age > ttl * 2) {
      // never ordered (its request died before) and now too old to be: the reference is free
      await releaseRef(node.db, held.client, held.ref, held.txId);
      return undefined;
    }
    if (!resent && age > RESEND_AFTER_MS) {
      resent = true;
      // the very same signed transaction: if it was ordered already, the duplicate is receipted once
      await node.submit(JSON.parse(held.raw) as Tx).catch((e) => node.log.debug({ err: e, tx: held.txId }, 'reference resend refused'));
    }
    await node.waitFor(held.txId, 'receipt', 250).catch((e) => (isChainError(e) && e.code === 'TIMEOUT' ? undefined : sleep(250)));
  }
  throw new ChainError('REF_PENDING', `the first submission with reference ${held.ref} is still being ordered; ask again`, { status: 409, data: { tx: held.txId } });
}
