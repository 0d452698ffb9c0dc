import type { ModulePort } from '../../chain/modulePort.ts';
import { ak } from '../../approval/stateKeys.ts';
import type { QueryRecord } from '../raise.ts';
import type { QueryRow } from '../readModel/queries.ts';
import { pq } from '../stateKeys.ts';
import { rowView } from './views.ts';

/**
 * A page of questions as people read them: the enterprise's registered name beside its code, the
 * question's predicate and basis, the purpose and a decline's reason, read from the records the
 * chain already shows every node (one batched read for the page).
 */
export async function namedRows(node: ModulePort, rows: QueryRow[]) {
  const keys = [...rows.map((r) => pq.query(r.id)), ...new Set(rows.map((r) => ak.enterprise(r.enterprise)))];
  const got = await node.getMany(keys);
  const read = <T>(k: string): T | undefined => {
    const text = got.get(k);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  };
  return rows.map((r) => {
    const q = read<QueryRecord>(pq.query(r.id));
    const name = read<{ name?: unknown }>(ak.enterprise(r.enterprise))?.name;
    return {
      ...rowView(r, node.height),
      enterpriseName: typeof name === 'string' ? name : undefined,
      predicate: q?.predicate,
      ...(q?.set ? { set: q.set } : {}),
      basis: q?.basis,
      ...(q?.basisText ? { basisText: q.basisText } : {}),
      purpose: q?.purpose,
      ...(q?.declineReason ? { declineReason: q.declineReason } : {}),
    };
  });
}
