/**
 * Writes the payout module's golden contract vectors to test/vectors/contracts/payout.<kind>/<case>/.
 *
 *   npx tsx test/payout/vectors.generate.ts           writes only cases that do not exist yet
 *   npx tsx test/payout/vectors.generate.ts --force   rewrites them (then review the diff!)
 *
 * The cases follow one award through its life on a small chain (publish, apply, decide, publicise,
 * release, run prepared and approved by a second officer, settle), each pre-state being the previous case's post-state, plus the refusals
 * that guard money: above the cap, over the budget, before the period ends, not finance, settled twice;
 * then a new version of the policy that shares its budget, an amount changed on objection, and the
 * expert panel fixed at publication.
 * test/chain/contractVectors.test.ts replays them with every node's contracts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withCheckChar } from '../../shared/creditCode.ts';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { parseGenesis } from '../../server/chain/genesis.ts';
import { genesisEntries } from '../../server/chain/genesisState.ts';
import { sha256Hex } from '../../server/chain/hash.ts';
import { encKid, encPublicOf, seal } from '../../server/chain/sealing/envelope.ts';
import { sealPayee } from '../../server/policy-payout/payeeSeal.ts';
import { suiteByName } from '../../server/chain/suites/index.ts';
import { signTx } from '../../server/chain/tx.ts';
import { createModules } from '../../server/modules.ts';
import { runContractCase, type ContractPre, type ContractPost } from '../vectors/runContract.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../vectors/contracts');
const force = process.argv.includes('--force');
const genesis = parseGenesis(JSON.parse(readFileSync(join(ROOT, 'genesis.json'), 'utf8')));
const registry = buildRegistry(createModules());
const ed = suiteByName('ed25519');
const key = (label: string) => {
  const privateKey = sha256Hex(`tongban-vectors/${label}`);
  return { privateKey, publicKey: ed.publicKeyOf(privateKey) };
};
const market = key('member/market');
const tax = key('member/tax');
const firm = key('payout/enterprise');
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);
const CODE = withCheckChar('91330106MA2VECT0P');
const NAME = '滨江向量科技有限公司';
const CODE2 = withCheckChar('91330106MA2VECT1P');
const NAME2 = '滨江向量二号有限公司';
// Tax plays the finance office here: the vector chain's members are market, tax, hrss, housing.
const GEN = { config: { payout: { financeDept: 'tax' } } };

let state: Record<string, unknown> = {
  ...Object.fromEntries(genesisEntries(genesis)),
  'user/market/pol1': { id: 'pol1', dept: 'market', name: '政策科', role: 'policy', active: true },
  'user/hrss/pol2': { id: 'pol2', dept: 'hrss', name: '他局政策科', role: 'policy', active: true },
  'user/tax/fin1': { id: 'fin1', dept: 'tax', name: '国库科', role: 'finance', active: true },
  'user/tax/fin2': { id: 'fin2', dept: 'tax', name: '国库科复核', role: 'finance', active: true },
  'user/market/fin9': { id: 'fin9', dept: 'market', name: '非财政部门财务', role: 'finance', active: true },
  [`key/${firm.publicKey}`]: { type: 'enterprise', code: CODE },
  [`ent/${CODE}`]: { code: CODE, name: NAME, status: 'active', currentKey: firm.publicKey },
  [`filing/${CODE}`]: { code: CODE, version: 1, profile: { name: NAME, address: '滨江市江南区向量路1号', industry: { code: 'C39', name: '电子' } } },
};
let height = 20;
let nonce = 1;

/** A transaction signed at one second before the block it lands in. */
const signed = (signer: { privateKey: string; publicKey: string }, actor: string | undefined, kind: string, payload: Record<string, unknown>) => (time: number) =>
  signTx({ chain: genesis.chain, kind, payload, signer: signer.publicKey, ...(actor ? { actor } : {}), nonce: nonce++, time: time - 1000 }, signer.privateKey, ed);

/** One case; `advance` makes its post-state the next cases' pre-state. */
async function vector(kind: string, name: string, description: string, time: number, make: ReturnType<typeof signed>, advance = false): Promise<ContractPost> {
  const tx = make(time);
  const pre: ContractPre = { description, block: { height, time }, state, genesis: GEN as never };
  const post = await runContractCase(genesis, pre, tx, registry);
  const dir = join(ROOT, kind, name);
  if (force || !existsSync(join(dir, 'post.json'))) {
    mkdirSync(dir, { recursive: true });
    for (const [f, v] of [['pre', pre], ['tx', tx], ['post', post]] as const) writeFileSync(join(dir, `${f}.json`), JSON.stringify(v, null, 2) + '\n');
  }
  if (advance) {
    if (post.receipt.status !== 'ok') throw new Error(`${kind}/${name} was meant to succeed: ${post.receipt.code}`);
    state = { ...state };
    for (const [k, v] of Object.entries(post.writes)) if (v === null) delete state[k]; else state[k] = v;
    height++;
  }
  return post;
}

const policy = { title: '向量测试政策', legalBasis: '《向量办法》第一条', budgetFen: '3000000', capFen: '2000000', window: { opensAt: 0, closesAt: T0 + 365 * DAY }, review: { method: 'none' }, publicityDays: 5 };
const pub = await vector('payout.publish', 'publishes-policy', 'a policy officer publishes a policy: its record and an empty ledger (budget all remaining)', T0, signed(market, 'pol1', 'payout.publish', policy), true);
const POL = String(pub.receipt.events[0].data.policy);
await vector('payout.publish', 'cap-above-budget', 'a per-enterprise cap above the budget is refused', T0, signed(market, 'pol1', 'payout.publish', { ...policy, capFen: '3000001' }));
await vector('payout.publish', 'fractional-budget', 'a budget with a fraction of a fen is refused before the contract runs', T0, signed(market, 'pol1', 'payout.publish', { ...policy, budgetFen: '100.5' }));

// The payee account is sealed to the policy department (market) and the finance office (tax),
// each with an encryption key from a fixed seed. jose draws a fresh content key and ephemeral key
// on every seal, so the sealed payees are made once (fixed salts) and kept in vectorSealed.json:
// the vectors stay byte-identical when regenerated.
const encKeyOf = (dept: string) => encPublicOf(sha256Hex(`tongban-vectors/enc/${dept}`));
for (const d of ['market', 'tax']) state[`member/${d}`] = { ...(state[`member/${d}`] as object), encKey: encKeyOf(d) };
const sealTo = ['market', 'tax'].map((d) => ({ kid: encKid(d, encKeyOf(d)), encKey: encKeyOf(d) }));
const SEALED = join(dirname(fileURLToPath(import.meta.url)), 'vectorSealed.json');
if (!existsSync(SEALED)) {
  const bank = { account: '6222021001000000001', bankName: '中国工商银行滨江支行', bankCode: '102331000013' };
  const payees = {
    [CODE]: await sealPayee({ name: NAME, ...bank }, sealTo, { salt: sha256Hex('tongban-vectors/salt/payee/1') }),
    [CODE2]: await sealPayee({ name: NAME2, ...bank, account: '6222021001000000002' }, sealTo, { salt: sha256Hex('tongban-vectors/salt/payee/2') }),
  };
  writeFileSync(SEALED, JSON.stringify(payees, null, 2) + '\n');
}
const sealedPayees = JSON.parse(readFileSync(SEALED, 'utf8')) as Record<string, unknown>;
// Staff text (the bank's reference: to finance and the policy department; decision, resolution and
// objection reasons, the application's statement: to the policy department) sealed the same way, once per label, kept in vectorSealedText.json.
const SEALED_TEXT = join(dirname(fileURLToPath(import.meta.url)), 'vectorSealedText.json');
const sealedTexts = (existsSync(SEALED_TEXT) ? JSON.parse(readFileSync(SEALED_TEXT, 'utf8')) : {}) as Record<string, unknown>;
async function sealedText(label: string, value: string, depts = ['market', 'tax']): Promise<unknown> {
  if (!(label in sealedTexts)) {
    sealedTexts[label] = await seal(value, sealTo.filter((r) => depts.some((d) => r.kid.startsWith(`${d}/`))), { salt: sha256Hex(`tongban-vectors/salt/text/${label}`) });
    writeFileSync(SEALED_TEXT, JSON.stringify(sealedTexts, null, 2) + '\n');
  }
  return sealedTexts[label];
}
const payee = sealedPayees[CODE];
const applied = await vector('payout.apply', 'applies-with-filing', 'the enterprise applies with its filing; no privacy rules and no review: straight to the decision', T0 + 1000, signed(firm, undefined, 'payout.apply', { policy: POL, filingVersion: 1, statement: await sealedText('apply/申请', '申请', ['market']), payee }), true);
const APP = String(applied.receipt.events[0].data.application);
await vector('payout.apply', 'duplicate', '重复申报: a second application to the same policy', T0 + 2000, signed(firm, undefined, 'payout.apply', { policy: POL, filingVersion: 1, statement: await sealedText('apply/再申请', '再申请', ['market']), payee }));

await vector('payout.decide', 'above-cap', 'an amount above the per-enterprise cap', T0 + 3000, signed(market, 'pol1', 'payout.decide', { application: APP, decision: 'approve', amountFen: '2000001', reasons: await sealedText('decide/超限', '超限', ['market']) }));
await vector('payout.decide', 'other-department', 'a policy officer of another department may not decide', T0 + 3000, signed(key('member/hrss'), 'pol2', 'payout.decide', { application: APP, decision: 'approve', amountFen: '100', reasons: await sealedText('decide/越权', '越权', ['market']) }));
const decided = await vector('payout.decide', 'approves-within-cap', 'approved at the cap: the award is set aside from the budget', T0 + 3000, signed(market, 'pol1', 'payout.decide', { application: APP, decision: 'approve', amountFen: '2000000', reasons: await sealedText('decide/符合条件', '符合条件', ['market']) }), true);
const AWARD = (decided.receipt.events[0].data.records as string[]).find((k) => k.startsWith('pay/award/'))!.slice('pay/award/'.length);

await vector('payout.publicise', 'publishes-list', '公示: the approved award goes on the list with a five-day period', T0 + 4000, signed(market, 'pol1', 'payout.publicise', { policy: POL }), true);
await vector('payout.release', 'period-running', 'a day before the period ends nothing is payable', T0 + 4 * DAY, signed(market, undefined, 'payout.release', { policy: POL }));
await vector('payout.release', 'after-period', 'after the period, with no objection, the award is payable and reserved', T0 + 6 * DAY, signed(market, undefined, 'payout.release', { policy: POL }), true);

await vector('payout.run', 'finance-role-elsewhere', 'a finance role outside the finance department cannot trigger a run', T0 + 6 * DAY + 1000, signed(market, 'fin9', 'payout.run', { policy: POL }));
const ran = await vector('payout.run', 'creates-run', 'one finance officer prepares a run: the award is held by it under the end-to-end id its attempt will carry; nothing is paid or reserved anew', T0 + 6 * DAY + 1000, signed(tax, 'fin1', 'payout.run', { policy: POL }), true);
const RUN = String(ran.receipt.events[0].data.run);
await vector('payout.run', 'nothing-left', 'a second run finds nothing payable: the award is in the first', T0 + 6 * DAY + 2000, signed(tax, 'fin1', 'payout.run', { policy: POL }));
// Maker-checker: a second finance officer of the finance office decides on the prepared run.
await vector('payout.runReject', 'returns-awards', 'the second officer sends the run back with a reason: the award is payable again, the run rejected', T0 + 6 * DAY + 3000, signed(tax, 'fin2', 'payout.runReject', { run: RUN, reason: '金额需与公示名单再次核对' }));
await vector('payout.runApprove', 'same-officer', 'the officer who prepared the run cannot approve it', T0 + 6 * DAY + 3000, signed(tax, 'fin1', 'payout.runApprove', { run: RUN }));
await vector('payout.runReject', 'same-officer', 'the officer who prepared the run cannot reject it either', T0 + 6 * DAY + 3000, signed(tax, 'fin1', 'payout.runReject', { run: RUN, reason: '撤回' }));
await vector('payout.runApprove', 'finance-role-elsewhere', 'a finance role outside the finance department cannot approve a run', T0 + 6 * DAY + 3000, signed(market, 'fin9', 'payout.runApprove', { run: RUN }));
await vector('payout.runApprove', 'approves', 'a second finance officer approves: the attempt starts under the named end-to-end id', T0 + 6 * DAY + 3000, signed(tax, 'fin2', 'payout.runApprove', { run: RUN }), true);
await vector('payout.runApprove', 'twice', 'an approved run cannot be approved again', T0 + 6 * DAY + 4000, signed(tax, 'fin2', 'payout.runApprove', { run: RUN }));
await vector('payout.runReject', 'after-approval', 'an approved run cannot be rejected', T0 + 6 * DAY + 4000, signed(tax, 'fin2', 'payout.runReject', { run: RUN, reason: '迟到的退回' }));
await vector('payout.settle', 'settles', 'the bank settled the payment: paid, out of the reserve', T0 + 7 * DAY, signed(tax, 'fin1', 'payout.settle', { run: RUN, results: [{ endToEndId: `${AWARD}-1`, outcome: 'settled', bankRef: await sealedText('settle/B1', 'B1') }] }), true);
await vector('payout.settle', 'already-settled', 'settling an award that is already paid is refused', T0 + 7 * DAY + 1000, signed(tax, 'fin1', 'payout.settle', { run: RUN, results: [{ endToEndId: `${AWARD}-1`, outcome: 'settled', bankRef: await sealedText('settle/B2', 'B2') }] }));

// One policy line, one budget: a new version re-sets the line's budget, and what the line has
// already paid counts against it, so the new version cannot bring a second budget.
const v2 = await vector('payout.publish', 'new-version-shares-budget', 'a new version names the old: no second ledger; the line\'s books keep what was paid, 1,000,000 fen left', T0 + 8 * DAY, signed(market, 'pol1', 'payout.publish', { ...policy, title: '向量测试政策（修订）', supersedes: POL }), true);
const POL2 = String(v2.receipt.events[0].data.policy);
await vector('payout.publish', 'budget-below-committed', 'a new version cannot set the line\'s budget below what it has committed (2,000,000 fen paid)', T0 + 8 * DAY + 1000, signed(market, 'pol1', 'payout.publish', { ...policy, budgetFen: '1999999', capFen: '1000000', supersedes: POL2 }));

const firm2 = key('payout/enterprise2');
state = {
  ...state,
  [`key/${firm2.publicKey}`]: { type: 'enterprise', code: CODE2 },
  [`ent/${CODE2}`]: { code: CODE2, name: NAME2, status: 'active', currentKey: firm2.publicKey },
  [`filing/${CODE2}`]: { code: CODE2, version: 1, profile: { name: NAME2, address: '滨江市江南区向量路2号', industry: { code: 'C39', name: '电子' } } },
};
const payee2 = sealedPayees[CODE2];
const applied2 = await vector('payout.apply', 'applies-to-new-version', 'a second enterprise applies to the new version, asking 1,500,000 fen', T0 + 9 * DAY, signed(firm2, undefined, 'payout.apply', { policy: POL2, filingVersion: 1, requestedFen: '1500000', statement: await sealedText('apply/申请', '申请', ['market']), payee: payee2 }), true);
const APP2 = String(applied2.receipt.events[0].data.application);
await vector('payout.decide', 'line-budget-exceeded', 'under the new version only what the line has left: 1,000,001 fen do not fit', T0 + 9 * DAY + 1000, signed(market, 'pol1', 'payout.decide', { application: APP2, decision: 'approve', amountFen: '1000001', reasons: await sealedText('decide/超出', '超出', ['market']) }));
const decided2 = await vector('payout.decide', 'approves-within-line-budget', '800,000 fen fit the line\'s remaining 1,000,000', T0 + 9 * DAY + 2000, signed(market, 'pol1', 'payout.decide', { application: APP2, decision: 'approve', amountFen: '800000', reasons: await sealedText('decide/符合条件', '符合条件', ['market']) }), true);
const AWARD2 = (decided2.receipt.events[0].data.records as string[]).find((k) => k.startsWith('pay/award/'))!.slice('pay/award/'.length);
await vector('payout.publicise', 'publishes-new-version', '公示 of the new version\'s award', T0 + 9 * DAY + 3000, signed(market, 'pol1', 'payout.publicise', { policy: POL2 }), true);
const objected = await vector('payout.object', 'objects-in-period', 'an objection to the award within its period', T0 + 10 * DAY, signed(market, 'pol1', 'payout.object', { award: AWARD2, reasons: await sealedText('object/金额偏高', '金额偏高', ['market']) }), true);
const OBJ = String(objected.receipt.events[0].data.objection);
await vector('payout.resolve', 'change-above-request', 'a changed amount above the 1,500,000 fen applied for is refused', T0 + 10 * DAY + 1000, signed(market, 'pol1', 'payout.resolve', { objection: OBJ, outcome: 'change', amountFen: '1500001', reasons: await sealedText('resolve/调整', '调整', ['market']) }));
await vector('payout.resolve', 'change-above-budget', 'raising the award by 200,001 fen needs more than the 200,000 the line has left', T0 + 10 * DAY + 1000, signed(market, 'pol1', 'payout.resolve', { objection: OBJ, outcome: 'change', amountFen: '1000001', reasons: await sealedText('resolve/调整', '调整', ['market']) }));
await vector('payout.resolve', 'change-republishes', 'a change within the rules: the award goes on a new publication list for a full period', T0 + 10 * DAY + 1000, signed(market, 'pol1', 'payout.resolve', { objection: OBJ, outcome: 'change', amountFen: '600000', reasons: await sealedText('resolve/按实际投入调整', '按实际投入调整', ['market']) }));

// Reviewers are drawn from the experts registered when the policy is published (its panel).
state = {
  ...state,
  'user/market/exp1': { id: 'exp1', dept: 'market', name: '专家甲', role: 'expert', active: true },
  'user/market/exp2': { id: 'exp2', dept: 'market', name: '专家乙', role: 'expert', active: true },
  'pay/expert/market/exp1': { dept: 'market', id: 'exp1', encKey: sha256Hex('vectors/exp1'), declared: { enterprises: [], industries: [] }, configured: { enterprises: [], industries: [] }, updatedAt: T0 },
  'pay/experts/market': ['exp1', 'exp2'],
};
const reviewed = { ...policy, title: '专家评审政策', review: { method: 'expert', experts: 1 } };
await vector('payout.publish', 'fixes-expert-panel', 'an expert-reviewed policy fixes its panel: registered, active experts only (exp2 has no key yet)', T0 + 11 * DAY, signed(market, 'pol1', 'payout.publish', reviewed));
await vector('payout.publish', 'too-few-experts', 'two reviewers asked, one expert registered: refused', T0 + 11 * DAY, signed(market, 'pol1', 'payout.publish', { ...reviewed, review: { method: 'expert', experts: 2 } }));
console.log('payout vectors written under', ROOT);
