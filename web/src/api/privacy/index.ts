import { client, deptApi } from '../client.ts';
import { qs } from '../query.ts';
import type { AllowedQuery, AllowedQuestion, AskBody, AskResult } from './types.ts';

/** 智能隐私问询: the questions a basis allows, and asking one of them. */
export const allowed = (q: AllowedQuery) => client.get<{ items: AllowedQuestion[] }>(deptApi(`/privacy/allowed${qs({ ...q })}`));
export const ask = (b: AskBody) => client.post<AskResult>(deptApi('/privacy/queries'), b);
