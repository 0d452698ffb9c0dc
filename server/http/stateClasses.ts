import { mayRead, stateKindOf, withholdPrivate, type StateRecordClasses } from '../chain/classification.ts';
import type { ReadBasis, Reader } from '../chain/readAccess.ts';
import { CHAIN_STATE_CLASSES } from '../chain/stateClasses.ts';
import { APPROVAL_STATE_CLASSES } from '../approval/records.ts';
import { PAYOUT_STATE_CLASSES } from '../policy-payout/records.ts';
import { PRIVACY_STATE_CLASSES } from '../privacy-query/stateKeys.ts';

/** Every kind of state record the contracts write, with the classes of its fields. */
export const STATE_CLASSES: readonly StateRecordClasses[] = [...CHAIN_STATE_CLASSES, ...APPROVAL_STATE_CLASSES, ...PAYOUT_STATE_CLASSES, ...PRIVACY_STATE_CLASSES];

const CREDIT_CODE = /(?:^|\/)([0-9A-Z]{18})(?:\/|$)/;

/** The enterprise a state record is about: its `code`, or a credit code in its key. */
function ownerOf(key: string, value: unknown): string | undefined {
  const code = typeof value === 'object' && value !== null ? (value as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : CREDIT_CODE.exec(key)?.[1];
}

export interface StateChange {
  key: string;
  old: unknown;
  new: unknown;
}

/**
 * The state a transaction changed, as a reader with `basis` for the transaction sees it. A
 * department with a basis (it signed, it is a party, an auditor's recorded look) sees the values;
 * an enterprise sees its own records' values, and of any other record only the public fields (a
 * payment run it is party to touches other enterprises' awards). Sealed envelopes stay envelopes.
 */
export function changesFor(u: Reader, basis: ReadBasis, changes: StateChange[]): StateChange[] {
  if (basis === 'none') return [];
  if (u.role !== 'enterprise') return changes;
  return changes.map((c) => {
    const mine = (v: unknown) => mayRead('party', { kind: 'enterprise', code: u.id }, { code: ownerOf(c.key, v), parties: [] });
    const show = (v: unknown) => (v === null || mine(v) ? v : withholdPrivate(STATE_CLASSES, c.key, v));
    return { key: c.key, old: show(c.old), new: show(c.new) };
  });
}

/** Whether every key a change list names has a classified kind (for tests and the audit trace). */
export const isClassifiedKey = (key: string): boolean => stateKindOf(STATE_CLASSES, key) !== undefined;
