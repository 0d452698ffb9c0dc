import { seal, type SealRecipient } from '@shared/sealing.ts';

interface Draft {
  profile: { legalRepresentative: string; contacts: unknown[]; employees: number };
  materials: { hash: string; name?: string }[];
}

/**
 * Seals the filing's sealed part in this browser, before the enterprise signs: the legal
 * representative, the contacts, the headcount and the materials' file names go in one envelope
 * that only the departments named by GET /approval/filing/sealing can open
 * (server/approval/filingSeal.ts); every node, and the ledger, gets ciphertext. A material's hash,
 * type, size and category stay public.
 */
export async function sealFiling<D extends Draft>(draft: D, to: SealRecipient[]) {
  const { legalRepresentative, contacts, employees, ...profile } = draft.profile;
  const materialNames = Object.fromEntries(draft.materials.flatMap((m) => (m.name ? [[m.hash, m.name]] : [])));
  const materials = draft.materials.map(({ name: _name, ...m }) => m);
  return { ...draft, profile: { ...profile, personal: await seal({ legalRepresentative, contacts, employees, materialNames }, to) }, materials };
}

export type { SealRecipient };
