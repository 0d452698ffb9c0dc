import { ref } from 'vue';
import * as finance from '../../api/payout/finance.ts';
import { saveBlob } from './files.ts';

/** Fetches a file the server makes (pain.001, the reconciliation CSV) and hands it to the browser's download; a refusal lands in `error`. */
export function useDownload() {
  const busy = ref(false);
  const error = ref<unknown>();
  async function download(path: string) {
    error.value = undefined;
    busy.value = true;
    try {
      const f = await finance.fetchFile(path);
      saveBlob(f.blob, f.name);
    } catch (e) {
      error.value = e;
    } finally {
      busy.value = false;
    }
  }
  return { download, busy, error };
}
