import { z } from 'zod';
import { clsAll } from '../../chain/classification.ts';
import { defineContract } from '../../chain/contract.ts';
import { activeMembers } from '../../chain/contracts/governance.ts';
import { reject } from '../../chain/errors.ts';
import type { StateView } from '../../chain/state.ts';
import { pq } from '../stateKeys.ts';
import { CIRCUITS } from '../zk/publicSignals.ts';

/*
 * The phase-2 ceremony's transcript on the chain: who opened it and with which r1cs and phase-1 file, each
 * contribution's hash in turn, and the beacon. The files themselves travel between departments; the
 * chain fixes the order and the hashes, so no one can later swap in a contribution nobody recorded.
 * Checked deterministically: a participant must be an active member, contributions come in the order the
 * opening named, once each, from the department whose turn it is; the beacon comes after the last.
 */

const Hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`));

export interface CeremonyRecord {
  circuit: string;
  participants: string[];
  r1csHash: string;
  ptauHash: string;
  initHash: string;
  openedBy: string;
  openedHeight: number;
  contributions: { dept: string; hash: string; height: number; tx: string }[];
  beacon?: { height: number; blockHash: string; hash: string; zkeyHash: string; vkeyHash: string; tx: string };
}

export const ceremonyOf = (state: Pick<StateView, 'get'>, circuit: string): Promise<CeremonyRecord | undefined> => state.get<CeremonyRecord>(pq.ceremony(circuit));

export const ceremonyOpen = defineContract({
  kind: 'ceremony.open',
  payload: z.strictObject(clsAll({ circuit: z.enum(CIRCUITS), participants: z.array(z.string().min(1).max(32)).min(1).max(64), r1csHash: Hex(64), ptauHash: Hex(128), initHash: Hex(64) }, 'public')),
  roles: ['admin'],
  async apply(ctx, state, p) {
    const members = await activeMembers(state);
    if (!members.includes(ctx.actor.dept!)) reject('CEREMONY_NOT_MEMBER', `${ctx.actor.dept} is not an active member`, 403);
    for (const d of p.participants) if (!members.includes(d)) reject('CEREMONY_NOT_MEMBER', `${d} is not an active member and cannot contribute`, 403);
    if (new Set(p.participants).size !== p.participants.length) reject('CEREMONY_DUPLICATE_PARTICIPANT', 'a department contributes once');
    const prev = await ceremonyOf(state, p.circuit);
    if (prev && !prev.beacon) reject('CEREMONY_OPEN', `a ceremony for ${p.circuit} is under way`, 409);
    const record: CeremonyRecord = { ...p, openedBy: ctx.actor.dept!, openedHeight: ctx.height, contributions: [] };
    state.put(pq.ceremony(p.circuit), record);
    ctx.emit('ceremony.opened', { circuit: p.circuit, participants: p.participants });
  },
});

export const ceremonyContribute = defineContract({
  kind: 'ceremony.contribute',
  payload: z.strictObject(clsAll({ circuit: z.enum(CIRCUITS), hash: Hex(128) }, 'public')),
  roles: ['admin'],
  async apply(ctx, state, p) {
    const dept = ctx.actor.dept!;
    const c = await ceremonyOf(state, p.circuit);
    if (!c || c.beacon) reject('CEREMONY_NOT_OPEN', `no ceremony for ${p.circuit} is under way`, 409);
    if (!(await activeMembers(state)).includes(dept) || !c!.participants.includes(dept)) reject('CEREMONY_NOT_PARTICIPANT', `${dept} is not a participant of the ${p.circuit} ceremony`, 403);
    if (c!.contributions.some((x) => x.dept === dept)) reject('CEREMONY_ALREADY_CONTRIBUTED', `${dept} has contributed to ${p.circuit} already`, 409);
    const turn = c!.participants[c!.contributions.length];
    if (turn !== dept) reject('CEREMONY_OUT_OF_ORDER', `it is ${turn}'s turn to contribute to ${p.circuit}, not ${dept}'s`, 409);
    state.put(pq.ceremony(p.circuit), { ...c!, contributions: [...c!.contributions, { dept, hash: p.hash, height: ctx.height, tx: ctx.txId }] });
    ctx.emit('ceremony.contributed', { circuit: p.circuit, dept, n: c!.contributions.length + 1 });
  },
});

/**
 * The beacon is a finalized block's hash after the last contribution. The contract checks the height; every
 * node checks that hash against its own ledger before it approves adoption (ceremony/adopt.ts).
 */
export const ceremonyBeacon = defineContract({
  kind: 'ceremony.beacon',
  payload: z.strictObject(clsAll({ circuit: z.enum(CIRCUITS), height: z.number().int().positive(), blockHash: Hex(64), hash: Hex(128), zkeyHash: Hex(64), vkeyHash: Hex(64) }, 'public')),
  roles: ['admin'],
  async apply(ctx, state, p) {
    const c = await ceremonyOf(state, p.circuit);
    if (!c || c.beacon) reject('CEREMONY_NOT_OPEN', `no ceremony for ${p.circuit} is under way`, 409);
    if (!(await activeMembers(state)).includes(ctx.actor.dept!)) reject('CEREMONY_NOT_MEMBER', `${ctx.actor.dept} is not an active member`, 403);
    if (c!.contributions.length !== c!.participants.length) reject('CEREMONY_INCOMPLETE', `${c!.participants.length - c!.contributions.length} contributions to ${p.circuit} are missing`, 409);
    const last = c!.contributions.at(-1)!.height;
    if (p.height <= last || p.height >= ctx.height) reject('CEREMONY_BAD_BEACON', `the beacon block must come after the last contribution (height ${last}) and before this one`, 409);
    const { circuit: _c, ...beacon } = p;
    state.put(pq.ceremony(p.circuit), { ...c!, beacon: { ...beacon, tx: ctx.txId } });
    ctx.emit('ceremony.beacon', { circuit: p.circuit, height: p.height });
  },
});

export const ceremonyContracts = [ceremonyOpen, ceremonyContribute, ceremonyBeacon];
