/**
 * Writes the approval contract vectors, test/vectors/contracts/approval.<kind>/<case>/{pre,tx,post}.json,
 * in the format of test/vectors/runContract.ts, from fixed keys and fixed times.
 *
 *   npx tsx test/approval/generateVectors.ts           writes only missing files
 *   npx tsx test/approval/generateVectors.ts --force   rewrites them all (then review the diff!)
 *
 * The pre-states are built by running the setup transactions (registration, filing, earlier
 * decisions) through the same runner, so they are states the chain can really reach.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { approvalModule } from '../../server/approval/index.ts';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { genesisEntries } from '../../server/chain/genesisState.ts';
import { sha256Hex } from '../../server/chain/hash.ts';
import type { Genesis, Tx } from '../../server/chain/schema.ts';
import { ed25519Suite } from '../../server/chain/suites/ed25519.ts';
import { signTx } from '../../server/chain/tx.ts';
import { encKid, encPublicOf, seal } from '../../server/chain/sealing/envelope.ts';
import { runContractCase, type ContractPre } from '../vectors/runContract.ts';
import { testCode } from './support.ts';

const ROOT = join(import.meta.dirname, '../vectors/contracts');
const force = process.argv.includes('--force');
const genesis = JSON.parse(readFileSync(join(ROOT, 'genesis.json'), 'utf8')) as Genesis;
const registry = buildRegistry([approvalModule()]);
const T0 = Date.UTC(2026, 0, 5, 1); // Monday 2026-01-05 09:00 in Beijing
const key = (label: string) => {
  const privateKey = sha256Hex(`tongban-vectors/${label}`);
  return { privateKey, publicKey: ed25519Suite.publicKeyOf(privateKey) };
};
const node = (dept: string) => key(`member/${dept}`);
const ent = key('enterprise/approval-1');
const CODE = testCode(1001);
// The vector consortium has no service centre; the market window registers in these vectors.
const REG = { config: { approval: { registrationDepts: ['market'] } } } as Partial<Genesis>;

let state: Record<string, unknown> = {
  ...Object.fromEntries(genesisEntries(genesis)),
  'user/market/clerk1': { id: 'clerk1', dept: 'market', name: '窗口', role: 'clerk', active: true },
  'user/market/appr1': { id: 'appr1', dept: 'market', name: '市场审批', role: 'approver', active: true },
  'user/housing/appr1': { id: 'appr1', dept: 'housing', name: '住建审批', role: 'approver', active: true },
};
// Market, the filing's recipient here, has an encryption key from a fixed seed; the sealed part
// of the filing is made once and kept in vectorSealed.json, since jose draws a fresh content key
// and ephemeral key each time (the vectors stay byte-identical when regenerated).
const encMarket = sha256Hex('tongban-vectors/enc/market');
const encMarketPublic = encPublicOf(encMarket);
state['member/market'] = { ...(state['member/market'] as object), encKey: encMarketPublic };
const SEALED = join(import.meta.dirname, 'vectorSealed.json');
const LICENCE = sha256Hex('营业执照');
const personal = { legalRepresentative: '王向量', contacts: [{ name: '李联系', phone: '13900000000' }], employees: 50, materialNames: { [LICENCE]: '营业执照.pdf' } };
if (!existsSync(SEALED)) {
  const sealed = await seal(personal, [{ kid: encKid('market', encMarketPublic), encKey: encMarketPublic }], { salt: sha256Hex('tongban-vectors/salt/filing') });
  writeFileSync(SEALED, JSON.stringify(sealed, null, 2) + '\n');
}
const sealedPersonal = JSON.parse(readFileSync(SEALED, 'utf8'));
// Approvers' opinions and evidence are sealed by their node to the stage departments that have an
// encryption key (market, here); each text is sealed once and kept, for the same reason.
const SEALED_TEXT = join(import.meta.dirname, 'vectorSealedText.json');
const sealedTexts: Record<string, unknown> = existsSync(SEALED_TEXT) ? JSON.parse(readFileSync(SEALED_TEXT, 'utf8')) : {};
async function sealedText(text: string): Promise<unknown> {
  if (!sealedTexts[text]) {
    sealedTexts[text] = await seal(text, [{ kid: encKid('market', encMarketPublic), encKey: encMarketPublic }], { salt: sha256Hex(`tongban-vectors/salt/text/${text}`) });
    writeFileSync(SEALED_TEXT, JSON.stringify(sealedTexts, null, 2) + '\n');
  }
  return sealedTexts[text];
}

let height = 10;
let nonce = 1;

function sign(signer: 'enterprise' | string, actor: string | undefined, kind: string, payload: Record<string, unknown>, time: number): Tx {
  const k = signer === 'enterprise' ? ent : node(signer);
  return signTx({ chain: genesis.chain, kind, payload, signer: k.publicKey, ...(actor ? { actor } : {}), nonce: nonce++, time }, k.privateKey, ed25519Suite);
}

/** Runs a transaction in the next block; on success its writes become the state. */
async function step(tx: Tx, time: number, over: Partial<ContractPre> = {}) {
  const pre: ContractPre = { block: { height: ++height, time }, state, ...over };
  const post = await runContractCase(genesis, pre, tx, registry);
  if (post.receipt.status !== 'ok') throw new Error(`setup ${tx.kind} failed: ${post.receipt.code}`);
  state = { ...state };
  for (const [k, v] of Object.entries(post.writes)) if (v === null) delete state[k]; else state[k] = v;
}

async function vector(kind: string, name: string, description: string, tx: Tx, time: number, over: Partial<ContractPre> = {}) {
  const pre: ContractPre = { description, block: { height: height + 1, time }, state, ...over };
  const post = await runContractCase(genesis, pre, tx, registry);
  const dir = join(ROOT, kind, name);
  for (const [file, value] of [['pre.json', pre], ['tx.json', tx], ['post.json', post]] as const) {
    const path = join(dir, file);
    if (existsSync(path) && !force) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
  }
  return post;
}

const day = 86_400_000;
const filing = {
  code: CODE,
  profile: {
    name: '滨江向量建设有限公司',
    address: '滨江市江南区示例路1号',
    industry: { code: 'E47', name: '房屋建筑业' },
    registeredCapitalFen: '1000000000',
    personal: sealedPersonal,
  },
  materials: [{ hash: LICENCE, type: 'pdf', size: 1024, category: '营业执照' }],
  commitments: [{ id: 'truthful', title: '真实性承诺书', text: '所报材料真实有效。', accepted: true }],
  consents: [{ dept: 'tax', field: 'tax.paidAnnual', purpose: '资质核验' }],
};

await step(sign('market', 'clerk1', 'enterprise.register', { code: CODE, name: '滨江向量建设有限公司', publicKey: ent.publicKey, verification: { method: 'window' } }, T0), T0, { genesis: REG });
await step(sign('enterprise', undefined, 'filing.submit', filing, T0 + 60_000), T0 + 60_000);
const afterFiling = state;

// ------------------------------------------------------------------ approval.apply
const commit = { letter: '本企业承诺具备食品经营条件，接受事后核查。', accepted: true };
await vector('approval.apply', 'commitment-granted', 'grade B meets the food licence minimum: approved at once, licence issued, post-check planned in market within 20 working days',
  sign('enterprise', undefined, 'approval.apply', { process: 'foodLicence', project: { name: '职工食堂' }, commitment: commit }, T0 + day), T0 + day);
await vector('approval.apply', 'commitment-below-grade', 'grade B is below the construction minimum A: commitment noted as not granted, phase 1 opens with a 5-working-day deadline',
  sign('enterprise', undefined, 'approval.apply', { process: 'construction', project: { name: '一期厂房' }, commitment: commit }, T0 + day), T0 + day);
state = { ...afterFiling };
delete state[`filing/${CODE}`];
await vector('approval.apply', 'no-filing', 'an application needs the one form filed first', sign('enterprise', undefined, 'approval.apply', { process: 'foodLicence', project: { name: '门店' } }, T0 + day), T0 + day);
state = afterFiling;

// ------------------------------------------------------------------ approval.decide
await step(sign('enterprise', undefined, 'approval.apply', { process: 'construction', project: { name: '二期住宅' } }, T0 + day), T0 + day);
const app = Object.keys(state).find((k) => k.startsWith('app/'))!.slice(4);
const opinion = { opinion: await sealedText('符合规划条件'), evidence: [{ type: 'dossierView', ref: await sealedText('tx:dossier') }] };
const beforeDecisions = state;
await vector('approval.decide', 'approve-opens-parallel-phase', 'housing approves the first stage: the three parallel stages of phase 2 open (housing, market, enforcement)',
  sign('housing', 'appr1', 'approval.decide', { app, stage: 'landUse', decision: 'approve', ...opinion }, T0 + 2 * day), T0 + 2 * day);
await vector('approval.decide', 'wrong-dept', 'market may not decide a housing stage', sign('market', 'appr1', 'approval.decide', { app, stage: 'landUse', decision: 'approve', ...opinion }, T0 + 2 * day), T0 + 2 * day);
await vector('approval.decide', 'late', 'a decision after the deadline (5 working days from Tuesday 09:00 ends the next Tuesday) is marked late',
  sign('housing', 'appr1', 'approval.decide', { app, stage: 'landUse', decision: 'return', opinion: await sealedText('请补充用地红线图'), evidence: [] }, T0 + 9 * day), T0 + 9 * day);
await step(sign('housing', 'appr1', 'approval.decide', { app, stage: 'landUse', decision: 'reject', opinion: await sealedText('不符合规划'), evidence: [] }, T0 + 2 * day), T0 + 2 * day);
await vector('approval.decide', 'after-final', 'nothing is decided after a rejection (final for the application)',
  sign('housing', 'appr1', 'approval.decide', { app, stage: 'landUse', decision: 'approve', ...opinion }, T0 + 3 * day), T0 + 3 * day);

// ------------------------------------------------------------------ approval.supplement
state = beforeDecisions;
await step(sign('housing', 'appr1', 'approval.decide', { app, stage: 'landUse', decision: 'return', opinion: await sealedText('请补充用地红线图'), evidence: [] }, T0 + 2 * day), T0 + 2 * day);
await vector('approval.supplement', 'reopens-returned-stage', 'the signed supplement reopens the returned stage with a fresh deadline',
  sign('enterprise', undefined, 'approval.supplement', { app, note: await sealedText('已补充用地红线图'), materials: [] }, T0 + 3 * day), T0 + 3 * day);
await vector('approval.supplement', 'not-own', 'a staff member cannot supplement in the enterprise\'s name', sign('housing', 'appr1', 'approval.supplement', { app, note: await sealedText('代为补正') }, T0 + 3 * day), T0 + 3 * day);

console.log('approval vectors written under', ROOT);
