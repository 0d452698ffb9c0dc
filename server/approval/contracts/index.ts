import type { ContractDef } from '../../chain/contract.ts';
import type { PrivacyPort } from '../privacy.ts';
import { approvalApply } from './approvalApply.ts';
import { approvalDecide } from './approvalDecide.ts';
import { approvalSupplement } from './approvalSupplement.ts';
import { caseClose } from './caseClose.ts';
import { caseDecide } from './caseDecide.ts';
import { caseOpen } from './caseOpen.ts';
import { creditRecompute } from './creditRecompute.ts';
import { dossierView } from './dossierView.ts';
import { enterpriseRegister } from './enterpriseRegister.ts';
import { enterpriseRotateKey } from './enterpriseRotateKey.ts';
import { filingAmend } from './filingAmend.ts';
import { filingSubmit } from './filingSubmit.ts';
import { inspectionPlan } from './inspectionPlan.ts';
import { inspectionRecord } from './inspectionRecord.ts';
import { licenceImport } from './licenceImport.ts';
import { licenceRevoke } from './licenceRevoke.ts';
import { sealShare } from './sealShare.ts';

export function approvalContracts(privacy: PrivacyPort): ContractDef[] {
  return [
    enterpriseRegister,
    enterpriseRotateKey,
    filingSubmit,
    filingAmend,
    approvalApply(privacy),
    approvalDecide(privacy),
    approvalSupplement(privacy),
    licenceRevoke,
    licenceImport,
    inspectionPlan,
    inspectionRecord,
    caseOpen,
    caseDecide,
    caseClose,
    dossierView,
    creditRecompute,
    sealShare,
  ];
}

/** Kinds an enterprise signs itself (accepted by the module's signed-transaction endpoint). */
export const ENTERPRISE_KINDS = ['filing.submit', 'filing.amend', 'approval.apply', 'approval.supplement'] as const;
