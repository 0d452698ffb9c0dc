import { quorumOf } from './genesis.ts';
import { keys, type MemberRecord } from './identity.ts';

/** The active members' node keys and their quorum, as certificates and checkpoint signatures are counted. */
export interface MemberKeys {
  quorum: number;
  nodeKey(dept: string): string | undefined;
}

export const isMemberKey = (k: string): boolean => k === keys.members() || k.startsWith('member/');

/** The members in force in a state (the `members` list and each `member/<dept>` record), as the node loads them. */
export function memberKeysOf(get: (key: string) => string | undefined): MemberKeys {
  const depts: string[] = JSON.parse(get(keys.members()) ?? '[]');
  const active = depts.map((d) => get(keys.member(d))).flatMap((v) => (v ? [JSON.parse(v) as MemberRecord] : [])).filter((m) => m.active);
  return { quorum: quorumOf(active.length), nodeKey: (d) => active.find((m) => m.dept === d)?.nodeKey };
}
