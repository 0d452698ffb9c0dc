import type { ModulePort } from '../chain/modulePort.ts';
import { checkLicenceImport } from '../approval/contracts/licenceImport.ts';
import { ak } from '../approval/stateKeys.ts';
import type { ImportRowError } from '../../shared/licenceImport.ts';
import { finishJob, recordBatch } from './jobStore.ts';
import type { SheetRow } from './readImportFile.ts';
import { refusalOf, rowError, rowPayload, type RowPayload } from './rowPayload.ts';

/** Rows signed and ordered together: several of them land in each block. */
export const IMPORT_BATCH = 250;
const RECEIPT_TIMEOUT_MS = 120_000;

export interface ImportRun {
  node: ModulePort;
  jobId: string;
  user: string;
  source: string;
  rows: SheetRow[];
  /** the machine's clock, for the early check of issue days (the contract decides again by block time) */
  now: () => number;
  /** true once the node stopped: the job ends as interrupted */
  stopped: () => boolean;
}

/**
 * Runs one import, batch by batch: each row is read into its payload, refused early by the
 * contract's own rule against committed state (a bad row is reported, never ordered), skipped
 * when its key (department, source, number) is on the chain already, and otherwise signed for
 * the importing person and ordered. A batch's outcome is recorded once its receipts are in, so
 * the job's counts are what the chain holds; the next batch is ordered meanwhile (the rows of a
 * file have distinct keys, so no batch depends on the one before). Killed halfway, the same
 * file imported again skips what was done and continues.
 */
export async function runImport(r: ImportRun): Promise<void> {
  const { node } = r;
  const firstRowOf = new Map<string, number>();
  let settling: Promise<void> = Promise.resolve();
  try {
    for (let i = 0; i < r.rows.length; i += IMPORT_BATCH) {
      if (r.stopped()) break;
      const ordered = await orderBatch(r, r.rows.slice(i, i + IMPORT_BATCH), firstRowOf);
      await settling;
      settling = settle(r, ordered).then((outcome) => recordBatch(node.db, r.jobId, outcome));
      // a failure is seen at the next await; keep it from being reported as unhandled meanwhile
      settling.catch(() => {});
    }
    await settling;
    await finishJob(node.db, r.jobId, r.stopped() ? 'interrupted' : 'done', r.now());
  } catch (err) {
    node.log.error({ err, job: r.jobId }, 'import stopped by an error');
    await finishJob(node.db, r.jobId, r.stopped() ? 'interrupted' : 'failed', r.now()).catch(() => {});
  }
}

type Ordered = Awaited<ReturnType<typeof orderBatch>>;

async function orderBatch(r: ImportRun, rows: SheetRow[], firstRowOf: Map<string, number>) {
  const { node } = r;
  const errors: ImportRowError[] = [];
  const ready: { row: SheetRow; payload: RowPayload; key: string }[] = [];
  for (const row of rows) {
    const parsed = rowPayload(row, r.source);
    if ('error' in parsed) {
      errors.push(parsed.error);
      continue;
    }
    const key = ak.importedLicence(node.dept, r.source, parsed.payload.number);
    const first = firstRowOf.get(key);
    if (first !== undefined) {
      errors.push(rowError(row.row, 'number', 'DUPLICATE_ROW', `repeats the licence number of row ${first}`, row.cells.number, { first: String(first) }));
      continue;
    }
    firstRowOf.set(key, row.row);
    ready.push({ row, payload: parsed.payload, key });
  }

  const onChain = await node.getMany(ready.map((x) => x.key));
  const skipped = ready.filter((x) => onChain.has(x.key)).length;
  const view = node.view();
  const at = { dept: node.dept, time: Math.max(await node.headTime(), r.now()) };
  const toSign: typeof ready = [];
  for (const x of ready) {
    if (onChain.has(x.key)) continue;
    try {
      await checkLicenceImport(at, view, x.payload);
      toSign.push(x);
    } catch (err) {
      errors.push(refusalOf(x.row, err));
    }
  }

  const submitted = await Promise.all(
    toSign.map(async (x) => {
      try {
        return { x, id: (await node.submit(node.signAs(r.user, 'licence.import', x.payload))).id };
      } catch (err) {
        errors.push(refusalOf(x.row, err));
        return undefined;
      }
    }),
  );
  return { errors, skipped, submitted };
}

async function settle({ node }: ImportRun, { errors, skipped, submitted }: Ordered) {
  let imported = 0;
  let alsoSkipped = 0;
  for (const s of submitted) {
    if (!s) continue;
    const receipt = await node.waitFor(s.id, 'receipt', RECEIPT_TIMEOUT_MS);
    if (receipt.status === 'ok') imported++;
    // another import of the same record won the race: it is on the chain, which is what was asked
    else if (receipt.code === 'ALREADY_IMPORTED') alsoSkipped++;
    else errors.push(rowError(s.x.row.row, '', receipt.code ?? 'REJECTED', receipt.reason ?? 'rejected in its block'));
  }
  errors.sort((a, b) => a.row - b.row);
  return { imported, skipped: skipped + alsoSkipped, errors };
}
