import { ElMessageBox } from 'element-plus';
import { i18n } from './i18n/index.ts';

/**
 * Asks before a step that is hard to undo (removing a key, replacing one, a large budget):
 * true when the person confirms, false when they cancel or close the box, never a rejection.
 */
export function confirmed(message: string, title: string, opts: { confirmText?: string; confirmClass?: string } = {}): Promise<boolean> {
  const t = i18n.global.t;
  return ElMessageBox.confirm(message, title, {
    type: 'warning',
    confirmButtonText: opts.confirmText ?? t('common.confirm'),
    cancelButtonText: t('common.cancel'),
    ...(opts.confirmClass ? { confirmButtonClass: opts.confirmClass } : {}),
  }).then(
    () => true,
    () => false,
  );
}
