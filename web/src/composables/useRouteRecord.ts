import { computed, ref, shallowRef, watch, type Ref } from 'vue';
import { useRoute } from 'vue-router';

/**
 * The record a detail page is about, named by a route parameter (`/cases/:id`): loaded when the
 * page opens and again when the parameter changes (a link from one record to another reuses the
 * view). A failed load clears the old record, so a page never shows one record under another's id.
 */
export function useRouteRecord<T>(fetch: (key: string) => Promise<T>, param = 'id') {
  const route = useRoute();
  const key = computed(() => String(route.params[param]));
  const data = shallowRef<T>() as Ref<T | undefined>;
  const error = ref<unknown>();

  async function load() {
    error.value = undefined;
    try {
      data.value = await fetch(key.value);
    } catch (e) {
      data.value = undefined;
      error.value = e;
    }
  }
  watch(key, load, { immediate: true });
  return { key, data, error, load };
}
