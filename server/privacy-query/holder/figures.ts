import { z } from 'zod';
import { ChainError, reject } from '../../chain/errors.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { isValidPeriod, loadPrivacyConfig, requireField, type FieldDef } from '../config.ts';
import { MAX_COMMIT_ITEMS } from '../schema.ts';
import { bucketOf, pq, type CommitmentBucket } from '../stateKeys.ts';
import { commit, isCreditCode, packInterval, randomSalt } from '../zk/commitment.ts';
import { isCalendarDay } from '../zk/predicates.ts';
import { U64_LIMIT } from '../zk/field.ts';
import { CommitHasher } from './commitHasher.ts';
import { latestOpenings, saveOpenings, type PrivateValue } from './privateValues.ts';
import type { CommitResult } from '../../../shared/wire/privacy.ts';

export type { CommitResult };

/** Below this many new commitments, hashing in the caller's thread is quicker than starting a worker. */
const HASH_IN_WORKER_FROM = 20_000;

const Int = z.union([z.string().regex(/^(0|[1-9][0-9]{0,19})$/), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]);
const Day = z.union([z.string().regex(/^[0-9]{8}$/), z.number().int()]).transform(String);

/** One figure as the holder's system exports it: a number, a validity interval, or the days of cases. */
export const FigureRow = z.strictObject({
  enterprise: z.string().length(18),
  value: z.union([Int, z.strictObject({ validFrom: Day, validTo: Day }), z.strictObject({ cases: z.array(Day).max(10_000) })]),
});
export const FigureUpload = z.strictObject({
  field: z.string().min(1).max(31),
  period: z.string().regex(/^[0-9]{4,8}$/),
  rows: z.array(FigureRow).min(1).max(200_000),
});
export type FigureUpload = z.input<typeof FigureUpload>;
/** The envelope checked first; each row is then checked on its own, so every bad row is named at once. */
export const FigureEnvelope = FigureUpload.extend({ rows: z.array(z.unknown()).min(1).max(200_000) });

/** At most this many bad rows are listed; the count says how many there were. */
const MAX_ROW_ERRORS = 100;

const badRow = (i: number, message: string) => new ChainError('PQ_BAD_FIGURE', `rows[${i}]: ${message}`, { data: { row: i } });

/**
 * Every row checked before anything is written: a file with any bad row loads nothing, and the
 * refusal lists each bad row (its index and why), so the holder fixes the file in one pass.
 */
export function checkRows(f: FieldDef, period: string, rows: unknown[]): { rows: z.output<typeof FigureRow>[]; values: bigint[] } {
  const errors: { row: number; message: string }[] = [];
  const seen = new Set<string>();
  const good: z.output<typeof FigureRow>[] = [];
  const values: bigint[] = [];
  rows.forEach((raw, i) => {
    const parsed = FigureRow.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      errors.push({ row: i, message: `${issue.path.join('.') || 'row'}: ${issue.message}` });
      return;
    }
    const r = parsed.data;
    try {
      if (!isCreditCode(r.enterprise)) throw badRow(i, `not a unified social credit code: ${r.enterprise}`);
      if (seen.has(r.enterprise)) throw badRow(i, `${r.enterprise} appears twice`);
      seen.add(r.enterprise);
      values.push(figureValue(f, period, r.value, i));
      good.push(r);
    } catch (e) {
      if (!(e instanceof ChainError)) throw e;
      errors.push({ row: i, message: e.message.replace(/^rows\[\d+\]: /, '') });
    }
  });
  if (errors.length) {
    const first = errors[0];
    reject('PQ_BAD_FIGURE', `${errors.length} of ${rows.length} rows are wrong; nothing was loaded (rows[${first.row}]: ${first.message})`, 400, { rows: errors.slice(0, MAX_ROW_ERRORS), bad: errors.length });
  }
  return { rows: good, values };
}

/** The committed integer of a row: the figure itself, a packed interval, or the day of the latest case up to the period (0: none). */
export function figureValue(f: FieldDef, period: string, v: z.output<typeof FigureRow>['value'], i: number): bigint {
  if (f.kind === 'value') {
    if (typeof v === 'object') throw badRow(i, `${f.name} takes a number (${f.unit})`);
    const x = BigInt(v);
    if (x >= U64_LIMIT) throw badRow(i, 'value must be below 2^64');
    return x;
  }
  const day = (d: string) => {
    if (!isCalendarDay(BigInt(d))) throw badRow(i, `${d} is not a calendar day yyyymmdd`);
    return Number(d);
  };
  if (f.kind === 'interval') {
    if (typeof v !== 'object' || !('validFrom' in v)) throw badRow(i, `${f.name} takes {validFrom, validTo}`);
    if (day(v.validFrom) > day(v.validTo)) throw badRow(i, 'validFrom is after validTo');
    return packInterval(Number(v.validFrom), Number(v.validTo));
  }
  if (typeof v !== 'object' || !('cases' in v)) throw badRow(i, `${f.name} takes {cases: [yyyymmdd, ...]}`);
  const upTo = v.cases.map(day).filter((d) => d <= Number(period));
  return BigInt(upTo.length ? Math.max(...upTo) : 0);
}

/**
 * The holder loads its figures: validates every row first (a bad row writes nothing), keeps value and
 * salt in its own table, and commits Poseidon commitments on the chain in transactions that fit the
 * size limit. An unchanged figure keeps its salt, so re-loading a file sends only what changed.
 */
export async function commitFigures(node: ModulePort, user: string | undefined, input: FigureUpload, wait: 'receipt' | 'none' = 'receipt'): Promise<CommitResult> {
  const env = FigureEnvelope.parse(input);
  const cfg = await loadPrivacyConfig(node.view(), node.genesis);
  const f = requireField(cfg, env.field);
  if (f.holder !== node.dept) reject('PQ_NOT_HOLDER', `${f.name} is held by ${f.holder}, not ${node.dept}`, 403);
  if (!isValidPeriod(f, env.period)) reject('PQ_BAD_PERIOD', `${f.name} periods are written ${f.period}`);
  const { rows, values } = checkRows(f, env.period, env.rows);
  const up = { ...env, rows };

  const prev = await latestOpenings(node.db, f.name, up.period);
  const keyOf = (e: string) => pq.commitment(f.name, up.period, e);
  const texts = await node.getMany(up.rows.filter((r) => prev.has(r.enterprise)).map((r) => keyOf(r.enterprise)));
  // An unchanged figure keeps its opening; one whose commitment the chain already holds is not sent.
  const buckets = new Map<string, CommitmentBucket | undefined>();
  // only asked for enterprises with a previous opening, whose keys were all read above
  const onChainOf = (e: string) => {
    const k = keyOf(e);
    if (!buckets.has(k)) {
      const text = texts.get(k);
      buckets.set(k, text === undefined ? undefined : (JSON.parse(text) as CommitmentBucket));
    }
    return buckets.get(k)?.[e];
  };
  const todo: { enterprise: string; value: bigint; reuse?: PrivateValue }[] = [];
  for (let i = 0; i < up.rows.length; i++) {
    const enterprise = up.rows[i].enterprise;
    const old = prev.get(enterprise);
    const reuse = old && old.value === values[i].toString() ? old : undefined;
    const onChain = reuse && onChainOf(enterprise);
    if (onChain && onChain.commitment === reuse.commitment) continue;
    todo.push({ enterprise, value: values[i], reuse });
  }
  // Sorted by bucket, so each transaction rewrites as few buckets as it can.
  const bucketKey = new Map(todo.map((t) => [t.enterprise, `${bucketOf(t.enterprise)}${t.enterprise}`]));
  todo.sort((a, b) => (bucketKey.get(a.enterprise)! < bucketKey.get(b.enterprise)! ? -1 : 1));

  const period = BigInt(up.period);
  const hasher = todo.length > HASH_IN_WORKER_FROM ? new CommitHasher(f.name, period) : undefined;
  const hashBatch = async (batch: typeof todo): Promise<PrivateValue[]> => {
    const fresh = batch.filter((t) => !t.reuse).map((t) => ({ enterprise: t.enterprise, value: t.value, salt: randomSalt() }));
    const cs = hasher ? await hasher.commitments(fresh) : await Promise.all(fresh.map((o) => commit({ ...o, field: f.name, period })));
    const made = new Map(fresh.map((o, j) => [o.enterprise, { field: f.name, period: up.period, enterprise: o.enterprise, commitment: cs[j].toString(), value: o.value.toString(), salt: o.salt.toString() }]));
    return batch.map((t) => t.reuse ?? made.get(t.enterprise)!);
  };
  const txs: string[] = [];
  try {
    // All batches queue on the worker at once; each is saved and submitted as soon as it is hashed,
    // so hashing, the holder's inserts and every node's block execution overlap.
    const batches: Promise<PrivateValue[]>[] = [];
    for (let i = 0; i < todo.length; i += MAX_COMMIT_ITEMS) batches.push(hashBatch(todo.slice(i, i + MAX_COMMIT_ITEMS)));
    batches.forEach((b) => b.catch(() => {}));
    for (const b of batches) {
      const openings = await b;
      // Openings first: a question may arrive the moment a commitment lands.
      await saveOpenings(node.db, openings.filter((o) => !prev.has(o.enterprise) || prev.get(o.enterprise)!.commitment !== o.commitment), Date.now());
      const { id } = await node.submitAs(user, 'privacy.commit', { field: f.name, period: up.period, items: openings.map((o) => [o.enterprise, o.commitment]) }, 'none');
      txs.push(id);
    }
  } finally {
    await hasher?.close();
  }
  const rejected: CommitResult['rejected'] = [];
  if (wait === 'receipt') {
    for (const id of txs) {
      const row = await node.waitFor(id, 'receipt', 120_000);
      if (row.status === 'rejected') rejected.push({ tx: id, code: row.code, reason: row.reason });
    }
  }
  return { field: f.name, period: up.period, rows: up.rows.length, unchanged: up.rows.length - todo.length, committed: todo.length, txs, rejected };
}
