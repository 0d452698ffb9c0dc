import { ElMessageBox } from 'element-plus';
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';

const KEY = 'tongban.auditPurpose';
/** The last purpose given in this browser session: shared by every page, kept across reloads of the tab. */
const last = ref<string | undefined>(sessionStorage.getItem(KEY) ?? undefined);

/**
 * An auditor's purpose (查阅目的) for looking at others' records. The server records every look
 * with it on the chain; the portal asks once in a small dialog and offers the last one again.
 */
export function useAuditPurpose() {
  const { t } = useI18n();

  async function ask(): Promise<string | undefined> {
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

  return { purpose: last, ask, ensure };
}
