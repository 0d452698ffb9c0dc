import type { Actor, TxContext } from '../../server/chain/contract.ts';
import { isChainError } from '../../server/chain/errors.ts';
import { BlockState } from '../../server/chain/state.ts';
import { canonicalJson } from '../../server/chain/canonical.ts';
import { sha256Hex } from '../../server/chain/hash.ts';
import { keys } from '../../server/chain/identity.ts';
import { encKid, seal } from '../../server/chain/sealing/envelope.ts';
import { sealPayee } from '../../server/policy-payout/payeeSeal.ts';
import { payoutContracts } from '../../server/policy-payout/contracts/index.ts';
import { makeConsortium } from '../support/fixtures.ts';
import { testCode } from '../approval/support.ts';

export const POLICY: Actor = { id: 'policy1', role: 'policy', dept: 'econ' };
export const FINANCE: Actor = { id: 'finance1', role: 'finance', dept: 'finance' };
/** the second finance officer, who approves the runs FINANCE prepares */
export const FINANCE2: Actor = { id: 'finance2', role: 'finance', dept: 'finance' };
export const ECON_NODE: Actor = { id: 'econ', role: 'node', dept: 'econ' };
export const ent = (code: string): Actor => ({ id: code, role: 'enterprise' });

const DAY = 86_400_000;
const genesis = makeConsortium(['econ', 'finance', 'tax', 'hrss']).genesis;
const defs = new Map(payoutContracts.map((d) => [d.kind, d]));

const STAFF_TEXT: Record<string, string> = { 'payout.decide': 'reasons', 'payout.resolve': 'reasons', 'payout.recuse': 'reason' };

/**
 * The payout contracts over an in-memory state, one transaction per block, with the executor's
 * rules (payload parsed by the contract's schema, a throw rolls everything back). Fast enough for
 * property tests over thousands of random steps; the node runs the very same handlers.
 */
export class Harness {
  readonly state = new Map<string, string>(
    // the member records the chain starts with: payee accounts are sealed to their keys
    genesis.members.map((m) => [keys.member(m.dept), canonicalJson({ ...m, active: true })]),
  );
  readonly sealTo = genesis.members.filter((m) => ['econ', 'finance'].includes(m.dept)).map((m) => ({ kid: encKid(m.dept, m.encKey!), encKey: m.encKey! }));
  height = 1;
  time = Date.UTC(2026, 2, 1);
  deptKey = (dept: string) => genesis.members.filter((m) => m.dept === dept).map((m) => ({ kid: encKid(m.dept, m.encKey!), encKey: m.encKey! }));

  async run(kind: string, actor: Actor, payload: Record<string, unknown>): Promise<{ ok: true; events: { type: string; data: Record<string, any> }[] } | { ok: false; code: string; message: string }> {
    const def = defs.get(kind)!;
    // staff text as the acting node seals it before signing: to the actor's department
    const field = STAFF_TEXT[kind];
    if (field && typeof payload[field] === 'string') {
      const m = genesis.members.find((x) => x.dept === actor.dept);
      if (m?.encKey) payload = { ...payload, [field]: await seal(payload[field], [{ kid: encKid(m.dept, m.encKey), encKey: m.encKey }]) };
    }
    // an objection's reasons, sealed by the objector to the award's department
    if (kind === 'payout.object' && typeof payload.reasons === 'string') {
      const award = this.state.get(`pay/award/${String(payload.award)}`);
      payload = { ...payload, reasons: await seal(payload.reasons, this.deptKey(award ? (JSON.parse(award) as { dept: string }).dept : 'econ')) };
    }
    const parsed = def.payload.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, code: (issue.code === 'custom' && (issue.params?.code as string)) || 'BAD_PAYLOAD', message: issue.message };
    }
    const bs = new BlockState({ get: async (k) => this.state.get(k) });
    const txId = sha256Hex(`${this.height}:${kind}:${canonicalJson(payload)}`);
    const view = bs.begin(txId);
    const events: { type: string; data: Record<string, any> }[] = [];
    const ctx: TxContext = { chain: genesis.chain, height: this.height, time: this.time, txId, index: 0, signer: 'test', actor, genesis, emit: (type, data) => events.push({ type, data }) };
    this.height++;
    this.time += 1000;
    try {
      await def.apply(ctx, view, parsed.data);
    } catch (e) {
      if (!isChainError(e)) throw e;
      return { ok: false, code: e.code, message: e.message };
    }
    await bs.commitTx();
    for (const w of await bs.writes()) {
      if (w.new === null) this.state.delete(w.key);
      else this.state.set(w.key, w.new);
    }
    return { ok: true, events };
  }

  /** A payment run prepared by FINANCE and approved by FINANCE2; the answer is the preparation's (or the first refusal). */
  async payRun(payload: Record<string, unknown>) {
    const made = await this.run('payout.run', FINANCE, payload);
    if (!made.ok) return made;
    const approved = await this.run('payout.runApprove', FINANCE2, { run: made.events[0].data.run });
    return approved.ok ? made : approved;
  }

  /** A bank statement's lines as the finance office's node signs them: reference and reason sealed to econ and finance. */
  async sealSettlement(items: { endToEndId: string; outcome: string; bankRef?: string; reason?: string }[]): Promise<Record<string, unknown>[]> {
    return Promise.all(items.map(async (i) => ({ ...i, ...(i.bankRef ? { bankRef: await seal(i.bankRef, this.sealTo) } : {}), ...(i.reason ? { reason: await seal(i.reason, this.sealTo) } : {}) })));
  }

  get<T>(key: string): T | undefined {
    const v = this.state.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  passDays(d: number): void {
    this.time += d * DAY;
  }

  /** Registered, filed enterprises (the records the approval module would have written). */
  enterprises(n: number, seed = 1): string[] {
    return Array.from({ length: n }, (_, i) => {
      const code = testCode(seed + i);
      const name = `滨江性质${seed + i}有限公司`;
      this.state.set(`ent/${code}`, canonicalJson({ code, name, status: 'active' }));
      this.state.set(`filing/${code}`, canonicalJson({ code, version: 1, profile: { name, address: '滨江市江南区', industry: { code: 'C39', name: '电子' } } }));
      return code;
    });
  }

  /** An expert of econ (the user record the chain would hold) who registers an encryption key. */
  async expert(id: string, conflicts: { enterprises?: string[] } = {}): Promise<Actor> {
    this.state.set(`user/econ/${id}`, canonicalJson({ id, dept: 'econ', name: id, role: 'expert', active: true }));
    const actor: Actor = { id, role: 'expert', dept: 'econ' };
    const r = await this.run('payout.expertRegister', actor, { encKey: sha256Hex(`key/${id}`), conflicts });
    if (!r.ok) throw new Error(`expertRegister: ${r.code} ${r.message}`);
    return actor;
  }

  async publish(o: { budgetFen: string; capFen: string; publicityDays?: number; supersedes?: string; experts?: number }): Promise<string> {
    const r = await this.run('payout.publish', POLICY, {
      title: '性质测试政策', legalBasis: '测试', budgetFen: o.budgetFen, capFen: o.capFen,
      window: { opensAt: 0, closesAt: this.time + 3650 * DAY }, review: o.experts ? { method: 'expert', experts: o.experts } : { method: 'none' }, publicityDays: o.publicityDays ?? 5,
      ...(o.supersedes ? { supersedes: o.supersedes } : {}),
    });
    if (!r.ok) throw new Error(`publish: ${r.code} ${r.message}`);
    return r.events[0].data.policy as string;
  }

  async apply(code: string, policy: string, extra: Record<string, unknown> = {}): Promise<string> {
    const payee = await sealPayee({ name: this.get<any>(`filing/${code}`).profile.name, account: '62220210012345', bankName: '工行', bankCode: '102331000013' }, this.sealTo);
    const dept = (JSON.parse(this.state.get(`pay/policy/${policy}`) ?? '{}') as { dept?: string }).dept ?? 'econ';
    const r = await this.run('payout.apply', ent(code), { policy, filingVersion: 1, statement: await seal('申请', this.deptKey(dept)), payee, ...extra });
    if (!r.ok) throw new Error(`apply: ${r.code} ${r.message}`);
    return r.events[0].data.application as string;
  }
}
