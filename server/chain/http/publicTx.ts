import { withinLedgerDepth } from '../canonical.ts';
import type { TxRow } from '../store/chainStore.ts';

/** A committed transaction as the API shows it to a reader with a basis. */
export const publicTx = (t: TxRow) => ({
  id: t.id,
  height: t.height,
  index: t.index,
  offset: t.offset,
  kind: t.kind,
  signer: t.signer,
  actor: t.actor,
  status: t.status,
  code: t.code,
  reason: t.reason,
  events: t.events,
  tx: safeParse(t.raw),
});

/** The record as JSON, or its text when it is not JSON or nests too deep to serialise again (a forged record in the log). */
const safeParse = (raw: string) => {
  try {
    const v = JSON.parse(raw);
    return withinLedgerDepth(v) ? v : raw;
  } catch {
    return raw;
  }
};
