import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { genesisHash } from '../../server/chain/genesis.ts';
import { assembleGenesis, checkExpectedGenesis } from '../../server/chain/keys/assembleGenesis.ts';
import { FileKeySource } from '../../server/chain/keys/keySource.ts';
import { checkMemberFile } from '../../server/chain/keys/memberFile.ts';
import { encPublicOf } from '../../server/chain/sealing/envelope.ts';
import { suiteByName } from '../../server/chain/suites/index.ts';
import { readConsortium } from '../../server/consortiumFiles.ts';

/*
 * Keys stay home: each department runs `keys init` on its own machine (here: its own process and folder),
 * hands on only its public member file, and genesis is assembled from those files alone.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const DEPTS = ['market', 'tax', 'hrss', 'housing'];
const keysCli = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'server/cli/keys.ts', ...args], { cwd: ROOT });
const code = (e: unknown) => (e as { code?: string }).code;

let tmp: string;
const home = (d: string) => join(tmp, d);
const exchanged = () => join(tmp, 'exchanged');

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tongban-keys-'));
  await Promise.all(DEPTS.map((d) => keysCli(['init', '--dept', d, '--out', home(d)])));
  mkdirSync(exchanged());
  for (const d of DEPTS) copyFileSync(join(home(d), `${d}.member.json`), join(exchanged(), `${d}.member.json`));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('init writes one department\'s private keys (0600) and a self-signed public member file, nothing of anyone else', () => {
  for (const d of DEPTS) {
    assert.deepEqual(readdirSync(join(home(d), 'keys')).sort(), [`${d}.enc`, `${d}.key`]);
    for (const f of [`${d}.key`, `${d}.enc`]) assert.equal(statSync(join(home(d), 'keys', f)).mode & 0o777, 0o600, f);
    const member = checkMemberFile(JSON.parse(readFileSync(join(home(d), `${d}.member.json`), 'utf8')));
    const keys = new FileKeySource(join(home(d), 'keys'), d);
    assert.equal(member.nodeKey, suiteByName('ed25519').publicKeyOf(keys.signingKey()));
    assert.equal(member.encKey, encPublicOf(keys.encKeys()[0]));
    assert.equal(JSON.stringify(member).includes(keys.signingKey()), false, 'no private key in the member file');
  }
});

test('init never overwrites a department\'s keys', async () => {
  await assert.rejects(keysCli(['init', '--dept', 'tax', '--out', home('tax')]), (e: { stderr: string }) => e.stderr.includes('KEY_EXISTS'));
});

test('genesis from member files only: the same hash wherever it is assembled; a node refuses another', async () => {
  const { stdout } = await keysCli(['genesis', '--members', exchanged(), '--out', join(tmp, 'genesis.json'), '--chain', 'city-test', '--time', '1767225600000']);
  const hash = /genesis ([0-9a-f]{64})/.exec(stdout)![1];
  const files = DEPTS.map((d) => ({ name: d, raw: JSON.parse(readFileSync(join(exchanged(), `${d}.member.json`), 'utf8')) }));
  const again = assembleGenesis({ chain: 'city-test', time: 1767225600000, files: files.reverse() });
  assert.equal(genesisHash(again), hash, 'order of the files does not matter');
  // tax's node runs on genesis.json and tax's own key folder
  copyFileSync(join(tmp, 'genesis.json'), join(home('tax'), 'genesis.json'));
  const c = readConsortium(home('tax'));
  assert.deepEqual(Object.keys(c.nodeKeys), ['tax']);
  assert.deepEqual(c.genesis.members.map((m) => m.dept), DEPTS);
  checkExpectedGenesis(c.genesis, hash);
  assert.throws(() => checkExpectedGenesis(c.genesis, '0'.repeat(64)), (e) => code(e) === 'GENESIS_MISMATCH');
});

test('a member file changed on the way is refused, and so is a second file for one department', async () => {
  const raw = JSON.parse(readFileSync(join(exchanged(), 'hrss.member.json'), 'utf8'));
  for (const change of [{ name: '冒名' }, { encKey: 'ab'.repeat(32) }, { dept: 'police' }]) {
    assert.throws(() => checkMemberFile({ ...raw, ...change }), (e) => code(e) === 'MEMBER_FILE_TAMPERED', JSON.stringify(change));
  }
  const bad = join(tmp, 'bad');
  mkdirSync(bad);
  for (const d of DEPTS) copyFileSync(join(exchanged(), `${d}.member.json`), join(bad, `${d}.member.json`));
  writeFileSync(join(bad, 'hrss.member.json'), JSON.stringify({ ...raw, encKey: 'cd'.repeat(32) }));
  await assert.rejects(keysCli(['genesis', '--members', bad, '--out', join(bad, 'genesis.json')]), (e: { stderr: string }) => e.stderr.includes('MEMBER_FILE_TAMPERED'));
  const files = DEPTS.map((d) => ({ name: d, raw: JSON.parse(readFileSync(join(exchanged(), `${d}.member.json`), 'utf8')) }));
  assert.throws(() => assembleGenesis({ chain: 'c', time: 1, files: [...files, files[0]] }), (e) => code(e) === 'DUPLICATE_MEMBER');
});
