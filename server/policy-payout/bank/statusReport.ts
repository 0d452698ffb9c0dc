import { ChainError } from '../../chain/errors.ts';
import { SettlementItem } from '../schema.ts';
import { at, child, children, parseXml } from './xml.ts';

export interface StatusReport {
  /** the payment run the bank reports on, when the report names it (pain.002 OrgnlMsgId) */
  run?: string;
  items: SettlementItem[];
  /** end-to-end ids the bank has not finished with (ACSP, PDNG, ...): nothing is recorded for them */
  pending: string[];
}

const SETTLED = new Set(['ACSC', 'ACCC', 'ACWC']);
const FAILED = new Set(['RJCT', 'CANC']);

function item(raw: Record<string, unknown>, where: string): SettlementItem {
  const r = SettlementItem.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ChainError('BAD_STATEMENT', `${where}: ${issue.path.join('.')} ${issue.message}`);
  }
  return r.data;
}

/**
 * Reads a bank's customer payment status report (pain.002): per transaction its original
 * end-to-end id and status. Settled (ACSC/ACCC/ACWC) and rejected (RJCT/CANC) become settlement
 * items; anything still in process is left for a later report.
 */
export function parsePain002(xml: string): StatusReport {
  const doc = parseXml(xml);
  const rpt = child(doc, 'CstmrPmtStsRpt');
  if (doc.name !== 'Document' || !rpt) throw new ChainError('BAD_STATEMENT', 'not a pain.002 customer payment status report (Document/CstmrPmtStsRpt)');
  const out: StatusReport = { run: at(rpt, 'OrgnlGrpInfAndSts', 'OrgnlMsgId'), items: [], pending: [] };
  for (const pmt of children(rpt, 'OrgnlPmtInfAndSts')) {
    for (const tx of children(pmt, 'TxInfAndSts')) {
      const e2e = at(tx, 'OrgnlEndToEndId') ?? '';
      const sts = at(tx, 'TxSts') ?? '';
      const reason = [at(tx, 'StsRsnInf', 'Rsn', 'Cd'), at(tx, 'StsRsnInf', 'AddtlInf')].filter(Boolean).join(' ');
      const bankRef = at(tx, 'AcctSvcrRef');
      if (SETTLED.has(sts)) out.items.push(item({ endToEndId: e2e, outcome: 'settled', ...(bankRef ? { bankRef } : {}) }, `transaction ${e2e}`));
      else if (FAILED.has(sts)) out.items.push(item({ endToEndId: e2e, outcome: 'failed', ...(bankRef ? { bankRef } : {}), reason: reason || sts }, `transaction ${e2e}`));
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
  const out: StatusReport = { items: [], pending: [] };
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
