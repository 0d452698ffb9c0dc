import * as approval from '../api/approval/index.ts';
import type { SubmitResult, Tx } from '../api/chain/types.ts';
import { KeyVaultError, openKey } from '../crypto/keyVault.ts';
import { newTx, signTx } from '../crypto/txSign.ts';
import { i18n } from '../i18n/index.ts';
import { useLive } from '../stores/live.ts';
import { useSession } from '../stores/session.ts';
import { useStoredKey } from './useStoredKey.ts';

/**
 * Signs a transaction with the enterprise key this browser holds (opened with the passphrase
 * for this one signature; the secret is not kept) and submits it. The server checks it against
 * state before ordering and answers once it is in a block. `sign` alone is for a transaction
 * that goes to another department's `POST /tx` (the payout pages send an application to the policy's department).
 */
export function useEnterpriseSigner() {
  const { key } = useStoredKey();
  const live = useLive();
  const session = useSession();

  async function sign(kind: string, payload: Record<string, unknown>, passphrase: string): Promise<Tx> {
    const k = key.value;
    if (!k) throw new KeyVaultError('NO_KEY', i18n.global.t('sign.noKey'));
    if (session.user?.publicKey && session.user.publicKey !== k.publicKey) throw new KeyVaultError('NO_KEY', i18n.global.t('sign.otherKey'));
    const secret = await openKey(k, passphrase);
    const chain = live.status?.chain ?? (await live.refreshStatus()).chain;
    return signTx(newTx({ chain, kind, payload, signer: k.publicKey }), secret).tx;
  }

  async function signAndSubmit(kind: string, payload: Record<string, unknown>, passphrase: string): Promise<SubmitResult & { records: string[] }> {
    const r = await approval.submitSigned(await sign(kind, payload, passphrase));
    return { id: r.id, receipt: r.receipt, records: r.records };
  }

  return { key, sign, signAndSubmit };
}
