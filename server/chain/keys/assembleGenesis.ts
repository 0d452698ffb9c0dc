import { CITY_DEPARTMENTS } from '../consortium.ts';
import { ChainError } from '../errors.ts';
import { CHAIN_VERSION, DEFAULT_LIMITS, genesisHash } from '../genesis.ts';
import type { Genesis, GenesisUser } from '../schema.ts';
import { checkMemberFile, memberOf } from './memberFile.ts';

/**
 * Genesis from public member files only. The result is a pure function of the files and the options, and
 * members are ordered by the city's list then by id, so every department that assembles the same files
 * with the same chain id and time gets the same hash and can compare it out of band.
 */
export function assembleGenesis(o: { chain: string; time: number; suite?: 'ed25519' | 'sm2'; files: { name: string; raw: unknown }[]; config?: Record<string, unknown>; limits?: Partial<Genesis['limits']> }): Genesis {
  const members = o.files.map((f) => checkMemberFile(f.raw, f.name));
  if (members.length === 0) throw new ChainError('NO_MEMBERS', 'no member files given');
  const suite = o.suite ?? members[0].suite;
  for (const m of members) if (m.suite !== suite) throw new ChainError('SUITE_MISMATCH', `${m.dept} made ${m.suite} keys; this consortium uses ${suite}`);
  const seen = new Set<string>();
  for (const m of members) {
    if (seen.has(m.dept)) throw new ChainError('DUPLICATE_MEMBER', `two member files for ${m.dept}`);
    seen.add(m.dept);
  }
  const keysSeen = new Set<string>();
  for (const m of members) {
    if (keysSeen.has(m.nodeKey) || keysSeen.has(m.encKey)) throw new ChainError('KEY_IN_USE', `${m.dept} uses a key another member uses`);
    keysSeen.add(m.nodeKey).add(m.encKey);
  }
  const rank = (d: string) => {
    const i = CITY_DEPARTMENTS.findIndex((x) => x.dept === d);
    return i < 0 ? CITY_DEPARTMENTS.length : i;
  };
  members.sort((a, b) => rank(a.dept) - rank(b.dept) || (a.dept < b.dept ? -1 : a.dept > b.dept ? 1 : 0));
  const users: GenesisUser[] = members.map((m) => ({ dept: m.dept, id: 'admin', name: `${m.name}管理员`, role: 'admin' }));
  return {
    chain: o.chain,
    version: CHAIN_VERSION,
    suite,
    time: o.time,
    members: members.map(memberOf),
    users,
    limits: { ...DEFAULT_LIMITS, ...o.limits },
    config: o.config ?? {},
  };
}

/** A node started with the hash its administrators compared out of band refuses any other genesis. */
export function checkExpectedGenesis(genesis: Genesis, expected: string | undefined): void {
  if (!expected) return;
  const actual = genesisHash(genesis);
  if (actual !== expected.trim().toLowerCase()) {
    throw new ChainError('GENESIS_MISMATCH', `genesis.json hashes to ${actual}, not the expected ${expected.trim()}: do not start on it until the departments agree which file is right`);
  }
}
