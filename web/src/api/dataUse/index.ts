import { client, deptApi } from '../client.ts';
import { qs } from '../query.ts';

// Written out: server/data-use/queries.ts, where these are defined, imports the node and database layers.
export interface DeptName {
  id: string;
  name: string;
  nameEn: string;
}
interface Base {
  time: number;
  txId: string;
  dept: DeptName;
  person: string | null;
  purpose: string;
}
export type DataUseEntry =
  | (Base & { type: 'dossier'; sections: string[]; item: string | null })
  | (Base & { type: 'question'; basis: { type: 'consent' | 'statute' | 'approval'; rule: string | null; text: string | null }; field: string; fieldEn: string; question: string; status: string; answer: boolean | null })
  | (Base & { type: 'audit'; subject: string });
export interface DataUsePage {
  total: number;
  items: DataUseEntry[];
  limit: number;
  offset: number;
}

/** 数据使用记录: who used the signed-in enterprise's data, newest first. */
export const dataUse = (q: { limit?: number; offset?: number } = {}) => client.get<DataUsePage>(deptApi(`/me/data-use${qs(q)}`));
