import { ref } from 'vue';
import { keyStore, type KeyBackup } from '../crypto/keyVault.ts';

/** The sealed enterprise key this browser keeps, as a ref the key pages share. */
const store = keyStore();
const key = ref<KeyBackup | null>(read());

function read(): KeyBackup | null {
  try {
    return store.load();
  } catch {
    return null; // unreadable entry: treat as absent; generating or importing replaces it
  }
}

export function useStoredKey() {
  return {
    key,
    save(b: KeyBackup) {
      store.save(b);
      key.value = b;
    },
    remove() {
      store.remove();
      key.value = null;
    },
  };
}
