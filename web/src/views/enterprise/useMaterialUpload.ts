import { ref, type Ref } from 'vue';
import { fileSize } from '../../format.ts';
import { i18n } from '../../i18n/index.ts';
import { MATERIAL_TYPES, MAX_MATERIAL_BYTES } from './filingOptions.ts';

/** What the node answers for a stored material: the hash the signed filing or application names. */
export interface StoredMaterial {
  hash: string;
  size: number;
  type: string;
}

export type MaterialType = (typeof MATERIAL_TYPES)[string];

/**
 * A list of material files for a filing or an application (`v-model` of the component), filled
 * one upload at a time: each file is checked here first with the server's limits (PDF, PNG,
 * JPEG; 5 MB; not empty; `full` for a limit of the list's own), sent with its progress, and
 * added as `entry` makes it unless the list already holds the same file. `upload` is for
 * el-upload's before-upload, which must not send the file again.
 */
export function useMaterialUpload<S extends StoredMaterial, T extends { hash: string }>(
  list: Ref<T[]>,
  o: {
    send: (file: File, onProgress: (fraction: number) => void) => Promise<S>;
    entry: (stored: S, type: MaterialType, file: File) => T;
    full?: () => string | undefined;
  },
) {
  const t = i18n.global.t;
  const progress = ref<number | null>(null);
  const error = ref<unknown>();

  async function upload(file: File): Promise<false> {
    error.value = undefined;
    const type = MATERIAL_TYPES[file.type];
    const tooMany = o.full?.();
    if (!type) error.value = new Error(t('ap.filing.badType', { type: file.type || '?' }));
    else if (file.size > MAX_MATERIAL_BYTES) error.value = new Error(t('ap.filing.tooLarge', { size: fileSize(file.size) }));
    else if (file.size === 0) error.value = new Error(t('ap.filing.empty'));
    else if (tooMany) error.value = new Error(tooMany);
    if (error.value || !type) return false;
    progress.value = 0;
    try {
      const stored = await o.send(file, (f) => (progress.value = Math.round(f * 100)));
      if (list.value.some((m) => m.hash === stored.hash)) error.value = new Error(t('ap.filing.duplicate'));
      else list.value = [...list.value, o.entry(stored, type, file)];
    } catch (e) {
      error.value = e;
    } finally {
      progress.value = null;
    }
    return false;
  }
  const remove = (hash: string) => (list.value = list.value.filter((m) => m.hash !== hash));

  return { upload, remove, progress, error };
}
