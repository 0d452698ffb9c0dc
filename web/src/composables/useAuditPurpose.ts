import { ElMessageBox } from 'element-plus';
import { ref } from 'vue';
import { i18n } from '../i18n/index.ts';

const KEY = 'tongban.auditPurpose';
/** The last purpose given in this browser session: shared by every page, kept across reloads of the tab. */
const last = ref<string | undefined>(sessionStorage.getItem(KEY) ?? undefined);

/**
 * An auditor's purpose (查阅目的) for looking at others' records. The server records every look
 * with it on the chain; the portal asks once in a small dialog and offers the last one again.
 */
let asking: Promise<string | undefined> | undefined;
/** One dialog at a time: a page whose reads all need a purpose asks once. */
const ask = (): Promise<string | undefined> => (asking ??= prompt().finally(() => (asking = undefined)));

async function prompt(): Promise<string | undefined> {
  const t = i18n.global.t;
  try {
    const { value } = await ElMessageBox.prompt(t('acc.purposeAsk'), t('acc.purposeTitle'), {
      inputValue: last.value ?? '',
      inputValidator: (v: string) => (v.trim().length >= 4 && v.trim().length <= 200) || t('acc.purposeInvalid'),
      confirmButtonText: t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      customClass: 'purpose-dialog',
    });
    last.value = value.trim();
    sessionStorage.setItem(KEY, last.value);
    return last.value;
  } catch {
    return undefined; // dismissed
  }
}

/** The purpose to send: the last one, or asked for now. */
const ensure = async () => last.value ?? (await ask());

/** A purpose belongs to one sign-in: the next person to sign in states their own. */
export function forgetAuditPurpose(): void {
  last.value = undefined;
  sessionStorage.removeItem(KEY);
}

/** For the request client: an auditor's reads carry the last purpose, and a refused read asks for one. */
export const auditPurposes = { current: () => last.value, ask };

export function useAuditPurpose() {
  return { purpose: last, ask, ensure };
}
