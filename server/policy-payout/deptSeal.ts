import { reject } from '../chain/errors.ts';
import { keys, type MemberRecord } from '../chain/identity.ts';
import { deptOfKid, encKid, isSealed, recipientDepts, type Sealed, type SealRecipient } from '../chain/sealing/envelope.ts';
import { openSealed } from '../chain/sealing/openSealed.ts';
import type { StateView } from '../chain/state.ts';
import type { SealedMark } from './records.ts';

/** The current encryption keys of the departments named, read from state so every node agrees. */
export async function deptSealRecipients(state: StateView, depts: string[]): Promise<SealRecipient[]> {
  const out: SealRecipient[] = [];
  for (const d of [...new Set(depts)].sort()) {
    const m = await state.get<MemberRecord>(keys.member(d));
    if (m?.active && m.encKey) out.push({ kid: encKid(d, m.encKey), encKey: m.encKey });
  }
  return out;
}

/**
 * An envelope must be sealed to every department named, by its current key, to member
 * departments only, and to none twice. Contract code: recipients and key ids, never the plaintext.
 */
export async function checkSealedTo(state: StateView, s: Sealed, depts: string[], what: string, hint: string): Promise<void> {
  const kids = s.jwe.recipients.map((r) => r.header.kid);
  if (new Set(kids).size !== kids.length) reject('SEAL_RECIPIENTS', `${what} names one recipient twice`);
  const missing = (await deptSealRecipients(state, depts)).filter((r) => !kids.includes(r.kid)).map((r) => r.kid);
  if (missing.length) reject('SEAL_RECIPIENTS', `${what} must be sealed to ${missing.join(', ')} (${hint})`);
  for (const kid of kids) {
    const m = await state.get<MemberRecord>(keys.member(deptOfKid(kid)));
    if (!m?.active || !m.encKey || kid !== encKid(m.dept, m.encKey)) reject('SEAL_RECIPIENTS', `${kid} is not a member department's current encryption key`);
  }
}

/**
 * Opens an envelope for a read model: the value, or who it is sealed to. Never throws: it runs
 * inside the block's database transaction, and an envelope that does not open must not stop the node.
 */
export async function openForView<T>(s: Sealed | T, keyring: ReadonlyMap<string, string>): Promise<{ value: T } | { sealed: SealedMark }> {
  if (!isSealed(s)) return { value: s as T };
  const to = recipientDepts(s);
  try {
    const opened = await openSealed<T>(s, keyring);
    if (opened) return { value: opened.value };
  } catch (e) {
    return { sealed: { to, readable: false, problem: (e as { code?: string }).code ?? 'SEAL_UNREADABLE' } };
  }
  return { sealed: { to, readable: false } };
}
