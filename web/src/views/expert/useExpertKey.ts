import { computed, ref } from 'vue';
import { expertKeyStore, type ExpertKeyBackup } from '../../crypto/expertKey.ts';
import { useSession } from '../../stores/session.ts';

const store = expertKeyStore();
// Bumped on every change, so each page showing the key reads the stored entry again.
const version = ref(0);

/** The signed-in expert's sealed decryption key in this browser (each expert has an entry of its own). */
export function useExpertKey() {
  const session = useSession();
  const key = computed<ExpertKeyBackup | null>(() => {
    void version.value;
    const u = session.user;
    return u ? store.load(u.dept, u.id) : null;
  });
  return {
    key,
    save(b: ExpertKeyBackup) {
      store.save(b);
      version.value++;
    },
    remove() {
      const u = session.user;
      if (u) store.remove(u.dept, u.id);
      version.value++;
    },
  };
}
