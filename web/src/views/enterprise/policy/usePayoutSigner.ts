import * as payout from '../../../api/payout/policy.ts';
import type { SignedPayoutResult } from '../../../api/payout/policyTypes.ts';
import { useEnterpriseSigner } from '../../../composables/useEnterpriseSigner.ts';

/**
 * Signs a payout transaction (apply, object) with the enterprise key this browser holds and sends
 * it to `POST /tx` of the department that must receive it: an application goes to the
 * node of the policy's department, which keeps its attachments. The passphrase opens the key for
 * this one signature only, as for every other enterprise submission.
 */
export function usePayoutSigner() {
  const { key, sign } = useEnterpriseSigner();
  const signAndSubmit = async (kind: 'payout.apply' | 'payout.object', payload: Record<string, unknown>, passphrase: string, dept?: string): Promise<SignedPayoutResult> =>
    payout.submitSigned(await sign(kind, payload, passphrase), dept);
  return { key, signAndSubmit };
}
