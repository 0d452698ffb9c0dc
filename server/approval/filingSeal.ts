import { keys, type MemberRecord } from '../chain/identity.ts';
import type { Genesis } from '../chain/schema.ts';
import { encKid, seal, type SealOptions, type SealRecipient } from '../chain/sealing/envelope.ts';
import type { StateView } from '../chain/state.ts';
import { loadRules } from './rules.ts';
import type { FilingPersonal, FilingSubmit, Profile } from './schema.ts';

/**
 * Who receives a filing's personal part (legal representative, contacts): the window that
 * registers enterprises and the market regulator, which keeps their registration. A department
 * the enterprise later deals with gets it by a `seal.share` from one of them, naming its basis.
 */
export const FILING_SEAL_DEPTS: readonly string[] = ['market'];

/** The filing as the enterprise fills it in, before its personal part is sealed. */
export type FilingDraft = Omit<FilingSubmit, 'profile'> & { profile: Omit<Profile, 'personal'> & FilingPersonal };

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

/** Seals a draft's personal part to the recipients: what the enterprise signs. */
export async function sealFiling<D extends FilingDraft>(draft: D, to: SealRecipient[], o: SealOptions = {}): Promise<Omit<D, 'profile'> & { profile: Profile }> {
  const { legalRepresentative, contacts, ...rest } = draft.profile;
  const personal = await seal({ legalRepresentative, contacts } satisfies FilingPersonal, to, o);
  return { ...draft, profile: { ...rest, personal } };
}
