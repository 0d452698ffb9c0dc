import { keys, type MemberRecord, type SignerRecord, type UserRecord } from './identity.ts';
import type { Genesis } from './schema.ts';

/** The state genesis starts from: members, their node keys and their first users. */
export function genesisEntries(g: Genesis): [string, unknown][] {
  const entries: [string, unknown][] = [];
  for (const m of g.members) {
    entries.push([keys.member(m.dept), { ...m, active: true } satisfies MemberRecord]);
    entries.push([keys.signer(m.nodeKey), { type: 'node', dept: m.dept } satisfies SignerRecord]);
  }
  entries.push([keys.members(), g.members.map((m) => m.dept).sort()]);
  for (const u of g.users) entries.push([keys.user(u.dept, u.id), { ...u, active: true } satisfies UserRecord]);
  return entries;
}
