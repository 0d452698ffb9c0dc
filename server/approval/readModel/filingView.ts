import { isSealed, openSealed, recipientDepts, type Sealed } from '../../chain/sealing/envelope.ts';
import type { FilingRecord } from '../records.ts';
import type { FilingPersonal, Profile } from '../schema.ts';

/**
 * A filing as this node's read model keeps it. State and the ledger hold the personal part only
 * sealed; a node whose department is a recipient stores it opened here, any other node stores
 * no trace of it beyond who it is sealed to. `readable` tells the portal which it is.
 */
export type FilingView = Omit<FilingRecord, 'profile'> & {
  profile: Omit<Profile, 'personal'> & { legalRepresentative?: string; contacts: FilingPersonal['contacts'] };
  sealed?: { to: string[]; readable: boolean; problem?: string };
};

/**
 * Opens the filing's personal part with this node's keys. Never throws: it runs inside the
 * block's database transaction, and an envelope that does not open (or does not match its
 * commitment) must not stop the node, only show as unreadable.
 */
export async function filingView(f: FilingRecord, keyring: ReadonlyMap<string, string>, shared?: Sealed): Promise<FilingView> {
  const { personal, ...profile } = f.profile as Profile & Partial<FilingPersonal>;
  if (!isSealed(personal)) return { ...f, profile: { ...profile, contacts: profile.contacts ?? [] } };
  const to = recipientDepts(personal);
  try {
    // A share counts only while it commits to the filing's current value: an amendment needs a new one.
    const opened = (await openSealed<FilingPersonal>(personal, keyring)) ?? (shared?.commit === personal.commit ? await openSealed<FilingPersonal>(shared, keyring) : undefined);
    if (opened) return { ...f, profile: { ...profile, ...opened.value }, sealed: { to, readable: true } };
  } catch (e) {
    return { ...f, profile: { ...profile, contacts: [] }, sealed: { to, readable: false, problem: (e as { code?: string }).code ?? 'SEAL_UNREADABLE' } };
  }
  return { ...f, profile: { ...profile, contacts: [] }, sealed: { to, readable: false } };
}
