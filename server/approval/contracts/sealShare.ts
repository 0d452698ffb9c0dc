import { cls } from '../../chain/classification.ts';
import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { auditViewKey, ViewedRecordId, type AuditViewRecord } from '../../chain/contracts/auditView.ts';
import type { TxContext } from '../../chain/contract.ts';
import { keys, type MemberRecord } from '../../chain/identity.ts';
import { AUDIT_DEPT } from '../../chain/readAccess.ts';
import type { StateView } from '../../chain/state.ts';
import { DeptId } from '../../chain/schema.ts';
import { deptOfKid, encKid, isSealed, recipientDepts, Sealed } from '../../chain/sealing/envelope.ts';
import { pk } from '../../policy-payout/stateKeys.ts';
import { z } from 'zod';
import type { FilingRecord } from '../records.ts';
import { ak } from '../stateKeys.ts';
import { emitRecord } from './common.ts';

export const sealShareKey = (code: string, dept: string) => `seal/share/filing/${code}/${dept}`;
/** The departments a filing's contacts were ever shared to, so an amendment can be shared on to them. */
export const sealSharesKey = (code: string) => `seal/shares/filing/${code}`;

export const FilingShare = z.strictObject({
  /** the enterprise whose filing's personal part is shared */
  code: cls(z.string().length(18), 'public'),
  to: DeptId,
  /** why the department may read it: public, so anyone auditing sees every disclosure and its ground */
  basis: cls(z.strictObject({ purpose: z.string().trim().min(1).max(200), app: z.string().regex(/^AP-[0-9]+-[0-9]+$/).optional() }), 'public'),
  /** the same salted value sealed to `to`: its commitment must equal the filing's */
  sealed: Sealed,
});
export type FilingShare = z.infer<typeof FilingShare>;

/** Where a record's sealed fields shared to a department are kept: every field shared so far. */
export const recordShareKey = (record: string, dept: string) => `seal/share/record/${record}/${dept}`;

/**
 * The records whose sealed fields can be shared, by the prefix of their id: the approval's
 * project, supplements and opinions, an inspection's and a case's texts, a payout application's
 * and an award's payee account and reasons; by a credit code, the enterprise's record (the
 * window's notes on how it was verified and why its key was replaced).
 */
const RECORD_KEYS: Record<string, (id: string) => string> = { AP: ak.app, IN: ak.inspection, CS: ak.case, PA: pk.app, AW: pk.award };
export const recordKeyOf = (id: string): string | undefined => (/^[0-9A-Z]{18}$/.test(id) ? ak.enterprise(id) : RECORD_KEYS[id.slice(0, 2)]?.(id));

/** A field inside a record, by its path: `note`, `findings.0.description`, `decision.opinion`, `payee.bank`. */
const FieldPath = z.string().regex(/^[a-zA-Z]{1,32}(\.(?:[a-zA-Z]{1,32}|[0-9]{1,4})){0,5}$/, 'a field path like findings.0.description');

export const RecordShare = z.strictObject({
  /** the record (an inspection, a case, an application, an award) whose sealed fields are shared */
  record: cls(ViewedRecordId, 'public'),
  to: DeptId,
  /** the recorded audit look at this record the share answers, and its purpose */
  basis: cls(z.strictObject({ purpose: z.string().trim().min(1).max(200), auditView: z.string().regex(/^[0-9a-f]{64}$/) }), 'public'),
  /** each field re-sealed to `to` alone, same salt and so the same commitment as in the record */
  fields: z.array(z.strictObject({ path: cls(FieldPath, 'public'), sealed: Sealed })).min(1).max(64),
});
export type RecordShare = z.infer<typeof RecordShare>;

/** A filing's contacts (`code`), or sealed fields of a record (`record`). */
export const SealShare = z.union([FilingShare, RecordShare]);
export type SealShare = z.infer<typeof SealShare>;

export interface RecordShareRecord {
  record: string;
  dept: string;
  /** by field path: what was shared, by whom and on which audit look */
  fields: Record<string, { commit: string; sealed: Sealed; basis: RecordShare['basis']; by: { dept: string; user: string }; height: number }>;
}

/** The value at a path of a state record, through own properties only. */
export function fieldAt(record: unknown, path: string): unknown {
  let v: unknown = record;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null || !Object.prototype.hasOwnProperty.call(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Every sealed envelope inside a record, by path, in key order. */
export function sealedPaths(record: unknown, path = ''): [string, Sealed][] {
  if (isSealed(record)) return [[path, record]];
  if (typeof record !== 'object' || record === null) return [];
  const entries = Array.isArray(record) ? record.map((v, i) => [String(i), v] as const) : Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.flatMap(([k, v]) => sealedPaths(v, path ? `${path}.${k}` : k));
}

export interface SealShareRecord {
  code: string;
  dept: string;
  commit: string;
  sealed: Sealed;
  basis: FilingShare['basis'];
  by: { dept: string; user: string };
  height: number;
}

/**
 * A department that can read a filing's sealed contacts passes them to one more department with
 * a basis (an application it must decide, say). The share carries the value re-sealed to that
 * department under the same commitment, so the recipient can tell it is exactly what the
 * enterprise filed and the sharer cannot pass on anything else; the contract checks who shares,
 * to whom and why, never the plaintext.
 */
export const sealShare = defineContract({
  kind: 'seal.share',
  payload: SealShare,
  roles: ['clerk', 'approver', 'inspector', 'enforcer', 'admin', 'node'],
  async apply(ctx, state, p) {
    if ('record' in p) return applyRecordShare(ctx, state, p);
    const filing = await state.get<FilingRecord>(ak.filing(p.code));
    const envelope = filing?.profile.personal;
    if (!envelope) reject('NOT_FOUND', `no sealed filing for ${p.code}`, 404);
    const from = ctx.actor.dept ?? '';
    const holds = recipientDepts(envelope).includes(from) || (await state.get<SealShareRecord>(sealShareKey(p.code, from)))?.commit === envelope.commit;
    if (!holds) reject('SEAL_NOT_HOLDER', `${from} cannot read this filing's contacts, so it cannot share them`, 403);
    if (p.sealed.commit !== envelope.commit) reject('SEAL_COMMIT_MISMATCH', 'the shared value is not the one the enterprise filed (commitments differ)');
    await checkSealedToOnly(state, p.to, p.sealed);
    if (p.basis.app) {
      const app = await state.get<{ code: string; stages: { dept: string }[] }>(ak.app(p.basis.app));
      if (!app || app.code !== p.code || !app.stages.some((s) => s.dept === p.to)) reject('SEAL_NO_BASIS', `application ${p.basis.app} of ${p.code} has no stage at ${p.to}`, 403);
    }
    const rec: SealShareRecord = { code: p.code, dept: p.to, commit: p.sealed.commit, sealed: p.sealed, basis: p.basis, by: { dept: from, user: ctx.actor.id }, height: ctx.height };
    state.put(sealShareKey(p.code, p.to), rec);
    const depts = (await state.get<string[]>(sealSharesKey(p.code))) ?? [];
    if (!depts.includes(p.to)) state.put(sealSharesKey(p.code), [...depts, p.to].sort());
    emitRecord(ctx, 'seal.shared', { code: p.code, to: p.to, from, purpose: p.basis.purpose }, [sealShareKey(p.code, p.to), ak.filing(p.code)]);
  },
});

/** A share is sealed to the receiving department's current key, and to nothing else. */
async function checkSealedToOnly(state: StateView, to: string, sealed: Sealed): Promise<void> {
  const m = await state.get<MemberRecord>(keys.member(to));
  if (!m?.active || !m.encKey) reject('NO_ENC_KEY', `${to} is not a member with an encryption key`, 404);
  const kids = sealed.jwe.recipients.map((r) => r.header.kid);
  if (kids.length !== 1 || kids[0] !== encKid(to, m.encKey) || deptOfKid(kids[0]) !== to) reject('SEAL_RECIPIENTS', `a share is sealed to ${to}'s current key (${encKid(to, m.encKey)}) only`);
}

/**
 * A record's sealed fields, to audit, on a recorded audit look at that very record: the basis
 * names an `audit.view` whose state entry lists the record (only an auditor of the audit
 * department can write one). The sharer must be a recipient of each envelope it passes on.
 */
async function applyRecordShare(ctx: TxContext, state: StateView, p: RecordShare): Promise<void> {
  const from = ctx.actor.dept ?? '';
  if (p.to !== AUDIT_DEPT) reject('SEAL_NO_BASIS', `a record's sealed fields are shared only to ${AUDIT_DEPT}, on an audit look at the record`, 403);
  const look = await state.get<AuditViewRecord>(auditViewKey(p.basis.auditView));
  if (!look || look.by.dept !== AUDIT_DEPT || !look.records.includes(p.record)) reject('SEAL_NO_BASIS', `audit view ${p.basis.auditView} is not a recorded audit look at ${p.record}`, 403);
  const key = recordKeyOf(p.record);
  const record = key ? await state.get<Record<string, unknown>>(key) : undefined;
  if (!key || record === undefined) reject('NOT_FOUND', `no record ${p.record}`, 404);
  const paths = p.fields.map((f) => f.path);
  if (new Set(paths).size !== paths.length) reject('SEAL_DUPLICATE_FIELD', 'each field is shared once per share');
  const prev = (await state.get<RecordShareRecord>(recordShareKey(p.record, p.to)))?.fields ?? {};
  const fields = { ...prev };
  for (const f of p.fields) {
    const envelope = fieldAt(record, f.path);
    if (!isSealed(envelope)) reject('SEAL_NO_FIELD', `${p.record} has no sealed field ${f.path}`, 404);
    if (!recipientDepts(envelope).includes(from)) reject('SEAL_NOT_HOLDER', `${from} cannot read ${p.record}'s ${f.path}, so it cannot share it`, 403);
    if (f.sealed.commit !== envelope.commit) reject('SEAL_COMMIT_MISMATCH', `the shared ${f.path} is not the value in ${p.record} (commitments differ)`);
    await checkSealedToOnly(state, p.to, f.sealed);
    fields[f.path] = { commit: f.sealed.commit, sealed: f.sealed, basis: p.basis, by: { dept: from, user: ctx.actor.id }, height: ctx.height };
  }
  const sorted = Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  state.put(recordShareKey(p.record, p.to), { record: p.record, dept: p.to, fields: sorted } satisfies RecordShareRecord);
  emitRecord(ctx, 'seal.shared', { record: p.record, to: p.to, from, purpose: p.basis.purpose, fields: paths }, [recordShareKey(p.record, p.to)]);
}
