import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CITY_DEPARTMENTS, createConsortium } from '../chain/consortium.ts';
import { ChainError } from '../chain/errors.ts';
import { genesisHash, quorumOf } from '../chain/genesis.ts';
import { assembleGenesis } from '../chain/keys/assembleGenesis.ts';
import { writeKeyFiles } from '../chain/keys/keySource.ts';
import { signMemberFile } from '../chain/keys/memberFile.ts';
import { generateEncKey, encPublicOf } from '../chain/sealing/envelope.ts';
import { suiteByName } from '../chain/suites/index.ts';
import { writeConsortium } from '../consortiumFiles.ts';

const USAGE = `npm run keys -- <command>
  init --dept <id> --out <dir> [--name 税务局 --name-en "Tax Bureau"] [--suite ed25519|sm2]
      on the department's own machine: <dir>/keys/<dept>.key and .enc (0600), and <dir>/<dept>.member.json to hand the others
  genesis --members <dir of *.member.json> --out <genesis.json> [--chain id] [--time ms] [--suite ...]
      from public member files only; prints the genesis hash every department compares out of band
  demo --out <dir> [--chain id] [--depts a,b,...]
      the embedded demo's one-machine consortium: every department's keys on one machine, for trying things out only`;

const { positionals, values: a } = parseArgs({
  allowPositionals: true,
  options: {
    dept: { type: 'string' },
    name: { type: 'string' },
    'name-en': { type: 'string' },
    out: { type: 'string' },
    members: { type: 'string' },
    chain: { type: 'string', default: 'tongban-city' },
    time: { type: 'string' },
    depts: { type: 'string', default: CITY_DEPARTMENTS.map((d) => d.dept).join(',') },
    suite: { type: 'string' },
  },
});

function init(): void {
  if (!a.dept || !a.out) throw new ChainError('USAGE', USAGE);
  const known = CITY_DEPARTMENTS.find((d) => d.dept === a.dept);
  const suite = suiteByName(a.suite ?? 'ed25519');
  const out = resolve(a.out);
  const kp = suite.generateKeyPair();
  const enc = generateEncKey();
  writeKeyFiles(join(out, 'keys'), a.dept, kp.privateKey, [enc.privateKey]);
  const file = signMemberFile(
    { dept: a.dept, name: a.name ?? known?.name ?? a.dept, nameEn: a['name-en'] ?? known?.nameEn ?? a.dept, suite: suite.name, nodeKey: kp.publicKey, encKey: encPublicOf(enc.privateKey) },
    kp.privateKey,
  );
  const memberFile = join(out, `${a.dept}.member.json`);
  writeFileSync(memberFile, JSON.stringify(file, null, 2) + '\n');
  console.log(`${a.dept}: private keys in ${join(out, 'keys')} (mode 0600, never leave this machine); hand ${memberFile} to the other departments`);
}

function genesis(): void {
  if (!a.members || !a.out) throw new ChainError('USAGE', USAGE);
  const dir = resolve(a.members);
  const files = readdirSync(dir).filter((f) => f.endsWith('.member.json')).sort().map((f) => ({ name: f, raw: JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown }));
  const time = a.time ? Number(a.time) : Date.now();
  if (!Number.isSafeInteger(time)) throw new ChainError('USAGE', '--time is milliseconds since 1970');
  const g = assembleGenesis({ chain: a.chain!, time, suite: a.suite as 'ed25519' | 'sm2' | undefined, files });
  const out = resolve(a.out);
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, JSON.stringify(g, null, 2));
  console.log(`genesis ${genesisHash(g)}`);
  console.log(`${g.members.length} departments (${g.members.map((m) => m.dept).join(', ')}), quorum ${quorumOf(g.members.length)}, chain ${g.chain}, time ${g.time}, written to ${out}`);
  console.log('compare this hash with every department out of band, then start each node with --expect-genesis <hash>');
}

function demo(): void {
  const depts = a.depts!.split(',').map((d) => d.trim()).filter(Boolean);
  const c = createConsortium({ chain: a.chain!, depts, suite: (a.suite ?? 'ed25519') as 'ed25519' | 'sm2', time: Date.now() });
  const out = resolve(a.out ?? 'data/consortium');
  writeConsortium(out, c);
  console.log(`demo consortium (every department's keys on this machine: not for a real city) genesis ${genesisHash(c.genesis)}, ${depts.length} departments, written to ${out}`);
}

try {
  const commands: Record<string, () => void> = { init, genesis, demo };
  const run = commands[positionals[0] ?? ''];
  if (!run) {
    console.error(USAGE);
    process.exit(2);
  }
  run();
} catch (e) {
  console.error(e instanceof ChainError ? `${e.code}: ${e.message}` : e);
  process.exit(1);
}
