import { computed, ref, shallowRef, watch, type Ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';

export interface PageParams {
  /** the `status` filter from the address, absent for "all" */
  status?: string;
  limit: number;
  offset: number;
}

/**
 * One page of a server-paged list, driven by the address (`?status=…&offset=…`), so the back
 * button, a reload and a shared link all show the same page. Loads again whenever either changes;
 * `go` and `toOffset` change the address, never the data directly.
 */
export function useRoutePage<T>(fetch: (q: PageParams) => Promise<T>, limit = 20) {
  const route = useRoute();
  const router = useRouter();
  const status = computed(() => (typeof route.query.status === 'string' ? route.query.status : ''));
  const offset = computed(() => Math.max(0, Number(route.query.offset) || 0));
  const data = shallowRef<T>() as Ref<T | undefined>;
  const error = ref<unknown>();
  const loading = ref(false);

  async function load() {
    error.value = undefined;
    loading.value = true;
    try {
      data.value = await fetch({ status: status.value || undefined, limit, offset: offset.value });
    } catch (e) {
      error.value = e;
    } finally {
      loading.value = false;
    }
  }
  watch([status, offset], load, { immediate: true });
  const go = (q: Record<string, string | undefined>) => router.push({ query: { ...route.query, ...q } });
  const toOffset = (o: number) => go({ offset: o ? String(o) : undefined });
  /** a new filter starts again at the first page */
  const toStatus = (s: unknown) => go({ status: (s as string) || undefined, offset: undefined });
  return { status, offset, limit, data, error, loading, load, go, toOffset, toStatus };
}
