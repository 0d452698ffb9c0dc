import type { Genesis } from '../chain/schema.ts';

/**
 * The member keys of each moment, rebuilt from genesis and the consortium's governance
 * transactions in chain order, as server/chain/contracts/governance.ts applies them: a proposal
 * takes effect when administrators of a quorum of the active members approved it. Also the
 * zero-knowledge verification keys in force (genesis, then privacy.setVerificationKeys).
 */
export interface MemberKey {
  nodeKey: string;
  active: boolean;
  /** keys this department had before, and the height whose block rotated each out */
  old: { key: string; rotatedAt: number }[];
}

export interface Snapshot {
  /** first height this membership counts for (certificates carried in that block or later) */
  from: number;
  members: Map<string, MemberKey>;
  vkeys: { keys: Record<string, unknown> | undefined; adoptedBy: string };
}

export const quorumOf = (n: number): number => Math.floor((2 * n) / 3) + 1;

const clone = (s: Snapshot, from: number): Snapshot => ({
  from,
  members: new Map([...s.members].map(([d, m]) => [d, { ...m, old: [...m.old] }])),
  vkeys: s.vkeys,
});

export class Membership {
  readonly snapshots: Snapshot[];
  private readonly proposals = new Map<string, { type: string; params: Record<string, unknown>; approvals: Set<string>; open: boolean }>();

  constructor(genesis: Genesis) {
    const privacy = (genesis.config?.privacy ?? {}) as { verificationKeys?: Record<string, unknown> };
    this.snapshots = [
      {
        from: 0,
        members: new Map(genesis.members.map((m) => [m.dept, { nodeKey: m.nodeKey, active: true, old: [] }])),
        vkeys: { keys: privacy.verificationKeys, adoptedBy: 'genesis' },
      },
    ];
  }

  /** The membership in force for a block at `height` (before its transactions). */
  before(height: number): Snapshot {
    let s = this.snapshots[0];
    for (const x of this.snapshots) if (x.from <= height) s = x;
    return s;
  }

  get current(): Snapshot {
    return this.snapshots[this.snapshots.length - 1];
  }

  /** The active member whose node key this is, in the membership of the moment. */
  static deptOfKey(s: Snapshot, key: string): string | undefined {
    for (const [d, m] of s.members) if (m.active && m.nodeKey === key) return d;
    return undefined;
  }

  /**
   * Applies one governance transaction (already checked: id, signature, inclusion, status ok)
   * signed by `dept` at `height`. Returns whether a proposal took effect.
   */
  apply(txId: string, height: number, dept: string, kind: string, payload: Record<string, unknown>): boolean {
    let id: string;
    if (kind === 'gov.propose') {
      id = txId;
      this.proposals.set(id, { type: String(payload.type), params: (payload.params ?? {}) as Record<string, unknown>, approvals: new Set([dept]), open: true });
    } else if (kind === 'gov.approve') {
      id = String(payload.proposal);
      const p = this.proposals.get(id);
      if (!p || !p.open) return false;
      p.approvals.add(dept);
    } else return false;
    const p = this.proposals.get(id)!;
    const live = this.current;
    const active = [...live.members].filter(([, m]) => m.active).map(([d]) => d);
    if ([...p.approvals].filter((d) => active.includes(d)).length < quorumOf(active.length)) return false;
    p.open = false;
    const next = clone(live, height + 1);
    const params = p.params;
    const m = next.members.get(String(params.dept));
    switch (p.type) {
      case 'member.add':
        next.members.set(String(params.dept), { nodeKey: String(params.nodeKey), active: true, old: m ? [...m.old, { key: m.nodeKey, rotatedAt: height }] : [] });
        break;
      case 'member.remove':
        if (m) m.active = false;
        break;
      case 'member.rotateKey':
        if (m) {
          m.old.push({ key: m.nodeKey, rotatedAt: height });
          m.nodeKey = String(params.nodeKey);
        }
        break;
      case 'privacy.setVerificationKeys':
        next.vkeys = { keys: params.keys as Record<string, unknown>, adoptedBy: txId };
        break;
      default:
        return true; // other decisions change neither keys nor verification keys
    }
    this.snapshots.push(next);
    return true;
  }
}
