import { useAuditPurpose } from '../../composables/useAuditPurpose.ts';
import { useRouteRecord } from '../../composables/useRouteRecord.ts';

/**
 * A ledger record named by the address (a block, a transaction) that is read first without a
 * purpose, so a reader without a basis sees only what happened; `withPurpose` asks for one and
 * reads it again in full (the look is recorded on the chain).
 */
export function usePurposedRecord<T>(fetch: (key: string, purpose?: string) => Promise<T>, param = 'id') {
  const audit = useAuditPurpose();
  let purpose: string | undefined;
  const record = useRouteRecord<T>((key) => fetch(key, purpose), param);
  async function withPurpose() {
    purpose = await audit.ask();
    if (purpose) await record.load();
  }
  return { ...record, withPurpose };
}
