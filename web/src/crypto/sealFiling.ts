import { seal, type SealRecipient } from '@shared/sealing.ts';

/**
 * Seals the filing's personal part (legal representative, contacts) in this browser, before the
 * enterprise signs: the node receiving the filing, and every other node, gets ciphertext that
 * only the departments named by GET /approval/filing/sealing can open (server/approval/filingSeal.ts).
 */
export async function sealProfile<P extends { legalRepresentative: string; contacts: unknown[] }>(profile: P, to: SealRecipient[]) {
  const { legalRepresentative, contacts, ...rest } = profile;
  return { ...rest, personal: await seal({ legalRepresentative, contacts }, to) };
}

export type { SealRecipient };
