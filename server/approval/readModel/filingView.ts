import { isSealed, recipientDepts, type Sealed } from '../../chain/sealing/envelope.ts';
import { openSealed } from '../../chain/sealing/openSealed.ts';
import type { FilingRecord } from '../records.ts';
import type { FilingPersonal, Material, MaterialNames, Profile } from '../schema.ts';
import type { FilingView } from './openedTypes.ts';

export type { FilingView } from './openedTypes.ts';

/**
 * Opens the filing's personal part with this node's keys. Never throws: it runs inside the
 * block's database transaction, and an envelope that does not open (or does not match its
 * commitment) must not stop the node, only show as unreadable.
 */
export async function filingView(f: FilingRecord, keyring: ReadonlyMap<string, string>, shared?: Sealed): Promise<FilingView> {
  const { personal, ...profile } = f.profile as Profile & Partial<FilingPersonal>;
  if (!isSealed(personal)) return { ...f, profile: { ...profile, contacts: profile.contacts ?? [] } };
  // names a node cannot read are dropped, even from a filing made before they were sealed
  const nameless = f.materials.map(({ name: _n, ...m }: Material & { name?: string }) => m);
  const to = recipientDepts(personal);
  try {
    // A share counts only while it commits to the filing's current value: an amendment needs a new one.
    const opened = (await openSealed<FilingPersonal>(personal, keyring)) ?? (shared?.commit === personal.commit ? await openSealed<FilingPersonal>(shared, keyring) : undefined);
    if (opened) {
      const { materialNames, ...value } = opened.value;
      return { ...f, profile: { ...profile, ...value }, materials: withMaterialNames(nameless, materialNames), sealed: { to, readable: true } };
    }
  } catch (e) {
    return { ...f, profile: { ...profile, contacts: [] }, materials: nameless, sealed: { to, readable: false, problem: (e as { code?: string }).code ?? 'SEAL_UNREADABLE' } };
  }
  return { ...f, profile: { ...profile, contacts: [] }, materials: nameless, sealed: { to, readable: false } };
}

/** Puts opened names back beside the public fields; a material whose name this node cannot read has none. */
export const withMaterialNames = <M extends { hash: string }>(list: readonly M[], names: MaterialNames | undefined): (M & { name?: string })[] =>
  list.map((m) => (names?.[m.hash] !== undefined ? { ...m, name: names[m.hash] } : m));
