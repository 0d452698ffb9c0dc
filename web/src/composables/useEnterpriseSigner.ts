import * as approval from '../api/approval/index.ts';
import type { SubmitResult } from '../api/chain/types.ts';
import { KeyVaultError, openKey } from '../crypto/keyVault.ts';
import { newTx, signTx } from '../crypto/txSign.ts';
import { i18n } from '../i18n/index.ts';
import { useLive } from '../stores/live.ts';
import { useSession } from '../stores/session.ts';
import { useStoredKey } from './useStoredKey.ts';

/**
 * Signs a transaction with the enterprise key this browser holds (opened with the passphrase
 * for this one signature; the secret is not kept) and submits it. The server checks it against
 * state before ordering and answers once it is in a block.
 */
export function useEnterpriseSigner() {
  const { key } = useStoredKey();
  const live = useLive();
  const session = useSession();

  async function signAndSubmit(kind: string, payload: Record<string, unknown>, passphrase: string): Promise<SubmitResult & { records: string[] }> {
    const k = key.value;
    if (!k) throw new KeyVaultError('NO_KEY', i18n.global.t('sign.noKey'));
    if (session.user?.publicKey && session.user.publicKey !== k.publicKey) throw new KeyVaultError('NO_KEY', i18n.global.t('sign.otherKey'));
    const secret = await openKey(k, passphrase);
    const chain = live.status?.chain ?? (await live.refreshStatus()).chain;
    const { tx } = signTx(newTx({ chain, kind, payload, signer: k.publicKey }), secret);
    const r = await approval.submitSigned(tx);
    return { id: r.id, receipt: r.receipt, records: r.records };
  }

  return { key, signAndSubmit };
}
