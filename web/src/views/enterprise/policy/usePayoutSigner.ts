import * as payout from '../../../api/payout/policy.ts';
import type { SignedPayoutResult } from '../../../api/payout/policyTypes.ts';
import { KeyVaultError, openKey } from '../../../crypto/keyVault.ts';
import { newTx, signTx } from '../../../crypto/txSign.ts';
import { i18n } from '../../../i18n/index.ts';
import { useLive } from '../../../stores/live.ts';
import { useSession } from '../../../stores/session.ts';
import { useStoredKey } from '../../../composables/useStoredKey.ts';

/**
 * Signs a payout transaction (apply, object) with the enterprise key this browser holds and sends
 * it to `POST /payout/tx` of the department that must receive it: an application goes to the
 * node of the policy's department, which keeps its attachments. The passphrase opens the key for
 * this one signature only, as for every other enterprise submission.
 */
export function usePayoutSigner() {
  const { key } = useStoredKey();
  const live = useLive();
  const session = useSession();

  async function signAndSubmit(kind: 'payout.apply' | 'payout.object', payload: Record<string, unknown>, passphrase: string, dept?: string): Promise<SignedPayoutResult> {
    const k = key.value;
    if (!k) throw new KeyVaultError('NO_KEY', i18n.global.t('sign.noKey'));
    if (session.user?.publicKey && session.user.publicKey !== k.publicKey) throw new KeyVaultError('NO_KEY', i18n.global.t('sign.otherKey'));
    const secret = await openKey(k, passphrase);
    const chain = live.status?.chain ?? (await live.refreshStatus()).chain;
    const { tx } = signTx(newTx({ chain, kind, payload, signer: k.publicKey }), secret);
    return payout.submitSigned(tx, dept);
  }

  return { key, signAndSubmit };
}
