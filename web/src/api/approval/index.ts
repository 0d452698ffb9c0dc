import type { Tx } from '../chain/types.ts';
import { client, deptApi } from '../client.ts';
import { qs } from '../query.ts';
import { uploadFile } from '../upload.ts';
import type {
  ApplicationDetail, ApplicationRecord, CaseRecord, Counted, Dossier, EnterpriseRecord, EnterpriseSummary, FilingWithHistory, InspectionRecord, PageQuery,
  Named, ProcessDef, SignedResult, StaffResult, StoredWeights, WorkItem,
} from './types.ts';

const A = (path: string) => deptApi(`/approval${path}`);
const enc = encodeURIComponent;

export const processes = () => client.get<{ items: ProcessDef[] }>(A('/processes'));
export const creditWeights = () => client.get<StoredWeights>(A('/credit/weights'));

// enterprises (the one window)
export const enterprises = (q: PageQuery = {}) => client.get<{ items: EnterpriseSummary[] }>(A(`/enterprises${qs({ ...q })}`));
export const enterprise = (code: string) => client.get<EnterpriseRecord>(A(`/enterprises/${enc(code)}`));
export const registerEnterprise = (b: { code: string; name: string; publicKey: string; verification: { method: string; note?: string } }) =>
  client.post<{ code: string; tx: string }>(A('/enterprises'), b);
export const rotateKey = (code: string, b: { publicKey: string; reason: string; note?: string }) => client.post<{ code: string; tx: string }>(A(`/enterprises/${enc(code)}/keys`), b);

// the enterprise's own filing and signed submissions
export const filing = (code: string) => client.get<FilingWithHistory>(A(`/filings/${enc(code)}`));
/** the departments (and keys) the filing's contacts are sealed to before signing */
export const filingSealing = () => client.get<{ recipients: { kid: string; encKey: string }[] }>(A('/filing/sealing'));
export const processSealing = (id: string) => client.get<{ recipients: { kid: string; encKey: string }[] }>(A(`/processes/${enc(id)}/sealing`));
export const applicationSealing = (id: string) => client.get<{ recipients: { kid: string; encKey: string }[] }>(A(`/applications/${enc(id)}/sealing`));
export const submitSigned = (tx: Tx) => client.post<SignedResult>(deptApi('/tx'), tx);
export const uploadMaterial = (file: Blob, type: string, onProgress?: (f: number) => void) =>
  uploadFile<{ hash: string; size: number; type: string }>(A('/materials'), file, type, onProgress);

// applications and the approver's inbox
export const applications = (q: PageQuery = {}) => client.get<{ items: ApplicationRecord[] }>(A(`/applications${qs({ ...q })}`));
export const application = (id: string) => client.get<ApplicationDetail>(A(`/applications/${enc(id)}`));
export const worklist = (q: PageQuery = {}) => client.get<{ asOf: number; items: WorkItem[]; total: number }>(A(`/worklist${qs({ ...q })}`));
/** The address of a list's CSV under the same filters (a download the browser makes with the session cookie). */
export const exportUrl = (list: 'worklist' | 'inspections' | 'cases' | 'enterprises', q: PageQuery = {}) => A(`/${list}/export${qs({ ...q, limit: undefined, offset: undefined })}`);
export const decide = (app: string, stage: string, b: { decision: string; opinion: string; evidence?: { type: string; ref: string }[] }) =>
  client.post<StaffResult>(A(`/applications/${enc(app)}/stages/${enc(stage)}/decision`), b);
export const dossier = (code: string, purpose?: string) => client.get<Dossier>(A(`/dossier/${enc(code)}${qs({ purpose })}`));

// supervision (监管) and enforcement (执法)
export const inspections = (q: PageQuery = {}) => client.get<Counted<InspectionRecord & Named>>(A(`/inspections${qs({ ...q })}`));
export const inspection = (id: string) => client.get<InspectionRecord>(A(`/inspections/${enc(id)}`));
export const planInspection = (b: { code: string; subject: string; app?: string; withinDays?: number }) => client.post<StaffResult>(A('/inspections'), b);
export const recordAdHoc = (b: Record<string, unknown>) => client.post<StaffResult>(A('/inspections/adhoc'), b);
export const recordResult = (id: string, b: Record<string, unknown>) => client.post<StaffResult>(A(`/inspections/${enc(id)}/result`), b);
export const cases = (q: PageQuery = {}) => client.get<Counted<CaseRecord & Named>>(A(`/cases${qs({ ...q })}`));
export const caseById = (id: string) => client.get<CaseRecord>(A(`/cases/${enc(id)}`));
export const openCase = (b: { code: string; subject: string; severity: string; legalBasis?: string }) => client.post<StaffResult>(A('/cases'), b);
export const decideCase = (id: string, b: { type: string; penaltyFen: string; legalBasis: string; opinion: string }) => client.post<StaffResult>(A(`/cases/${enc(id)}/decision`), b);
export const closeCase = (id: string, b: { outcome: string; note?: string }) => client.post<StaffResult>(A(`/cases/${enc(id)}/close`), b);
