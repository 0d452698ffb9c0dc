import { computed, shallowRef, watch, type Ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { useAsync } from './useAsync.ts';

export interface PageParams {
  /** the `status` filter from the address, absent for "all" */
  status?: string;
  limit: number;
  offset: number;
  /** every other filter in the address (`?policy=…&open=true`), as strings */
  query: Record<string, string>;
}

/**
 * One page of a server-paged list, driven by the address (`?status=…&offset=…&<filter>=…`), so
 * the back button, a reload and a shared link all show the same page. Loads again whenever the
 * address's query changes while this page is open; `go`, `toOffset`, `toStatus` and `setFilter`
 * change the address, never the data directly.
 */
export function useRoutePage<T>(fetch: (q: PageParams) => Promise<T>, limit = 20) {
  const route = useRoute();
  const router = useRouter();
  const status = computed(() => (typeof route.query.status === 'string' ? route.query.status : ''));
  const offset = computed(() => Math.max(0, Number(route.query.offset) || 0));
  const query = computed(() => {
    const q: Record<string, string> = {};
    for (const [k, v] of Object.entries(route.query)) if (k !== 'offset' && k !== 'status' && typeof v === 'string' && v) q[k] = v;
    return q;
  });
  // Leaving the page changes the address before the page is gone: that is not a new filter.
  const page = route.name;
  const data = shallowRef<T>() as Ref<T | undefined>;
  const { run: load, busy: loading, error } = useAsync(async () => {
    data.value = await fetch({ status: status.value || undefined, limit, offset: offset.value, query: query.value });
  });
  watch(() => JSON.stringify(route.query), () => route.name === page && load(), { immediate: true });
  const go = (q: Record<string, string | undefined>) => router.push({ query: { ...route.query, ...q } });
  const toOffset = (o: number) => go({ offset: o ? String(o) : undefined });
  /** a new filter starts again at the first page */
  const toStatus = (s: unknown) => go({ status: (s as string) || undefined, offset: undefined });
  const setFilter = (q: Record<string, string | undefined>) => go({ offset: undefined, ...q });
  return { status, offset, query, limit, data, error, loading, load, go, toOffset, toStatus, setFilter };
}
