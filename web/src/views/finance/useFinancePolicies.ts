import { onMounted, ref, type Ref } from 'vue';
import * as finance from '../../api/payout/finance.ts';
import type { PolicyRow } from '../../api/payout/financeTypes.ts';

/**
 * The policies the finance pages filter by and name rows with, fetched once when the page opens
 * (the latest 200). A failure lands in the page's own error, beside its list's.
 */
export function useFinancePolicies(error: Ref<unknown>) {
  const policies = ref<PolicyRow[]>([]);
  onMounted(async () => {
    try {
      policies.value = (await finance.policies({ limit: 200 })).items;
    } catch (e) {
      error.value = e;
    }
  });
  const titleOf = (id: string) => policies.value.find((p) => p.id === id)?.title ?? id;
  return { policies, titleOf };
}
