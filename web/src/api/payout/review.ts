import { client, deptApi } from '../client.ts';
import { qs } from '../query.ts';
import type { ApplicationQuery, ApplicationRecord, ExpertRecord, ExpertRegisterBody, PolicyDetail, ReviewBody, SealedMaterials } from './financeTypes.ts';

/** The reviewing expert's calls (评审), on the policy department's node, where the materials are. */
const P = (path: string) => deptApi(`/payout${path}`);
const enc = encodeURIComponent;

/** The caller's own registration (an expert sees only itself), or none yet. */
export const myRegistration = async () => (await client.get<{ items: ExpertRecord[] }>(P('/experts'))).items[0];
export const registerKey = (b: ExpertRegisterBody) => client.post<{ tx: string }>(P('/experts/key'), b);

/** The applications this expert was drawn for. */
export const assigned = (q: ApplicationQuery = {}) => client.get<{ items: ApplicationRecord[] }>(P(`/applications${qs({ ...q })}`));
export const application = (id: string) => client.get<ApplicationRecord>(P(`/applications/${enc(id)}`));
export const policy = (id: string) => client.get<PolicyDetail>(P(`/policies/${enc(id)}`));
export const materials = (id: string) => client.get<SealedMaterials>(P(`/applications/${enc(id)}/materials`));
/** 回避: step back from a drawn application before scoring; the next expert in the draw takes the place. */
export const recuse = (id: string, b: { reason: string }) => client.post<{ tx: string; replacedBy: string[] }>(P(`/applications/${enc(id)}/recuse`), b);
export const review = (id: string, b: ReviewBody) => client.post<{ tx: string; done: boolean }>(P(`/applications/${enc(id)}/review`), b);
