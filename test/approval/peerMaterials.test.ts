import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, test } from 'node:test';
import { approvalModule } from '../../server/approval/index.ts';
import { PEER_HEADER, signPeerRequest } from '../../server/approval/peers/peerRequest.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { ed25519Suite } from '../../server/chain/suites/ed25519.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import { makeConsortium, silentLogger } from '../support/fixtures.ts';
import { login, TEST_PASSWORD, type Session } from '../support/platform.ts';
import { addStaff, fileOnce, pdf, registerEnterprise } from './support.ts';

/**
 * Two processes' worth of nodes on one ordering log, each with its own databases and its own
 * HTTP server on 127.0.0.1: A hosts the service window (where files are uploaded), B hosts
 * housing (an approver who opens them). B finds A through TONGBAN_PEERS.
 */
const keys = makeConsortium(['market', 'tax', 'hrss', 'housing', 'service']);
const log = new LocalLog(':memory:');
let a: Platform;
let b: Platform;
let baseA = '';
let approver: Session;
let clerk: Session;

async function platformOf(depts: string[]): Promise<Platform> {
  const specs = depts.map((dept) => ({ dept, db: openDb({ client: 'sqlite', filename: ':memory:' }), orderer: log }));
  const p = await createPlatform({ keys, specs, logger: silentLogger, modules: () => [approvalModule()] });
  await seedDemo(p, { password: TEST_PASSWORD });
  return p;
}

const portOf = (s: Server) => (s.address() as { port: number }).port;

before(async () => {
  a = await platformOf(['market', 'tax', 'hrss', 'service']);
  baseA = `http://127.0.0.1:${portOf(await a.listen(0))}`;
  process.env.TONGBAN_PEERS = `service=${baseA},market=${baseA}`;
  try {
    b = await platformOf(['housing']);
  } finally {
    delete process.env.TONGBAN_PEERS;
  }
  await b.listen(0);
  approver = await login(b, 'housing', 'approver1');
  clerk = await login(a, 'service', 'clerk1');
});

after(async () => {
  await b?.stop();
  await a?.stop();
});

async function filedAtB(hash: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await b.node('housing').db('ap_materials').where({ hash }).first()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

const open = (hash: string) => approver.get(`/housing/api/approval/materials/${hash}?purpose=${encodeURIComponent('核验营业执照')}`);

test('the approver at B opens a file held by A: fetched by hash, checked and cached at B', async () => {
  const ent = await registerEnterprise(a, clerk, 11);
  const material = await fileOnce(ent);
  await filedAtB(material.hash);
  assert.equal(await b.node('housing').db('ap_blobs').where({ hash: material.hash }).first(), undefined, 'B does not hold it yet');
  const res = await open(material.hash).buffer(true).expect(200);
  assert.deepEqual(Buffer.from(res.body), pdf(`${ent.code}-licence`));
  const cached = await b.node('housing').db('ap_blobs').where({ hash: material.hash }).first();
  assert.equal(cached?.uploaded_by, 'peer:service');
  assert.ok(res.headers['x-dossier-view-tx'], 'the look is recorded');
});

test('an altered file at A is refused by B and not cached', async () => {
  const ent = await registerEnterprise(a, clerk, 12);
  const material = await fileOnce(ent);
  await filedAtB(material.hash);
  await a.node('service').db('ap_blobs').where({ hash: material.hash }).update({ content: pdf('swapped') });
  const res = await open(material.hash).expect(502);
  assert.equal(res.body.code, 'MATERIAL_ALTERED');
  assert.equal(await b.node('housing').db('ap_blobs').where({ hash: material.hash }).first(), undefined);
});

test('the holder refuses unsigned, forged, stale, replayed and basis-less requests', async () => {
  const ent = await registerEnterprise(a, clerk, 13);
  const material = await fileOnce(ent);
  await filedAtB(material.hash);
  const housing = b.node('housing');
  const { id: viewTx } = await housing.submitAs('approver1', 'dossier.view', { code: ent.code, purpose: '核验营业执照', sections: ['materials'], item: `material:${material.hash}` });
  const path = `/service/api/approval/peer/materials/${material.hash}`;
  const req = { chain: keys.genesis.chain, method: 'GET' as const, path, hash: material.hash, dept: 'housing', user: 'approver1', viewTx };
  const send = (header?: string) => fetch(baseA + path, { headers: header ? { [PEER_HEADER]: header } : {} });
  const codeOf = async (r: Response) => ((await r.json()) as { code: string }).code;

  const none = await send();
  assert.equal(none.status, 401);
  assert.equal(await codeOf(none), 'PEER_UNSIGNED');

  const forged = await send(signPeerRequest(req, keys.nodeKeys.market, ed25519Suite, Date.now()));
  assert.equal(forged.status, 401);
  assert.equal(await codeOf(forged), 'PEER_BAD_SIGNATURE');

  const stale = await send(signPeerRequest(req, keys.nodeKeys.housing, ed25519Suite, Date.now() - 120_000));
  assert.equal(await codeOf(stale), 'PEER_STALE');

  const otherFile = await send(signPeerRequest({ ...req, hash: '0'.repeat(64) }, keys.nodeKeys.housing, ed25519Suite, Date.now()));
  assert.equal(await codeOf(otherFile), 'PEER_BAD_REQUEST');

  const good = signPeerRequest(req, keys.nodeKeys.housing, ed25519Suite, Date.now());
  const first = await send(good);
  assert.equal(first.status, 200);
  assert.deepEqual(Buffer.from(await first.arrayBuffer()), pdf(`${ent.code}-licence`));
  const replayed = await send(good);
  assert.equal(replayed.status, 401);
  assert.equal(await codeOf(replayed), 'PEER_REPLAY');

  await addStaff(b, 'housing', 'policy9', 'policy');
  const noBasis = await send(signPeerRequest({ ...req, user: 'policy9' }, keys.nodeKeys.housing, ed25519Suite, Date.now()));
  assert.equal(noBasis.status, 403);
  assert.equal(await codeOf(noBasis), 'PEER_NO_BASIS');

  const unrecorded = await send(signPeerRequest({ ...req, viewTx: 'f'.repeat(64) }, keys.nodeKeys.housing, ed25519Suite, Date.now()));
  assert.equal(unrecorded.status, 403);
  assert.equal(await codeOf(unrecorded), 'PEER_LOOK_NOT_RECORDED');
});

test('a role without materials in its dossier is refused at B before any node is asked', async () => {
  const ent = await registerEnterprise(a, clerk, 14);
  const material = await fileOnce(ent);
  await filedAtB(material.hash);
  const policy = await login(b, 'housing', 'policy9').catch(() => addStaff(b, 'housing', 'policy9', 'policy'));
  const res = await policy.get(`/housing/api/approval/materials/${material.hash}?purpose=${encodeURIComponent('核验')}`).expect(403);
  assert.equal(res.body.code, 'FORBIDDEN');
  assert.equal(await b.node('housing').db('ap_blobs').where({ hash: material.hash }).first(), undefined);
});

test('peers are read as dept=url, by comma or by line; anything else is named', async () => {
  const { parsePeers } = await import('../../server/approval/peers/peerConfig.ts');
  assert.deepEqual([...parsePeers('market=https://m.example:8443/, tax=http://10.0.0.2:8080\n# a comment\nhrss=http://h')], [
    ['market', 'https://m.example:8443'],
    ['tax', 'http://10.0.0.2:8080'],
    ['hrss', 'http://h'],
  ]);
  assert.throws(() => parsePeers('market'), /not dept=url/);
  assert.throws(() => parsePeers('market=not a url'));
});
