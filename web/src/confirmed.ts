import { ElMessageBox } from 'element-plus';
import { i18n } from './i18n/index.ts';

/** Asks before an action that cannot be undone; true when the person confirmed with `button`. */
export async function confirmed(message: string, button: string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, button, { type: 'warning', confirmButtonText: button, cancelButtonText: i18n.global.t('common.cancel') });
    return true;
  } catch {
    return false;
  }
}
