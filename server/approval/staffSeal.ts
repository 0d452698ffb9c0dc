import type { TxContext } from '../chain/contract.ts';
import { ChainError, reject } from '../chain/errors.ts';
import { keys, type MemberRecord } from '../chain/identity.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import type { Genesis } from '../chain/schema.ts';
import { encKid, isSealed, seal, type Sealed, type SealRecipient } from '../chain/sealing/envelope.ts';
import type { StateView } from '../chain/state.ts';
import type { ApplicationRecord, CaseRecord, InspectionRecord } from './records.ts';
import { FILING_SEAL_DEPTS } from './filingSeal.ts';
import { loadProcess, loadRules } from './rules.ts';
import { ak } from './stateKeys.ts';

/**
 * Text staff write about an enterprise, sealed by the acting department's node before it signs:
 * the supervision loop (审管执): inspection subjects, findings and notes, case subjects, opinions
 * and closing notes, sealed to the departments with a basis for the matter: the department that
 * inspects or owns the case, the department whose inspection opened it, and the enforcement
 * department, to which a finding flows. The loop runs on the public parts (severity, category,
 * result, type, penalty); no contract reads these texts. An approver's opinion and the
 * evidence it names, sealed to every department owning a stage of the application: the decision
 * (approve, reject, return), its checks and time stay public and drive the workflow. The window
 * clerk's notes on registering an enterprise or replacing its key, sealed to whoever receives the
 * filing's contacts (the registration departments and the market regulator).
 */
export const STAFF_SEALED: Readonly<Record<string, readonly string[]>> = {
  'inspection.plan': ['subject'],
  'inspection.record': ['subject', 'note', 'findings[].description'],
  'case.open': ['subject'],
  'case.decide': ['opinion'],
  'case.close': ['note'],
  'approval.decide': ['opinion', 'evidence[].ref'],
  'enterprise.register': ['verification.note'],
  'enterprise.rotateKey': ['note'],
};

/**
 * What an enterprise writes about its application, sealed in its browser before it signs
 * (GET /approval/processes/{id}/sealing and /applications/{id}/sealing name the recipients):
 * every department owning a stage of the process, as for an approver's opinion. The contract checks it as it checks
 * staff text.
 */
export const ENTERPRISE_SEALED: Readonly<Record<string, readonly string[]>> = {
  'approval.apply': ['project.investmentFen', 'project.description'],
  'approval.supplement': ['note', 'materialNames'],
};

/** The departments a staff transaction's text is sealed to, from committed state. */
export async function staffSealDepts(state: StateView, genesis: Genesis, kind: string, p: Record<string, unknown>, actorDept: string | undefined): Promise<string[]> {
  if (kind === 'approval.decide' || kind === 'approval.supplement') {
    // every department owning a stage of the application decides on the same matter
    const app = typeof p.app === 'string' ? await state.get<ApplicationRecord>(ak.app(p.app)) : undefined;
    return [...new Set([...(actorDept ? [actorDept] : []), ...(app?.stages.map((s) => s.dept) ?? [])])].sort();
  }
  if (kind === 'approval.apply') {
    const def = typeof p.process === 'string' ? await loadProcess(state, p.process) : undefined;
    return [...new Set(def?.phases.flatMap((ph) => ph.stages.map((s) => s.dept)) ?? [])].sort();
  }
  const rules = await loadRules(state, genesis);
  if (kind === 'enterprise.register' || kind === 'enterprise.rotateKey') return [...new Set([...rules.registrationDepts, ...FILING_SEAL_DEPTS])].sort();
  const depts = [...(actorDept ? [actorDept] : []), rules.enforcement.dept];
  if (kind === 'inspection.record' && typeof p.inspection === 'string') {
    const insp = await state.get<InspectionRecord>(ak.inspection(p.inspection));
    if (insp) depts.push(insp.dept);
  }
  if ((kind === 'case.decide' || kind === 'case.close') && typeof p.case === 'string') {
    const c = await state.get<CaseRecord>(ak.case(p.case));
    if (c) depts.push(c.dept, ...('inspection' in c.origin ? [c.origin.dept] : []));
  }
  return [...new Set(depts)].sort();
}

/** Of those departments, the active members with an encryption key, each by its current key. */
async function recipientsOf(state: StateView, depts: string[]): Promise<SealRecipient[]> {
  const out: SealRecipient[] = [];
  for (const d of depts) {
    const m = await state.get<MemberRecord>(keys.member(d));
    if (m?.active && m.encKey) out.push({ kid: encKid(d, m.encKey), encKey: m.encKey });
  }
  return out;
}

/** The values of a payload at one path of STAFF_SEALED ("a.b", "a[].b"), with where they are. */
function valuesAt(v: unknown, segs: string[], at: string): [string, unknown][] {
  if (v === undefined || v === null) return [];
  if (!segs.length) return [[at, v]];
  const [seg, ...rest] = segs;
  const many = seg.endsWith('[]');
  const field = (v as Record<string, unknown>)[many ? seg.slice(0, -2) : seg];
  if (!many) return valuesAt(field, rest, at ? `${at}.${seg}` : seg);
  return Array.isArray(field) ? field.flatMap((x, i) => valuesAt(x, rest, `${at ? `${at}.` : ''}${seg.slice(0, -2)}[${i}]`)) : [];
}

/** A copy of the payload with each value at the path replaced by `fn` of it. */
async function mapAt(v: unknown, segs: string[], fn: (x: unknown) => Promise<unknown>): Promise<unknown> {
  if (v === undefined || v === null) return v;
  if (!segs.length) return fn(v);
  const [seg, ...rest] = segs;
  const many = seg.endsWith('[]');
  const key = many ? seg.slice(0, -2) : seg;
  const o = v as Record<string, unknown>;
  if (o[key] === undefined) return v;
  if (!many) return { ...o, [key]: await mapAt(o[key], rest, fn) };
  return Array.isArray(o[key]) ? { ...o, [key]: await Promise.all((o[key] as unknown[]).map((x) => mapAt(x, rest, fn))) } : v;
}

const envelopesOf = (kind: string, p: Record<string, unknown>): [string, unknown][] => [...(STAFF_SEALED[kind] ?? []), ...(ENTERPRISE_SEALED[kind] ?? [])].flatMap((path) => valuesAt(p, path.split('.'), ''));

/**
 * Contract side: every sealed field is sealed to each department with a basis (its current key)
 * and to member departments' current keys only. Only recipients and key ids are checked, never
 * the plaintext, so every node decides the same whichever of them can open it.
 */
export async function checkStaffSeal(ctx: TxContext, state: StateView, kind: string, p: Record<string, unknown>): Promise<void> {
  const want = await recipientsOf(state, await staffSealDepts(state, ctx.genesis, kind, p, ctx.actor.dept));
  for (const [path, v] of envelopesOf(kind, p)) {
    const s = v as Sealed;
    const kids = new Set(s.jwe.recipients.map((r) => r.header.kid));
    if (kids.size !== s.jwe.recipients.length) reject('SEAL_RECIPIENTS', `${path} names one recipient twice`);
    const missing = want.filter((r) => !kids.has(r.kid)).map((r) => r.kid);
    if (missing.length) reject('SEAL_RECIPIENTS', `${path} must be sealed to ${missing.join(', ')}`);
    for (const kid of kids) {
      const m = await state.get<MemberRecord>(keys.member(kid.slice(0, kid.indexOf('/'))));
      if (!m?.active || !m.encKey || !kid.endsWith(`/${m.encKey.slice(0, 16)}`)) reject('SEAL_RECIPIENTS', `${kid} in ${path} is not a member department's current encryption key`);
    }
  }
}

/** The recipients an enterprise seals its text about an application to, each by its current key. */
export async function appSealRecipients(state: StateView, genesis: Genesis, app: string): Promise<SealRecipient[]> {
  return recipientsOf(state, await staffSealDepts(state, genesis, 'approval.supplement', { app }, undefined));
}

/** The recipients an enterprise seals its project's investment and description to, for an application to the process. */
export async function processSealRecipients(state: StateView, genesis: Genesis, process: string): Promise<SealRecipient[]> {
  return recipientsOf(state, await staffSealDepts(state, genesis, 'approval.apply', { process }, undefined));
}

/**
 * Node side, before signing for its staff: replaces each plaintext text of STAFF_SEALED
 * by its envelope. A value already sealed is left as it is (the contract checks it).
 */
export async function sealStaffPayload(node: ModulePort, kind: string, p: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (!STAFF_SEALED[kind]) return p;
  const state = node.view();
  const to = await recipientsOf(state, await staffSealDepts(state, node.genesis, kind, p, node.dept));
  if (!to.length) throw new ChainError('NO_ENC_KEY', 'no department with a basis has an encryption key on the chain', { status: 409 });
  const wrap = async (v: unknown) => (isSealed(v) ? v : seal(v, to));
  let out: unknown = p;
  for (const path of STAFF_SEALED[kind]) out = await mapAt(out, path.split('.'), wrap);
  return out as Record<string, unknown>;
}
