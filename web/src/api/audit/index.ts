import { client, deptApi } from '../client.ts';
import { qs } from '../query.ts';
import type { AgreementPage, Operation, TracePage, VerifyJob } from './types.ts';

/** Trace and operation need the auditor's purpose; each look is recorded on the chain with it. */
export const trace = (q: { subject?: string; prefix?: string; limit?: number; offset?: number }, purpose: string) => client.get<TracePage>(deptApi(`/audit/trace${qs({ ...q, purpose })}`));
export const operation = (id: string, purpose: string) => client.get<Operation>(deptApi(`/audit/ops/${encodeURIComponent(id)}${qs({ purpose })}`));
export const attestations = (q: { before?: number; limit?: number } = {}) => client.get<AgreementPage>(deptApi(`/audit/attestations${qs(q)}`));
export const startVerify = () => client.post<{ job: string; alreadyRunning: boolean }>(deptApi('/audit/verify'));
export const verifyJob = (job: string) => client.get<VerifyJob>(deptApi(`/audit/verify/${encodeURIComponent(job)}`));
/** Server-sent events of a run: `progress` {height, top, txs}, then `done` (a VerifyJob). */
export const verifyEventsUrl = (job: string) => deptApi(`/audit/verify/${encodeURIComponent(job)}/events`);
/** The evidence bundle (ZIP) of a credit code or record id; the look is recorded on the chain with the purpose. */
export const evidenceUrl = (subject: string, purpose: string) => deptApi(`/audit/evidence${qs({ subject, purpose })}`);
