import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConsortium, type ConsortiumKeys } from './chain/consortium.ts';
import { parseGenesis } from './chain/genesis.ts';

/**
 * A consortium on disk: `genesis.json` (public, shared by every department) and per department
 * under `keys/` (mode 0600) its node signing key `<dept>.key` and its encryption keys
 * `<dept>.enc` (one hex X25519 private key a line, oldest first; append a new one before its
 * rotation is proposed, and never drop an old one while records sealed to it matter). Both live
 * in the data directory, outside the repository.
 */
export function writeConsortium(dir: string, c: ConsortiumKeys): void {
  mkdirSync(join(dir, 'keys'), { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'genesis.json'), JSON.stringify(c.genesis, null, 2));
  const secret = (f: string, text: string) => {
    writeFileSync(f, text, { mode: 0o600 });
    chmodSync(f, 0o600);
  };
  for (const [dept, key] of Object.entries(c.nodeKeys)) secret(join(dir, 'keys', `${dept}.key`), key + '\n');
  for (const [dept, keys] of Object.entries(c.encKeys ?? {})) secret(join(dir, 'keys', `${dept}.enc`), keys.join('\n') + '\n');
}

export function readConsortium(dir: string, depts?: string[]): ConsortiumKeys {
  const genesis = parseGenesis(JSON.parse(readFileSync(join(dir, 'genesis.json'), 'utf8')));
  const nodeKeys: Record<string, string> = {};
  const encKeys: Record<string, string[]> = {};
  // A department named by the caller may have joined by governance after genesis.
  for (const dept of depts ?? genesis.members.map((m) => m.dept)) {
    const f = join(dir, 'keys', `${dept}.key`);
    if (existsSync(f)) nodeKeys[dept] = readFileSync(f, 'utf8').trim();
    const e = join(dir, 'keys', `${dept}.enc`);
    if (existsSync(e)) encKeys[dept] = readFileSync(e, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  }
  return { genesis, nodeKeys, encKeys };
}

export function loadOrCreateConsortium(dir: string, make: () => ConsortiumKeys): ConsortiumKeys {
  if (existsSync(join(dir, 'genesis.json'))) return readConsortium(dir);
  const c = make();
  writeConsortium(dir, c);
  return c;
}

export { createConsortium };
