import { isSealed, recipientDepts, type Sealed } from '../../chain/sealing/envelope.ts';
import { openSealed } from '../../chain/sealing/openSealed.ts';
import type { SealedMarker } from './openedTypes.ts';

export { isSealedMarker, type Opened, type SealedMarker } from './openedTypes.ts';


/**
 * A state record as this node's read model keeps it: every envelope inside opened with the
 * node's keys where it is a recipient, else replaced by a marker naming the recipients, so only
 * a recipient's database ever holds the plaintext (state keeps the envelope on every node).
 * Never throws: it runs inside the block's database transaction, and an envelope that does not
 * open (or does not match its commitment) must not stop the node, only show as unreadable.
 */
export async function openSealedFields<T>(record: T, keyring: ReadonlyMap<string, string>): Promise<T> {
  const walk = async (v: unknown): Promise<unknown> => {
    if (isSealed(v)) {
      try {
        const opened = await openSealed(v, keyring);
        if (opened) return opened.value;
        return { sealed: true, to: recipientDepts(v) } satisfies SealedMarker;
      } catch (e) {
        return { sealed: true, to: recipientDepts(v), problem: (e as { code?: string }).code ?? 'SEAL_UNREADABLE' } satisfies SealedMarker;
      }
    }
    if (Array.isArray(v)) return Promise.all(v.map(walk));
    if (typeof v === 'object' && v !== null) return Object.fromEntries(await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await walk(x)] as const)));
    return v;
  };
  return (await walk(record)) as T;
}
