import { client, deptApi } from '../client.ts';
import type { Challenge, Department, EnterpriseLoginBody, LoginBody, LoginResult, MeResult, PasswordPolicy, SessionResult } from './types.ts';

export const login = (b: LoginBody) => client.post<LoginResult>(deptApi('/auth/login'), b);
export const me = () => client.get<MeResult>(deptApi('/auth/me'));
/** Who is signed in, or nobody: what a page load asks, so the login page logs no 401. */
export const session = () => client.get<SessionResult>(deptApi('/auth/session'));
export const logout = () => client.post<{ ok: true }>(deptApi('/auth/logout'));
export const challenge = () => client.get<Challenge>(deptApi('/auth/challenge'));
/** The password policy this node enforces; no session needed. */
export const passwordPolicy = () => client.get<PasswordPolicy>(deptApi('/auth/password-policy'));
/** One's own password: the current one and the new one; other sessions of the user end. */
export const changePassword = (b: { current: string; next: string }) => client.post<{ sessionsEnded: number }>(deptApi('/auth/password'), b);
export const loginEnterprise = (b: EnterpriseLoginBody) => client.post<LoginResult>(deptApi('/auth/enterprise'), b);
/** The departments this server process hosts (not under a department's prefix). */
export const departments = () => client.get<Department[]>('/api/departments');
