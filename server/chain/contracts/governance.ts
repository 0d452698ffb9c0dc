import { z } from 'zod';
import type { Proposal } from '../../../shared/wire/admin.ts';
import { clsAll } from '../classification.ts';
import type { ContractDef, TxContext } from '../contract.ts';
import { defineContract } from '../contract.ts';
import { ChainError } from '../errors.ts';
import { quorumOf } from '../genesis.ts';
import { keys, type MemberRecord } from '../identity.ts';
import { DeptId, EncKey } from '../schema.ts';
import { refuseControl } from '../text.ts';
import type { StateView } from '../state.ts';
import { suiteByName } from '../suites/index.ts';

/**
 * A change the consortium makes together: it takes effect only once administrators of a
 * quorum of member departments have approved it. Modules add their own actions (score
 * weights, statutory rules) through `GovAction`.
 */
export interface GovAction<P = any> {
  type: string;
  params: z.ZodType<P>;
  /** validate when proposed, so a proposal that could never apply is refused early */
  check?(state: StateView, params: P, ctx: TxContext): Promise<void>;
  apply(ctx: TxContext, state: StateView, params: P): Promise<void>;
}

export type { Proposal };

const proposalKey = (id: string) => `gov/proposal/${id}`;

function assertKeyLength(ctx: TxContext, key: string): void {
  const want = suiteByName(ctx.genesis.suite).publicKeyHexLength;
  if (key.length !== want) throw new ChainError('MALFORMED_KEY', `a ${ctx.genesis.suite} node key has ${want} hex characters`);
}

export async function activeMembers(state: StateView): Promise<string[]> {
  return (await state.get<string[]>(keys.members())) ?? [];
}

const memberAdd: GovAction = {
  type: 'member.add',
  params: z.strictObject(clsAll({ dept: DeptId, name: z.string().min(1).superRefine(refuseControl(false)), nameEn: z.string().min(1).superRefine(refuseControl(false)), nodeKey: z.string().regex(/^[0-9a-f]{64,130}$/), encKey: EncKey.optional() }, 'public')),
  async check(state, p, ctx) {
    assertKeyLength(ctx, p.nodeKey);
    const existing = await state.get<MemberRecord>(keys.member(p.dept));
    if (existing?.active) throw new ChainError('ALREADY_MEMBER', `${p.dept} is already a member`, { status: 409 });
    if (await state.get(keys.signer(p.nodeKey))) throw new ChainError('KEY_IN_USE', 'that key is already registered', { status: 409 });
  },
  async apply(ctx, state, p) {
    await this.check!(state, p, ctx);
    const old = await state.get<MemberRecord>(keys.member(p.dept));
    const encKeysOld = [...(old?.encKeysOld ?? []), ...(old?.encKey && old.encKey !== p.encKey ? [old.encKey] : [])];
    state.put(keys.member(p.dept), { ...p, ...(encKeysOld.length ? { encKeysOld } : {}), active: true } satisfies MemberRecord);
    state.put(keys.signer(p.nodeKey), { type: 'node', dept: p.dept });
    state.put(keys.members(), [...(await activeMembers(state)), p.dept].sort());
    state.put(keys.user(p.dept, 'admin'), { id: 'admin', dept: p.dept, name: `${p.name}管理员`, role: 'admin', active: true });
    ctx.emit('member.added', { dept: p.dept });
  },
};

const memberRemove: GovAction = {
  type: 'member.remove',
  params: z.strictObject({ dept: DeptId }),
  async check(state, p) {
    const m = await state.get<MemberRecord>(keys.member(p.dept));
    if (!m?.active) throw new ChainError('NOT_A_MEMBER', `${p.dept} is not an active member`, { status: 404 });
    if ((await activeMembers(state)).length <= 1) throw new ChainError('LAST_MEMBER', 'the last member cannot be removed');
  },
  async apply(ctx, state, p) {
    await this.check!(state, p, ctx);
    const m = (await state.get<MemberRecord>(keys.member(p.dept)))!;
    state.put(keys.member(p.dept), { ...m, active: false });
    state.del(keys.signer(m.nodeKey));
    state.put(keys.members(), (await activeMembers(state)).filter((d) => d !== p.dept));
    ctx.emit('member.removed', { dept: p.dept });
  },
};

const memberRotateKey: GovAction = {
  type: 'member.rotateKey',
  params: z.strictObject(clsAll({ dept: DeptId, nodeKey: z.string().regex(/^[0-9a-f]{64,130}$/) }, 'public')),
  async check(state, p, ctx) {
    assertKeyLength(ctx, p.nodeKey);
    const m = await state.get<MemberRecord>(keys.member(p.dept));
    if (!m?.active) throw new ChainError('NOT_A_MEMBER', `${p.dept} is not an active member`, { status: 404 });
    if (await state.get(keys.signer(p.nodeKey))) throw new ChainError('KEY_IN_USE', 'that key is already registered', { status: 409 });
  },
  async apply(ctx, state, p) {
    await this.check!(state, p, ctx);
    const m = (await state.get<MemberRecord>(keys.member(p.dept)))!;
    state.del(keys.signer(m.nodeKey));
    state.put(keys.signer(p.nodeKey), { type: 'node', dept: p.dept });
    state.put(keys.member(p.dept), { ...m, nodeKey: p.nodeKey });
    ctx.emit('member.keyRotated', { dept: p.dept, nodeKey: p.nodeKey });
  },
};

/**
 * A new encryption key for a member: sealed fields are wrapped to it from now on. The old one
 * stays in `encKeysOld` (and its private half with the node), so what was sealed to it before
 * stays readable by that department and no one else.
 */
const memberRotateEncKey: GovAction = {
  type: 'member.rotateEncKey',
  params: z.strictObject(clsAll({ dept: DeptId, encKey: EncKey }, 'public')),
  async check(state, p) {
    const m = await state.get<MemberRecord>(keys.member(p.dept));
    if (!m?.active) throw new ChainError('NOT_A_MEMBER', `${p.dept} is not an active member`, { status: 404 });
    if (p.encKey === m.encKey || m.encKeysOld?.includes(p.encKey)) throw new ChainError('KEY_IN_USE', 'that encryption key has been used by this member before', { status: 409 });
  },
  async apply(ctx, state, p) {
    await this.check!(state, p, ctx);
    const m = (await state.get<MemberRecord>(keys.member(p.dept)))!;
    state.put(keys.member(p.dept), { ...m, encKey: p.encKey, ...(m.encKey ? { encKeysOld: [...(m.encKeysOld ?? []), m.encKey] } : {}) });
    ctx.emit('member.encKeyRotated', { dept: p.dept, encKey: p.encKey });
  },
};

export const coreGovActions: GovAction[] = [memberAdd, memberRemove, memberRotateKey, memberRotateEncKey];

/** Builds the two governance contracts over the actions every module contributed. */
export function governanceContracts(actions: GovAction[]): ContractDef[] {
  const byType = new Map(actions.map((a) => [a.type, a]));
  const action = (type: string) => {
    const a = byType.get(type);
    if (!a) throw new ChainError('UNKNOWN_ACTION', `no governance action "${type}"`);
    return a;
  };

  async function maybeApply(ctx: TxContext, state: StateView, p: Proposal): Promise<Proposal> {
    const members = await activeMembers(state);
    const valid = p.approvals.filter((d) => members.includes(d));
    if (valid.length < quorumOf(members.length)) return p;
    const a = action(p.type);
    await a.apply(ctx, state, a.params.parse(p.params));
    ctx.emit('gov.applied', { proposal: p.id, type: p.type });
    return { ...p, status: 'done' };
  }

  const propose = defineContract({
    kind: 'gov.propose',
    // params are classified by each action's own schema (the test walks them too)
    payload: z.strictObject(clsAll({ type: z.string(), params: z.record(z.string(), z.unknown()), note: z.string().max(500).superRefine(refuseControl(true)).optional() }, 'public')),
    roles: ['admin'],
    async apply(ctx, state, p) {
      const a = action(p.type);
      const parsed = a.params.safeParse(p.params);
      if (!parsed.success) throw new ChainError('BAD_PAYLOAD', `params: ${parsed.error.issues[0].message}`);
      await a.check?.(state, parsed.data, ctx);
      let proposal: Proposal = {
        id: ctx.txId,
        type: p.type,
        params: parsed.data,
        proposer: { dept: ctx.actor.dept!, user: ctx.actor.id },
        approvals: [ctx.actor.dept!],
        status: 'open',
        height: ctx.height,
      };
      ctx.emit('gov.proposed', { proposal: proposal.id, type: p.type, dept: ctx.actor.dept! });
      proposal = await maybeApply(ctx, state, proposal);
      state.put(proposalKey(proposal.id), proposal);
    },
  });

  const approve = defineContract({
    kind: 'gov.approve',
    payload: z.strictObject(clsAll({ proposal: z.string().regex(/^[0-9a-f]{64}$/) }, 'public')),
    roles: ['admin'],
    async apply(ctx, state, p) {
      const prop = await state.get<Proposal>(proposalKey(p.proposal));
      if (!prop) throw new ChainError('NOT_FOUND', 'no such proposal', { status: 404 });
      if (prop.status !== 'open') throw new ChainError('PROPOSAL_CLOSED', 'the proposal has already taken effect', { status: 409 });
      const dept = ctx.actor.dept!;
      if (prop.approvals.includes(dept)) throw new ChainError('ALREADY_APPROVED', `${dept} has already approved`, { status: 409 });
      let next: Proposal = { ...prop, approvals: [...prop.approvals, dept].sort() };
      ctx.emit('gov.approved', { proposal: prop.id, dept });
      next = await maybeApply(ctx, state, next);
      state.put(proposalKey(prop.id), next);
    },
  });

  return [propose, approve];
}
