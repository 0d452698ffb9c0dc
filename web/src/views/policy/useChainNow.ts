import { computed } from 'vue';
import * as chain from '../../api/chain/index.ts';
import { useLive } from '../../stores/live.ts';
import { useSession } from '../../stores/session.ts';

let seeding: Promise<unknown> | undefined;

/**
 * The latest block's time as this page knows it: windows and publication periods are judged
 * against block time, not this computer's clock. Staff may read the latest block at once; until a
 * block arrives on the stream (and always for an enterprise, which may not list blocks), the
 * local clock stands in, and the server's refusal is the last word.
 */
export function useChainNow() {
  const live = useLive();
  const session = useSession();
  if (!live.recent.length && !seeding && session.user && session.user.role !== 'enterprise') {
    seeding = chain
      .blocks({ limit: 1 })
      .then((p) => live.seedRecent(p.items))
      .catch(() => undefined)
      .finally(() => (seeding = undefined));
  }
  return computed(() => live.recent[0]?.time ?? Date.now());
}
