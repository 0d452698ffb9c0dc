import { shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import * as approval from '../api/approval/index.ts';
import type { ProcessDef } from '../api/approval/types.ts';

const defs = shallowRef<ProcessDef[]>();
let loading: Promise<void> | undefined;

/**
 * Process and stage names in the reader's language. Records carry the Chinese name they were
 * filed under; the process definitions (asked for once per page load) carry the English one.
 */
export function useProcessNames() {
  const { locale } = useI18n();
  loading ??= approval.processes().then(
    (r) => void (defs.value = r.items),
    () => void (loading = undefined),
  );
  const def = (id: string) => defs.value?.find((p) => p.id === id);
  const processName = (id: string, fallback: string) => (locale.value === 'en' ? (def(id)?.nameEn ?? fallback) : fallback);
  const stageName = (process: string, stage: string, fallback: string) =>
    locale.value === 'en' ? (def(process)?.phases.flatMap((p) => p.stages).find((s) => s.id === stage)?.nameEn ?? fallback) : fallback;
  return { processName, stageName, processes: defs };
}
