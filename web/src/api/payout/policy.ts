import type { Tx } from '../chain/types.ts';
import { client, deptApi } from '../client.ts';
import type { SealRecipient } from '../../crypto/sealPayee.ts';
import { qs } from '../query.ts';
import { uploadFile } from '../upload.ts';
import type {
  AdvanceResult, ApplicationQuery, ApplicationRecord, AttachmentUpload, AwardRecord, Candidate, DecisionBody, DecisionResult, EligibleItem, ObjectionRecord,
  PolicyDetail, PolicyPublishBody, PolicyQuery, PrivacyConfigView, PublicationRecord, PubliciseResult, PublicityQuery, PublishResult, QueryView,
  ReconciliationSummary, ReleaseResult, ResolveBody, SignedPayoutResult,
} from './policyTypes.ts';

/**
 * The policy officer's and the enterprise's calls of the payout module (政策兑现). Applications
 * and their attachments go to the node of the department that published the policy, hence `dept`.
 */
const P = (path: string, dept?: string) => deptApi(`/payout${path}`, dept);
const enc = encodeURIComponent;

// policies
/** A page of policies, each with its budget ledger. */
export const policies = (q: PolicyQuery = {}) => client.get<{ items: PolicyDetail[] }>(P(`/policies${qs({ ...q })}`));
export const policy = (id: string) => client.get<PolicyDetail>(P(`/policies/${enc(id)}`));
/** The departments (and current keys) an application's payee account is sealed to (`recipients`), and the policy's department alone (`department`: statement, attachment names, objections). */
export const payeeSealing = (id: string) => client.get<{ recipients: SealRecipient[]; department: SealRecipient[] }>(P(`/policies/${enc(id)}/sealing`));
export const publish = (b: PolicyPublishBody) => client.post<PublishResult>(P('/policies'), b);
export const candidates = (id: string, limit = 50) => client.get<{ policy: string; items: Candidate[] }>(P(`/policies/${enc(id)}/candidates${qs({ limit })}`));
export const publicise = (id: string) => client.post<PubliciseResult>(P(`/policies/${enc(id)}/publicise`));
export const release = (id: string) => client.post<ReleaseResult>(P(`/policies/${enc(id)}/release`));
export const reconciliation = (id: string) => client.get<ReconciliationSummary>(P(`/policies/${enc(id)}/reconciliation`));
export const reconciliationCsvPath = (id: string) => P(`/policies/${enc(id)}/reconciliation?format=csv`);
export const privacyConfig = () => client.get<PrivacyConfigView>(deptApi('/privacy/config'));
export const privacyQuery = (id: string) => client.get<QueryView>(deptApi(`/privacy/queries/${enc(id)}`));

// applications
export const applications = (q: ApplicationQuery = {}) => client.get<{ items: ApplicationRecord[]; total?: number }>(P(`/applications${qs({ ...q })}`));
/** The address of the applications' CSV under the same filters (the browser downloads it with the session cookie). */
export const applicationsExportUrl = (q: ApplicationQuery = {}) => P(`/applications/export${qs({ ...q, limit: undefined, offset: undefined })}`);
export const application = (id: string) => client.get<ApplicationRecord>(P(`/applications/${enc(id)}`));
export const advance = (id: string) => client.post<AdvanceResult>(P(`/applications/${enc(id)}/advance`));
export const decide = (id: string, b: DecisionBody) => client.post<DecisionResult>(P(`/applications/${enc(id)}/decision`), b);

// publicity (公示), awards, objections
export const publications = (q: PublicityQuery = {}) => client.get<{ items: PublicationRecord[] }>(P(`/publications${qs({ ...q })}`));
export const awards = (q: PublicityQuery = {}) => client.get<{ items: AwardRecord[] }>(P(`/awards${qs({ ...q })}`));
export const award = (id: string) => client.get<AwardRecord>(P(`/awards/${enc(id)}`));
export const objections = (q: PublicityQuery = {}) => client.get<{ items: ObjectionRecord[] }>(P(`/objections${qs({ ...q })}`));
export const resolve = (id: string, b: ResolveBody) => client.post<{ tx: string }>(P(`/objections/${enc(id)}/resolve`), b);

// the enterprise
export const eligible = () => client.get<{ items: EligibleItem[] }>(P('/eligible'));
export const uploadAttachment = (policyId: string, dept: string, file: Blob, type: string, onProgress?: (f: number) => void) =>
  uploadFile<AttachmentUpload>(P(`/attachments${qs({ policy: policyId })}`, dept), file, type, onProgress);
export const submitSigned = (tx: Tx, dept?: string) => client.post<SignedPayoutResult>(deptApi('/tx', dept), tx);
