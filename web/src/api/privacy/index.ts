import { client, deptApi } from '../client.ts';
import { qs } from '../query.ts';
import type { AllowedQuery, AllowedQuestion, AskBody, AskResult, CommitResult, FigureCount, FigureRowInput, PrivacyConfig, QueryDetail, QueryList } from './types.ts';

const P = (path: string) => deptApi(`/privacy${path}`);
const enc = encodeURIComponent;

/** 智能隐私问询: the questions a basis allows, and asking one of them. */
export const allowed = (q: AllowedQuery) => client.get<{ items: AllowedQuestion[] }>(P(`/allowed${qs({ ...q })}`));
export const ask = (b: AskBody) => client.post<AskResult>(P('/queries'), b);
export const config = () => client.get<PrivacyConfig>(P('/config'));
export const enterprises = (q: string) => client.get<{ items: { code: string; name: string }[] }>(P(`/enterprises${qs({ q })}`));
export const queries = (q: { scope: 'asked' | 'addressed'; status?: string; enterprise?: string; limit: number; offset: number }) => client.get<QueryList>(P(`/queries${qs({ ...q })}`));
export const query = (id: string, reverify = false) => client.get<QueryDetail>(P(`/queries/${enc(id)}${reverify ? '?reverify=1' : ''}`));
export const decline = (id: string, reason: string) => client.post<{ tx: string; status: string }>(P(`/queries/${enc(id)}/decline`), { reason });
// the holder's figures
export const figureCounts = () => client.get<{ items: FigureCount[] }>(P('/figures'));
export const loadFigures = (b: { field: string; period: string; rows: FigureRowInput[] }) => client.post<CommitResult>(P('/figures'), b);
