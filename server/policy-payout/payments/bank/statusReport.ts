import { ChainError } from '../../../chain/errors.ts';
import { SettlementItem } from '../../schema.ts';
import { at, child, children, parseXml, type XmlNode } from './xml.ts';

/** A whole group or payment-information block the bank rejected, its transactions listed or not. */
export interface RejectedBlock {
  scope: 'group' | 'paymentInformation';
  /** OrgnlPmtInfId of a rejected payment-information block */
  pmtInfId?: string;
  reason: string;
}

export interface StatusReport {
  /** the payment run the bank reports on, when the report names it (pain.002 OrgnlMsgId) */
  run?: string;
  items: SettlementItem[];
  /** end-to-end ids the bank has not finished with (ACWC, ACSP, ACTC, PDNG, ...): nothing is recorded for them */
  pending: string[];
  /**
   * Blocks rejected whole. A bank that rejects a file or a batch often lists no transaction; every
   * transaction of the block failed all the same, and settlement.ts names them from the run.
   */
  rejected: RejectedBlock[];
}

/**
 * Final statuses. ACSC: settlement on the debtor's account completed. ACCC: settlement on the
 * creditor's account completed, a step later than ACSC, so final too. ACWC (accepted with change:
 * the bank altered a date or an amount), ACSP, ACTC, ACCP, PDNG, RCVD and the rest are interim:
 * the money has not moved for good, so nothing is recorded for them yet.
 */
const SETTLED = new Set(['ACSC', 'ACCC']);
const FAILED = new Set(['RJCT', 'CANC']);

function item(raw: Record<string, unknown>, where: string): SettlementItem {
  const r = SettlementItem.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ChainError('BAD_STATEMENT', `${where}: ${issue.path.join('.')} ${issue.message}`);
  }
  return r.data;
}

const reasonOf = (n: XmlNode | undefined) => [at(n, 'StsRsnInf', 'Rsn', 'Cd'), at(n, 'StsRsnInf', 'AddtlInf')].filter(Boolean).join(' ');

/**
 * Reads a bank's customer payment status report (pain.002): per transaction its original
 * end-to-end id and status. Settled (ACSC/ACCC) and rejected (RJCT/CANC) become settlement items;
 * anything still in process is left for a later report. A group status (GrpSts) or a
 * payment-information status (PmtInfSts) of RJCT rejects every transaction of that block: those
 * listed become failed items, and the block is returned so the rest are named from the run. A
 * transaction reported settled inside a rejected block is a contradiction, refused.
 */
export function parsePain002(xml: string): StatusReport {
  const doc = parseXml(xml);
  const rpt = child(doc, 'CstmrPmtStsRpt');
  if (doc.name !== 'Document' || !rpt) throw new ChainError('BAD_STATEMENT', 'not a pain.002 customer payment status report (Document/CstmrPmtStsRpt)');
  const grp = child(rpt, 'OrgnlGrpInfAndSts');
  const out: StatusReport = { run: at(grp, 'OrgnlMsgId'), items: [], pending: [], rejected: [] };
  const groupReason = at(grp, 'GrpSts') === 'RJCT' ? reasonOf(grp) || 'RJCT' : undefined;
  if (groupReason) out.rejected.push({ scope: 'group', reason: groupReason });
  for (const pmt of children(rpt, 'OrgnlPmtInfAndSts')) {
    const pmtInfId = at(pmt, 'OrgnlPmtInfId');
    let blockReason = groupReason;
    if (at(pmt, 'PmtInfSts') === 'RJCT') {
      blockReason = reasonOf(pmt) || groupReason || 'RJCT';
      if (!pmtInfId) throw new ChainError('BAD_STATEMENT', 'a rejected payment-information block does not name its OrgnlPmtInfId');
      if (!groupReason) out.rejected.push({ scope: 'paymentInformation', pmtInfId, reason: blockReason });
    }
    for (const tx of children(pmt, 'TxInfAndSts')) {
      const e2e = at(tx, 'OrgnlEndToEndId') ?? '';
      const sts = at(tx, 'TxSts') ?? '';
      const reason = reasonOf(tx);
      const bankRef = at(tx, 'AcctSvcrRef');
      const where = `transaction ${e2e}`;
      if (blockReason) {
        if (SETTLED.has(sts)) throw new ChainError('BAD_STATEMENT', `${where} is reported ${sts} inside a rejected ${groupReason ? 'group' : `payment-information block ${pmtInfId}`}`);
        out.items.push(item({ endToEndId: e2e, outcome: 'failed', ...(bankRef ? { bankRef } : {}), reason: reason || blockReason }, where));
      } else if (SETTLED.has(sts)) out.items.push(item({ endToEndId: e2e, outcome: 'settled', ...(bankRef ? { bankRef } : {}) }, where));
      else if (FAILED.has(sts)) out.items.push(item({ endToEndId: e2e, outcome: 'failed', ...(bankRef ? { bankRef } : {}), reason: reason || sts }, where));
      else out.pending.push(e2e);
    }
  }
  return out;
}

/**
 * A plain statement for banks without pain.002: a header line, then one line per payment.
 *   endToEndId,status,bankRef,reason
 *   AW-12-0-1,settled,B20260301000123,
 *   AW-12-1-1,failed,,账户已销户 account closed
 * status is settled or failed (ACSC and RJCT are read as those); fields hold no commas.
 */
export function parseStatementCsv(csv: string): StatusReport {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const head = lines.shift()?.toLowerCase().replace(/\s/g, '');
  if (head !== 'endtoendid,status,bankref,reason') throw new ChainError('BAD_STATEMENT', 'a statement starts with the header endToEndId,status,bankRef,reason');
  const out: StatusReport = { items: [], pending: [], rejected: [] };
  lines.forEach((line, i) => {
    const [e2e = '', status = '', bankRef = '', reason = '', ...extra] = line.split(',').map((c) => c.trim());
    if (extra.length) throw new ChainError('BAD_STATEMENT', `line ${i + 2}: too many fields`);
    const s = status.toLowerCase();
    const outcome = s === 'settled' || s === 'acsc' ? 'settled' : s === 'failed' || s === 'rjct' ? 'failed' : undefined;
    if (!outcome) throw new ChainError('BAD_STATEMENT', `line ${i + 2}: status must be settled or failed, not "${status}"`);
    out.items.push(item({ endToEndId: e2e, outcome, ...(bankRef ? { bankRef } : {}), ...(reason ? { reason } : {}) }, `line ${i + 2}`));
  });
  return out;
}
