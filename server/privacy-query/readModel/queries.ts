import type { Knex } from 'knex';

export interface QueryRow {
  id: string;
  requester_dept: string;
  requester_id: string;
  holder: string;
  enterprise: string;
  field: string;
  period: string;
  status: string;
  asked_height: number;
  expires_at_height: number;
  asked_at: number;
  answer: number | boolean | null;
  answered_height: number | null;
  origin_module: string | null;
  origin_ref: string | null;
}

export interface ListFilter {
  /** 'asked': questions the department put; 'addressed': questions put to it; 'all': audit */
  scope: 'asked' | 'addressed' | 'all';
  dept: string;
  status?: 'open' | 'answered' | 'declined' | 'expired';
  enterprise?: string;
  limit: number;
  offset: number;
  /** the node's height, to tell open from expired */
  height: number;
}

/** One page of questions, newest first, with the total for the pager. Expiry is derived from the height. */
export async function listQueries(db: Knex, f: ListFilter): Promise<{ rows: QueryRow[]; total: number }> {
  const base = db('pq_queries').modify((b) => {
    if (f.scope === 'asked') b.where('requester_dept', f.dept);
    if (f.scope === 'addressed') b.where('holder', f.dept);
    if (f.enterprise) b.where('enterprise', f.enterprise);
    if (f.status === 'open') b.where('status', 'open').where('expires_at_height', '>=', f.height);
    else if (f.status === 'expired') b.where('status', 'open').where('expires_at_height', '<', f.height);
    else if (f.status) b.where('status', f.status);
  });
  const [{ n }] = await base.clone().count({ n: '*' });
  const rows: QueryRow[] = await base.clone().orderBy([{ column: 'asked_height', order: 'desc' }, { column: 'id' }]).limit(f.limit).offset(f.offset).select();
  return { rows, total: Number(n) };
}

/** Answered questions about one enterprise, for the approval dossier. */
export async function answeredAbout(db: Knex, enterprise: string, limit = 50): Promise<QueryRow[]> {
  return db('pq_queries').where({ enterprise, status: 'answered' }).orderBy('answered_height', 'desc').limit(limit).select();
}

/** The ids of the questions addressed to a holder that are still open (its answerer's sweep). */
export async function openQuestionIds(db: Knex, holder: string): Promise<string[]> {
  return db('pq_queries').where({ holder, status: 'open' }).pluck('id');
}
