import { keys, type MemberRecord } from '../chain/identity.ts';
import type { Genesis } from '../chain/schema.ts';
import { encKid, seal, type SealOptions, type SealRecipient } from '../chain/sealing/envelope.ts';
import type { StateView } from '../chain/state.ts';
import { loadRules } from './rules.ts';
import type { FilingPersonal, FilingSubmit, Material, MaterialDraft, MaterialNames, Profile } from './schema.ts';

/**
 * Who receives a filing's sealed part (legal representative, contacts, headcount, material
 * names): the window that registers enterprises and the market regulator, which keeps their
 * registration. A department the enterprise later deals with gets it by a `seal.share` from one
 * of them, naming its basis.
 */
export const FILING_SEAL_DEPTS: readonly string[] = ['market'];

/**
 * The filing as the enterprise fills it in, before its sealed part is sealed: the profile with its
 * legal representative, contacts and headcount, the materials with their file names.
 */
export type FilingDraft = Omit<FilingSubmit, 'profile' | 'materials'> & {
  profile: Omit<Profile, 'personal'> & Omit<FilingPersonal, 'materialNames' | 'employees'> & { employees: number };
  materials: MaterialDraft[];
};

/**
 * The recipients a filing must be sealed to, read from state: the registration departments and
 * FILING_SEAL_DEPTS that are active members with an encryption key, each by its current key.
 */
export async function filingSealRecipients(state: StateView, genesis: Genesis): Promise<SealRecipient[]> {
  const rules = await loadRules(state, genesis);
  const out: SealRecipient[] = [];
  for (const d of [...new Set([...rules.registrationDepts, ...FILING_SEAL_DEPTS])].sort()) {
    const m = await state.get<MemberRecord>(keys.member(d));
    if (m?.active && m.encKey) out.push({ kid: encKid(d, m.encKey), encKey: m.encKey });
  }
  return out;
}

/** Seals a draft's sealed part to the recipients, the material names with it: what the enterprise signs. */
export async function sealFiling<D extends FilingDraft>(draft: D, to: SealRecipient[], o: SealOptions = {}): Promise<Omit<D, 'profile' | 'materials'> & { profile: Profile; materials: Material[] }> {
  const { legalRepresentative, contacts, employees, ...rest } = draft.profile;
  const { materials, materialNames } = splitMaterialNames(draft.materials);
  const personal = await seal({ legalRepresentative, contacts, employees, materialNames } satisfies FilingPersonal, to, o);
  return { ...draft, profile: { ...rest, personal }, materials };
}

/** Materials as the ledger lists them (no names), and their names by hash for the envelope. */
export function splitMaterialNames(list: readonly MaterialDraft[]): { materials: Material[]; materialNames: MaterialNames } {
  return {
    materials: list.map(({ name: _name, ...m }) => m),
    materialNames: Object.fromEntries(list.map((m) => [m.hash, m.name])),
  };
}
