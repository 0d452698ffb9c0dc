import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConsortium, type ConsortiumKeys } from './chain/consortium.ts';
import { parseGenesis } from './chain/genesis.ts';

/**
 * A consortium on disk: `genesis.json` (public, shared by every department) and one private
 * key file per department under `keys/` (mode 0600). Both live in the data directory,
 * outside the repository.
 */
export function writeConsortium(dir: string, c: ConsortiumKeys): void {
  mkdirSync(join(dir, 'keys'), { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'genesis.json'), JSON.stringify(c.genesis, null, 2));
  for (const [dept, key] of Object.entries(c.nodeKeys)) {
    const f = join(dir, 'keys', `${dept}.key`);
    writeFileSync(f, key + '\n', { mode: 0o600 });
    chmodSync(f, 0o600);
  }
}

export function readConsortium(dir: string, depts?: string[]): ConsortiumKeys {
  const genesis = parseGenesis(JSON.parse(readFileSync(join(dir, 'genesis.json'), 'utf8')));
  const nodeKeys: Record<string, string> = {};
  for (const m of genesis.members) {
    if (depts && !depts.includes(m.dept)) continue;
    const f = join(dir, 'keys', `${m.dept}.key`);
    if (existsSync(f)) nodeKeys[m.dept] = readFileSync(f, 'utf8').trim();
  }
  return { genesis, nodeKeys };
}

export function loadOrCreateConsortium(dir: string, make: () => ConsortiumKeys): ConsortiumKeys {
  if (existsSync(join(dir, 'genesis.json'))) return readConsortium(dir);
  const c = make();
  writeConsortium(dir, c);
  return c;
}

export { createConsortium };
