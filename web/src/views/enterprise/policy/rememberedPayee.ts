/**
 * The payee account an enterprise last applied with, kept in its own browser so that the next
 * application starts filled in. Only the enterprise's device holds it: on the chain the account is
 * sealed to the policy's department and finance, which the enterprise itself cannot open again.
 */
export interface RememberedPayee {
  account: string;
  bankName: string;
  bankCode: string;
}

const keyOf = (code: string) => `tongban-payee/${code}`;

export function rememberedPayee(code: string): RememberedPayee | undefined {
  try {
    const v = JSON.parse(localStorage.getItem(keyOf(code)) ?? 'null') as Partial<RememberedPayee> | null;
    return v && typeof v.account === 'string' && typeof v.bankName === 'string' && typeof v.bankCode === 'string' ? { account: v.account, bankName: v.bankName, bankCode: v.bankCode } : undefined;
  } catch {
    return undefined;
  }
}

export function rememberPayee(code: string, p: RememberedPayee): void {
  localStorage.setItem(keyOf(code), JSON.stringify(p));
}

export function forgetPayee(code: string): void {
  localStorage.removeItem(keyOf(code));
}
