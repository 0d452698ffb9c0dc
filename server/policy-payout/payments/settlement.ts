import { ChainError } from '../../chain/errors.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { seal, type SealRecipient } from '../../chain/sealing/envelope.ts';
import { pmtInfIdOf } from './bank/pain001.ts';
import { payoutConfig } from '../config.ts';
import { deptSealRecipients } from '../deptSeal.ts';
import type { StatusReport } from './bank/statusReport.ts';
import type { AwardRecord, RunRecord } from '../records.ts';
import type { SettlementItem } from '../schema.ts';
import { parseEndToEndId, pk } from '../stateKeys.ts';
import type { StatementResult } from '../../../shared/wire/payout.ts';

export type { StatementResult };

const BATCH = 400;


/**
 * The report's items plus a failed item for every transaction of the run inside a block the bank
 * rejected whole without listing it (our file has one payment-information block per run, so a
 * rejected group or block is every payment of the run).
 */
export function withRejectedBlocks(run: RunRecord, report: StatusReport): SettlementItem[] {
  if (!report.rejected.length) return report.items;
  for (const b of report.rejected) {
    if (b.scope === 'paymentInformation' && b.pmtInfId !== pmtInfIdOf(run)) {
      throw new ChainError('BAD_STATEMENT', `the report rejects payment information ${b.pmtInfId}, which is not in run ${run.id} (${pmtInfIdOf(run)})`, { status: 422 });
    }
  }
  const reason = report.rejected[0].reason.slice(0, 200);
  const listed = new Set(report.items.map((i) => i.endToEndId));
  return [...report.items, ...run.items.filter((i) => !listed.has(i.endToEndId)).map((i): SettlementItem => ({ endToEndId: i.endToEndId, outcome: 'failed', reason }))];
}

/**
 * The bank's reference and reason are sealed here, before signing, to the finance office and the
 * policy's department (the contract checks both). An item for no known award is left as read: it
 * carries nothing to seal to, and the contract refuses it (UNKNOWN_PAYMENT) before anything is kept.
 */
export async function sealSettlement(node: Pick<ModulePort, 'view' | 'genesis'>, items: SettlementItem[]): Promise<Record<string, unknown>[]> {
  const view = node.view();
  const financeDept = payoutConfig(node.genesis).financeDept;
  const cache = new Map<string, SealRecipient[]>();
  const out: Record<string, unknown>[] = [];
  for (const item of items) {
    if (!item.bankRef && !item.reason) {
      out.push(item);
      continue;
    }
    const ref = parseEndToEndId(item.endToEndId);
    const dept = ref ? (await view.get<AwardRecord>(pk.award(ref.award)))?.dept : undefined;
    if (!dept) {
      out.push({ endToEndId: item.endToEndId, outcome: item.outcome });
      continue;
    }
    let to = cache.get(dept);
    if (!to) cache.set(dept, (to = await deptSealRecipients(view, [financeDept, dept])));
    if (to.length < new Set([financeDept, dept]).size) throw new ChainError('SEAL_RECIPIENTS', `the finance office and ${dept} need encryption keys to seal the bank's reference and reason to`, { status: 409 });
    out.push({
      ...item,
      ...(item.bankRef ? { bankRef: await seal(item.bankRef, to) } : {}),
      ...(item.reason ? { reason: await seal(item.reason, to) } : {}),
    });
  }
  return out;
}

/**
 * Records a bank statement for a run as payout.settle transactions (`submit` signs them for a
 * finance officer and waits for each receipt).
 * A block the bank rejected whole fails every payment of the run in it (withRejectedBlocks).
 * Lines the chain already holds with the same outcome are skipped, so re-reading a statement after
 * a crash (some batches recorded, some not) records exactly the rest. Whatever slips past this
 * (two imports racing) the contract refuses: ALREADY_SETTLED, ALREADY_RECORDED.
 */
export async function recordStatement(node: ModulePort, run: RunRecord, report: StatusReport, submit: (kind: string, payload: Record<string, unknown>) => Promise<{ id: string; events: { type: string; data: Record<string, unknown> }[] }>): Promise<StatementResult> {
  if (report.run && report.run !== run.id) throw new ChainError('WRONG_RUN', `the report answers message ${report.run}, not run ${run.id}`, { status: 409 });
  const items = withRejectedBlocks(run, report);
  const listed = new Set(items.map((i) => i.endToEndId));
  const view = node.view();
  const unsealed: SettlementItem[] = [];
  let alreadyRecorded = 0;
  for (const item of items) {
    const ref = parseEndToEndId(item.endToEndId);
    const award = ref ? await view.get<AwardRecord>(pk.award(ref.award)) : undefined;
    const pay = award?.payments.find((x) => x.endToEndId === item.endToEndId);
    if (pay && pay.status === item.outcome) alreadyRecorded++;
    else unsealed.push(item);
  }
  const todo = await sealSettlement(node, unsealed);
  const out: StatementResult = { run: run.id, settled: 0, failed: 0, alreadyRecorded, pending: report.pending.filter((id) => !listed.has(id)), txs: [] };
  for (let i = 0; i < todo.length; i += BATCH) {
    const row = await submit('payout.settle', { run: run.id, results: todo.slice(i, i + BATCH) }).catch((e) => {
      // Say what stands: nothing of this statement, or the lines before the refused batch.
      const done = i === 0 ? 'nothing from this statement was recorded' : `the first ${i} lines were recorded; send the whole statement again after fixing it`;
      if (e instanceof ChainError) throw new ChainError(e.code, `${e.message} (${done})`, { status: e.status, data: { ...e.data, recorded: i, txs: out.txs } });
      throw e;
    });
    const ev = row.events.find((e) => e.type === 'payout.settled')?.data ?? {};
    out.settled += Number(ev.settled ?? 0);
    out.failed += Number(ev.failed ?? 0);
    out.txs.push(row.id);
  }
  return out;
}
