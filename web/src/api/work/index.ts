import type { Role } from '../auth/types.ts';
import { client, deptApi } from '../client.ts';
import type { WorkItem } from './types.ts';

const get = (path: string) => client.get<{ items: WorkItem[] }>(deptApi(path)).then((r) => r.items);
const total = (path: string) => client.get<{ total: number }>(deptApi(path)).then((r) => r.total);

/**
 * What waits for this person, counted by the server: each module answers for its own work
 * (`/approval/my-work`, `/payout/my-work`); governance and privacy questions from their lists' totals.
 */
export async function myWork(role: Role): Promise<WorkItem[]> {
  const parts: Promise<WorkItem[]>[] = [get('/approval/my-work'), get('/payout/my-work')];
  if (role === 'admin') {
    parts.push(
      client.get<{ items: { approvedByUs: boolean }[]; total: number }>(deptApi('/admin/proposals?status=open&limit=100')).then((r) => [
        { key: 'proposalsToApprove', kind: 'todo', count: r.items.filter((p) => !p.approvedByUs).length, page: 'governance' },
        { key: 'proposalsOpen', kind: 'notice', count: r.total, page: 'governance' },
      ]),
    );
  }
  if (role === 'holder') {
    const q = (status: string) => total(`/privacy/queries?scope=addressed&status=${status}&limit=1`);
    parts.push(
      Promise.all([q('open'), q('answered'), q('declined')]).then(([open, answered, declined]) => [
        { key: 'questionsOpen', kind: 'todo', count: open, page: 'privacy-questions', query: { status: 'open' } },
        { key: 'questionsAnswered', kind: 'mine', count: answered, page: 'privacy-questions', query: { status: 'answered' } },
        { key: 'questionsDeclined', kind: 'notice', count: declined, page: 'privacy-questions', query: { status: 'declined' } },
      ]),
    );
  }
  return (await Promise.all(parts)).flat();
}
