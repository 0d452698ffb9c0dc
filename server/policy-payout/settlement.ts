import { ChainError } from '../chain/errors.ts';
import type { ChainNode } from '../chain/node.ts';
import type { StatusReport } from './bank/statusReport.ts';
import type { AwardRecord, RunRecord } from './records.ts';
import type { SettlementItem } from './schema.ts';
import { parseEndToEndId, pk } from './stateKeys.ts';

const BATCH = 400;

export interface StatementResult {
  run: string;
  settled: number;
  failed: number;
  /** lines the chain already holds with the same outcome: a statement read twice, or after a crash */
  alreadyRecorded: number;
  pending: string[];
  txs: string[];
}

/**
 * Records a bank statement for a run as payout.settle transactions (`submit` signs them for a
 * finance officer and waits for each receipt).
 * Lines the chain already holds with the same outcome are skipped, so re-reading a statement after
 * a crash (some batches recorded, some not) records exactly the rest. Whatever slips past this
 * (two imports racing) the contract refuses: ALREADY_SETTLED, ALREADY_RECORDED.
 */
export async function recordStatement(node: ChainNode, run: RunRecord, report: StatusReport, submit: (kind: string, payload: Record<string, unknown>) => Promise<{ id: string; events: { type: string; data: Record<string, unknown> }[] }>): Promise<StatementResult> {
  if (report.run && report.run !== run.id) throw new ChainError('WRONG_RUN', `the report answers message ${report.run}, not run ${run.id}`, { status: 409 });
  const view = node.view();
  const todo: SettlementItem[] = [];
  let alreadyRecorded = 0;
  for (const item of report.items) {
    const ref = parseEndToEndId(item.endToEndId);
    const award = ref ? await view.get<AwardRecord>(pk.award(ref.award)) : undefined;
    const pay = award?.payments.find((x) => x.endToEndId === item.endToEndId);
    if (pay && pay.status === item.outcome) alreadyRecorded++;
    else todo.push(item);
  }
  const out: StatementResult = { run: run.id, settled: 0, failed: 0, alreadyRecorded, pending: report.pending, txs: [] };
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
