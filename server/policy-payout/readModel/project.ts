import type { Knex } from 'knex';
import type { CommittedBlock } from '../../chain/module.ts';
import { openForView } from '../deptSeal.ts';
import { applicationTextView } from '../applicationSeal.ts';
import { payeeView } from '../payeeSeal.ts';
import type { Sealed } from '../../chain/sealing/envelope.ts';
import type { ApplicationRecord, ApplicationView, AwardRecord, AwardView, ExcludedView, ExpertScoreView, ExpertRecord, LedgerRecord, ObjectionRecord, ObjectionView, PaymentRecord, PaymentView, PolicyRecord, PublicationRecord, ReasonsView, RunRecord, SealedMark } from '../records.ts';
import { pk } from '../stateKeys.ts';

const CHUNK = 200; // rows per statement: well under SQLite's bound-variable limit

async function upsert(trx: Knex.Transaction, table: string, key: string | string[], rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await trx(table).insert(rows.slice(i, i + CHUNK)).onConflict(key as string[]).merge();
}

async function readState(trx: Knex.Transaction, keys: string[]): Promise<Map<string, unknown>> {
  const values = new Map<string, unknown>();
  for (let i = 0; i < keys.length; i += 400) {
    const rows: { k: string; v: string }[] = await trx('state').whereIn('k', keys.slice(i, i + 400)).select('k', 'v');
    for (const row of rows) values.set(row.k, JSON.parse(row.v));
  }
  return values;
}

/** An application with what this node may open of it opened: the payee, the experts' opinions. */
async function applicationView(a: ApplicationRecord, keyring: ReadonlyMap<string, string>): Promise<ApplicationView> {
  const payee = await payeeView(a.payee, keyring);
  const { decision: d, review, statement, attachments, attachmentNames, ...rest } = a;
  const text = await applicationTextView({ statement, attachments, attachmentNames }, keyring);
  let decision: ApplicationView['decision'];
  let rejection = a.rejection;
  if (d) {
    const { reasons, ...dr } = d;
    decision = { ...dr, ...(await reasonsView(reasons, keyring)) };
    const opened = decision.reasons;
    // the rejection's public detail stands in for the reasons; where they open, they replace it
    if (opened !== undefined && rejection?.stage === 'decision') rejection = { ...rejection, reasons: rejection.reasons.map((r) => (r.rule === 'decision' ? { ...r, detail: opened } : r)) };
  }
  const base = { ...rest, ...text, payee, ...(decision ? { decision } : {}), ...(rejection ? { rejection } : {}) };
  if (!review) return { ...base, review: undefined };
  const scores = await Promise.all(review.scores.map(async ({ recommendFen, ...s }): Promise<ExpertScoreView> => {
    const o = await openForView<string>(s.opinion, keyring);
    // the recommendation is sealed with the opinion, to the same department: it opens where the opinion does
    const rec = recommendFen ? await openForView<string>(recommendFen, keyring) : undefined;
    const recommend = rec && 'value' in rec ? { recommendFen: rec.value } : {};
    return 'value' in o ? { ...s, ...recommend, opinion: o.value } : { ...s, ...recommend, opinion: undefined, opinionSealed: o.sealed };
  }));
  const excluded = await Promise.all(review.excluded.map(async ({ reasonSealed, ...e }): Promise<ExcludedView> => {
    if (!reasonSealed) return e;
    const o = await openForView<string>(reasonSealed, keyring);
    return 'value' in o ? { ...e, reason: `回避：${o.value}${e.reason.slice('回避'.length)}` } : { ...e, reasonSealed: o.sealed };
  }));
  return { ...base, review: { ...review, scores, excluded } };
}

/** Sealed reasons opened where this node is a recipient, else who they are sealed to. */
async function reasonsView(s: Sealed, keyring: ReadonlyMap<string, string>): Promise<ReasonsView> {
  const o = await openForView<string>(s, keyring);
  return 'value' in o ? { reasons: o.value } : { reasonsSealed: o.sealed };
}

async function objectionView(o: ObjectionRecord, keyring: ReadonlyMap<string, string>): Promise<ObjectionView> {
  const { resolution, reasons: own, ...rest } = o;
  const base = { ...rest, ...(await reasonsView(own, keyring)) };
  if (!resolution) return base;
  const { reasons, ...r } = resolution;
  return { ...base, resolution: { ...r, ...(await reasonsView(reasons, keyring)) } };
}

/** A payment with the bank's reference and reason opened where this node is a recipient. */
async function paymentView(p: PaymentRecord, keyring: ReadonlyMap<string, string>): Promise<PaymentView> {
  const { bankRef, reason, ...rest } = p;
  const out: PaymentView = rest;
  let sealed: SealedMark | undefined;
  const open = async (s: Sealed | undefined): Promise<string | undefined> => {
    if (!s) return undefined;
    const o = await openForView<string>(s, keyring);
    if ('value' in o) return o.value;
    sealed = o.sealed;
    return undefined;
  };
  const ref = await open(bankRef);
  const why = await open(reason);
  return { ...out, ...(ref !== undefined ? { bankRef: ref } : {}), ...(why !== undefined ? { reason: why } : {}), ...(sealed ? { sealed } : {}) };
}

async function awardView(a: AwardRecord, keyring: ReadonlyMap<string, string>): Promise<AwardView> {
  const payments = await Promise.all(a.payments.map((p) => paymentView(p, keyring)));
  const { paid, ...rest } = a;
  const paidView = paid && { endToEndId: paid.endToEndId, time: paid.time, txId: paid.txId, ...(payments.find((p) => p.endToEndId === paid.endToEndId)?.bankRef !== undefined ? { bankRef: payments.find((p) => p.endToEndId === paid.endToEndId)!.bankRef } : {}) };
  return { ...rest, payee: await payeeView(a.payee, keyring), payments, ...(paidView ? { paid: paidView } : {}) };
}

/**
 * Follows a committed block into the read models. Events name the state records they changed;
 * those are read back from state inside the block's database transaction, so the tables are
 * always exactly the committed state, with a few multi-row statements per block.
 */
export async function projectPayout(trx: Knex.Transaction, block: CommittedBlock, keyring: ReadonlyMap<string, string> = new Map()): Promise<void> {
  const touched = new Set<string>();
  for (const r of block.receipts) {
    if (r.status !== 'ok') continue;
    for (const ev of r.events) {
      const recs = (ev.data as { records?: unknown }).records;
      if (ev.type.startsWith('payout.') && Array.isArray(recs)) for (const k of recs) touched.add(k as string);
    }
  }
  if (touched.size) await projectPayoutKeys(trx, [...touched], keyring);
}

/** The read-model rows of these state keys (records under pay/), each as the block touching it writes it. */
export async function projectPayoutKeys(trx: Knex.Transaction, touched: string[], keyring: ReadonlyMap<string, string> = new Map()): Promise<void> {
  const policyIds = [...touched].filter((k) => k.startsWith('pay/policy/')).map((k) => k.slice('pay/policy/'.length));
  const keys = [...touched, ...policyIds.map(pk.successor)].sort();
  const values = await readState(trx, keys);
  const under = <T>(prefix: string) => keys.filter((k) => k.startsWith(prefix) && values.has(k)).map((k) => values.get(k) as T);

  await upsert(trx, 'pay_policies', 'id', under<PolicyRecord>('pay/policy/').map((p) => ({
    id: p.id, dept: p.dept, lineage: p.lineage, successor: (values.get(pk.successor(p.id)) as { policy?: string } | undefined)?.policy ?? null,
    grp: p.exclusionGroup ?? null, opens_at: p.window.opensAt, closes_at: p.window.closesAt, json: JSON.stringify(p),
  })));
  await upsert(trx, 'pay_ledgers', 'policy', under<LedgerRecord>('pay/ledger/').map((l) => ({ policy: l.policy, json: JSON.stringify(l) })));

  const apps = under<ApplicationRecord>('pay/app/');
  // The payee account is stored opened on its recipients' nodes and not at all anywhere else.
  const appViews = await Promise.all(apps.map((a) => applicationView(a, keyring)));
  await upsert(trx, 'pay_applications', 'id', appViews.map((a) => ({ id: a.id, policy: a.policy, dept: a.dept, code: a.code, status: a.status, submitted_at: a.submittedAt, json: JSON.stringify(a) })));
  const reviewed = apps.filter((a) => a.review);
  for (let i = 0; i < reviewed.length; i += CHUNK) await trx('pay_reviewers').whereIn('app_id', reviewed.slice(i, i + CHUNK).map((a) => a.id)).delete();
  const reviewers = reviewed.flatMap((a) => a.review!.experts.map((e) => ({ app_id: a.id, dept: a.dept, expert: e })));
  for (let i = 0; i < reviewers.length; i += CHUNK) await trx('pay_reviewers').insert(reviewers.slice(i, i + CHUNK));

  const awards = under<AwardRecord>('pay/award/');
  const awardViews = await Promise.all(awards.map((a) => awardView(a, keyring)));
  await upsert(trx, 'pay_awards', 'id', awardViews.map((a) => ({
    id: a.id, policy: a.policy, dept: a.dept, code: a.code, status: a.status, amount_fen: a.amountFen, ends_at: a.publicity?.endsAt ?? null, open_objections: a.openObjections.length, json: JSON.stringify(a),
  })));
  // One row per attempt to pay, for finance's lists and the reconciliation report.
  await upsert(trx, 'pay_payments', 'e2e_id', awardViews.flatMap((a) => a.payments.map((p) => ({
    e2e_id: p.endToEndId, award: a.id, run: p.run, policy: a.policy, attempt: p.attempt, status: p.status, amount_fen: a.amountFen, json: JSON.stringify(p),
  }))));
  await upsert(trx, 'pay_publications', 'id', under<PublicationRecord>('pay/pub/').map((p) => ({ id: p.id, policy: p.policy, ends_at: p.endsAt, json: JSON.stringify(p) })));
  const objections = await Promise.all(under<ObjectionRecord>('pay/objection/').map((o) => objectionView(o, keyring)));
  await upsert(trx, 'pay_objections', 'id', objections.map((o) => ({ id: o.id, award: o.award, policy: o.policy, status: o.status, json: JSON.stringify(o) })));
  // The run's item list stays in state (it can hold tens of thousands); the table indexes it.
  await upsert(trx, 'pay_runs', 'id', under<RunRecord>('pay/run/').map((r) => ({ id: r.id, policy: r.policy, created_at: r.createdAt, count: r.count, total_fen: r.totalFen, status: r.status, prepared_by: r.by.user })));
  await upsert(trx, 'pay_experts', ['dept', 'id'], under<ExpertRecord>('pay/expert/').map((e) => ({ dept: e.dept, id: e.id, json: JSON.stringify(e) })));
}
