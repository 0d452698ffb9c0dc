import { client, deptApi } from '../client.ts';
import { qs } from '../query.ts';
import type { BlockDetail, BlockPage, ChainStatus, SubmitResult, Tx, TxDetail } from './types.ts';

export const status = () => client.get<ChainStatus>(deptApi('/chain/status'));
export const blocks = (q: { before?: number; limit?: number } = {}) =>
  client.get<BlockPage>(deptApi(`/blocks?${new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]))}`));
/** An auditor's `purpose` makes the content readable; the server records the look on the chain. */
export const block = (ref: number | string, purpose?: string) => client.get<BlockDetail>(deptApi(`/blocks/${encodeURIComponent(ref)}${qs({ purpose })}`));
export const tx = (id: string, purpose?: string) => client.get<TxDetail>(deptApi(`/tx/${encodeURIComponent(id)}${qs({ purpose })}`));
/** The transaction once this node has it in a block: the server holds the request up to 10 s, then says `pending`. */
export const txWhenCommitted = (id: string) => client.get<TxDetail | { id: string; pending: true }>(deptApi(`/tx/${encodeURIComponent(id)}?wait=receipt`));
/** Submits a transaction signed in the browser; `wait` makes the server answer once it is committed or final. */
export const submitTx = (t: Tx, wait: 'none' | 'receipt' | 'final' = 'receipt') => client.post<SubmitResult>(deptApi(`/tx?wait=${wait}`), t);
/** Live blocks, finality and alarms (server-sent events; the session cookie goes along). */
export const streamUrl = () => deptApi('/chain/stream');
