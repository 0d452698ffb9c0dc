import { client, deptApi } from '../client.ts';
import { qs } from '../query.ts';
import type { AccountEvent, ActionResult, ApprovalStats, CreditStats, Health, MemberView, PasswordReset, ProposalPage, UserView } from './types.ts';

export const members = () => client.get<{ quorum: number; items: MemberView[] }>(deptApi('/admin/members'));
export const proposals = (q: { status?: string; limit?: number; offset?: number } = {}) => client.get<ProposalPage>(deptApi(`/admin/proposals${qs(q)}`));
export const propose = (b: { type: string; params: Record<string, unknown>; note?: string }) => client.post<ActionResult>(deptApi('/admin/proposals'), b);
export const approve = (id: string) => client.post<ActionResult>(deptApi(`/admin/proposals/${encodeURIComponent(id)}/approve`));
export const users = () => client.get<{ items: UserView[] }>(deptApi('/admin/users'));
/** A first password only for someone with none on this node; a role change or re-enabling sends none. */
export const registerUser = (b: { id: string; name: string; role: string; password?: string }) => client.post<ActionResult>(deptApi('/admin/users'), b);
export const disableUser = (id: string) => client.post<ActionResult>(deptApi(`/admin/users/${encodeURIComponent(id)}/disable`));
export const resetPassword = (id: string) => client.post<PasswordReset>(deptApi(`/admin/users/${encodeURIComponent(id)}/password-reset`));
export const accountEvents = () => client.get<{ items: AccountEvent[] }>(deptApi('/admin/account-events'));
export const health = () => client.get<Health>(deptApi('/admin/health'));
export const approvalStats = () => client.get<ApprovalStats>(deptApi('/stats/approvals'));
export const creditStats = () => client.get<CreditStats>(deptApi('/stats/credit'));
