/** The enterprise's data-use record (数据使用记录) as `GET /<dept>/api/me/data-use` answers it (server/data-use/queries.ts). */

export interface Dept {
  id: string;
  name: string;
  nameEn: string;
}

interface Base {
  time: number;
  txId: string;
  dept: Dept;
  /** the person's name as the chain records them; null when the node acted by itself */
  person: string | null;
  purpose: string;
}

export type DataUseEntry =
  | (Base & { type: 'dossier'; sections: string[]; item: string | null })
  | (Base & {
      type: 'question';
      basis: { type: 'consent' | 'statute' | 'approval'; rule: string | null; text: string | null };
      field: string;
      fieldEn: string;
      question: string;
      status: string;
      answer: boolean | null;
    })
  | (Base & { type: 'audit'; subject: string });

export interface DataUsePage {
  total: number;
  items: DataUseEntry[];
  limit: number;
  offset: number;
}
