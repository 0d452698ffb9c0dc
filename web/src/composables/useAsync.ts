import { ref } from 'vue';

/**
 * A page's step that waits on the server (loading a list, opening materials, fetching a
 * dossier): `busy` while it runs, `error` for <ErrorAlert> when it fails. `run` never throws,
 * so a view never goes on with a half-done step; a new run clears the last error.
 */
export function useAsync<A extends unknown[]>(step: (...args: A) => Promise<unknown>) {
  const busy = ref(false);
  const error = ref<unknown>();

  async function run(...args: A): Promise<void> {
    error.value = undefined;
    busy.value = true;
    try {
      await step(...args);
    } catch (e) {
      error.value = e;
    } finally {
      busy.value = false;
    }
  }

  return { run, busy, error };
}
