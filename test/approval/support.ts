import { ed25519 } from '@noble/curves/ed25519.js';
import request from 'supertest';
import { loginMessage } from '../../server/http/auth.ts';
import { approvalModule } from '../../server/approval/index.ts';
import { CREDIT_CODE_CHARS, withCheckChar } from '../../shared/creditCode.ts';
import type { FilingSubmit, MaterialDraft } from '../../server/approval/schema.ts';
import { filingSealRecipients, sealFiling, splitMaterialNames, type FilingDraft } from '../../server/approval/filingSeal.ts';
import { appSealRecipients, processSealRecipients } from '../../server/approval/staffSeal.ts';
import { seal } from '../../server/chain/sealing/envelope.ts';
import type { Tx } from '../../server/chain/schema.ts';
import { txId, txSigningMessage } from '../../server/chain/tx.ts';
import type { Platform } from '../../server/platform.ts';
import { LocalLog, type Clock } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { createPlatform } from '../../server/platform.ts';
import type { Role } from '../../server/chain/schema.ts';
import { makeConsortium, silentLogger } from '../support/fixtures.ts';
import { login, TEST_PASSWORD, type Session } from '../support/platform.ts';

export { login, type Session };

/** A clock the test moves: the ordering log stamps blocks with it, so deadlines can pass in a test. */
export class TestClock implements Clock {
  constructor(public t = Date.now()) {}
  now = () => this.t;
  advanceDays(d: number) {
    this.t += d * 86_400_000;
  }
}

/**
 * A whole embedded platform in memory with only this module (so other modules never slow or
 * break these tests) and demo staff. With a clock, blocks take their time from it, and the
 * transaction time-to-live is widened so transactions signed "now" still fit a block stamped later.
 */
export async function startApprovalPlatform(o: { depts?: string[]; clock?: TestClock } = {}): Promise<Platform> {
  const depts = o.depts ?? ['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service'];
  const keys = makeConsortium(depts, o.clock ? { txTtlMs: 400 * 86_400_000 } : {});
  const log = new LocalLog(':memory:', o.clock);
  const specs = keys.genesis.members.map((m) => ({ dept: m.dept, db: openDb({ client: 'sqlite', filename: ':memory:' }), orderer: log }));
  const p = await createPlatform({ keys, specs, logger: silentLogger, modules: () => [approvalModule()] });
  await seedDemo(p, { password: TEST_PASSWORD });
  return p;
}

/** Staff the demo does not have (an approver at enforcement, say), with the test password. */
export async function addStaff(p: Platform, dept: string, id: string, role: Role): Promise<Session> {
  await p.node(dept).submitAs('admin', 'user.register', { id, name: `${dept}-${id}`, role });
  await p.auths.get(dept)!.setPassword(id, TEST_PASSWORD);
  return login(p, dept, id);
}

/** A valid unified social credit code, different for every seed (an MA… code as issued since 2015). */
export function testCode(seed: number): string {
  let s = '';
  for (let i = 0, n = seed; i < 7; i++, n = Math.floor(n / 31)) s = CREDIT_CODE_CHARS[n % 31] + s;
  return withCheckChar(`91330106MA${s}`);
}

/** An enterprise as the browser holds it: its own key pair made with @noble/curves, nothing on the server. */
export class TestEnterprise {
  readonly secret = ed25519.utils.randomSecretKey();
  readonly publicKey = Buffer.from(ed25519.getPublicKey(this.secret)).toString('hex');
  private nonce = Date.now() * 1000;
  session?: Session;

  constructor(
    readonly p: Platform,
    readonly code: string,
    readonly name: string,
  ) {}

  /** Signs as a browser would: over the domain-separated transaction id. */
  sign(kind: string, payload: Record<string, unknown>): Tx {
    const unsigned = { chain: this.p.nodes[0].genesis.chain, kind, payload, signer: this.publicKey, nonce: ++this.nonce, time: Date.now() };
    const sig = ed25519.sign(txSigningMessage(txId(unsigned)), this.secret);
    return { ...unsigned, signature: Buffer.from(sig).toString('hex') };
  }

  submit(kind: string, payload: Record<string, unknown>, dept = 'service') {
    return request(this.p.app.callback()).post(`/${dept}/api/approval/tx`).send(this.sign(kind, payload));
  }

  /** Signs in with a challenge, as the portal does; the session is kept for later calls. */
  async login(dept = 'service'): Promise<Session> {
    const http = request(this.p.app.callback());
    const ch = await http.get(`/${dept}/api/auth/challenge`).expect(200);
    const signature = Buffer.from(ed25519.sign(loginMessage(this.p.nodes[0].genesis.chain, dept, ch.body.challenge), this.secret)).toString('hex');
    const res = await http.post(`/${dept}/api/auth/enterprise`).send({ publicKey: this.publicKey, challenge: ch.body.challenge, signature }).expect(200);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    const csrf = res.body.csrfToken as string;
    const agent = request(this.p.app.callback());
    this.session = {
      cookie,
      csrf,
      get: (path) => agent.get(path).set('Cookie', cookie),
      post: (path, body) => agent.post(path).set('Cookie', cookie).set('x-csrf-token', csrf).send(body as object),
    };
    return this.session;
  }
}

export async function registerEnterprise(p: Platform, clerk: Session, seed: number, name = `滨江测试${seed}建设有限公司`): Promise<TestEnterprise> {
  const ent = new TestEnterprise(p, testCode(seed), name);
  await clerk.post('/service/api/approval/enterprises', { code: ent.code, name, publicKey: ent.publicKey, verification: { method: 'window', note: '法定代表人身份证原件核验' } }).expect(201);
  return ent;
}

/** The filing as the enterprise signs it: its contacts sealed to the departments that must read them. */
export async function filingOf(ent: TestEnterprise, materials: MaterialDraft[] = []): Promise<FilingSubmit> {
  const node = ent.p.nodes[0];
  return sealFiling(filingDraftOf(ent, materials), await filingSealRecipients(node.view(), node.genesis));
}

/** A supplement as the enterprise signs it: its note and the new materials' names sealed to the application's stage departments. */
export async function supplementOf(ent: TestEnterprise, app: string, note: string, drafts: MaterialDraft[] = []) {
  const node = ent.p.nodes[0];
  const to = await appSealRecipients(node.view(), node.genesis, app);
  const { materials, materialNames } = splitMaterialNames(drafts);
  return { app, note: await seal(note, to), ...(materials.length ? { materials, materialNames: await seal(materialNames, to) } : {}) };
}

/** An application as the enterprise signs it: the project's investment and description sealed to the process's stage departments. */
export async function applicationOf(ent: TestEnterprise, body: { process: string; project: { name: string; location?: string; investmentFen?: string; description?: string }; commitment?: unknown }) {
  const node = ent.p.nodes[0];
  const to = await processSealRecipients(node.view(), node.genesis, body.process);
  const { investmentFen, description, ...project } = body.project;
  return {
    ...body,
    project: { ...project, ...(investmentFen ? { investmentFen: await seal(investmentFen, to) } : {}), ...(description ? { description: await seal(description, to) } : {}) },
  };
}

export const TEST_CONTACT_PHONE = '13800138000';

export function filingDraftOf(ent: TestEnterprise, materials: MaterialDraft[] = []): FilingDraft {
  return {
    code: ent.code,
    profile: {
      name: ent.name,
      legalRepresentative: '张建国',
      address: '滨江市江南区滨江大道188号',
      industry: { code: 'E47', name: '房屋建筑业' },
      registeredCapitalFen: '5000000000',
      employees: 86,
      contacts: [{ name: '李敏', role: '办事员', phone: TEST_CONTACT_PHONE, email: 'limin@example.cn' }],
    },
    materials,
    commitments: [{ id: 'truthful', title: '申报材料真实性承诺书', text: '本企业承诺所提交的材料真实、合法、有效，如有不实，愿承担相应法律责任。', accepted: true }],
    consents: [
      { dept: 'housing', field: 'tax.paid', purpose: '工程建设审批资质核验' },
      { dept: 'housing', field: 'hrss.insured', purpose: '施工许可参保人数核验' },
    ],
  };
}

/** A real, minimal PDF; its bytes vary with `tag` so each has its own hash. */
export const pdf = (tag: string) => Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% ${tag}\ntrailer<</Root 1 0 R>>\n%%EOF\n`);
export const png = () => Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1c5f10f0000000049454e44ae426082', 'hex');

export function upload(s: Session, body: Buffer, type = 'application/pdf', query = '') {
  return s.post(`/service/api/approval/materials${query}`).set('content-type', type).send(body);
}

/** Files the one form with one uploaded material; returns the material as the filing names it. */
export async function fileOnce(ent: TestEnterprise, tag = 'licence'): Promise<MaterialDraft> {
  const s = ent.session ?? (await ent.login());
  const up = await upload(s, pdf(`${ent.code}-${tag}`)).expect(201);
  const material = { hash: up.body.hash, name: '营业执照.pdf', type: 'pdf' as const, size: up.body.size, category: '营业执照' };
  const res = await ent.submit('filing.submit', await filingOf(ent, [material]));
  if (res.status !== 200) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
  return material;
}

/** Row counts of the ledger and read models, to prove that refused input wrote nothing. */
export async function counts(p: Platform, dept = 'service'): Promise<Record<string, number>> {
  const db = p.node(dept).db;
  const out: Record<string, number> = {};
  for (const t of ['txs', 'state', 'ap_enterprises', 'ap_filings', 'ap_applications', 'ap_inspections', 'ap_cases', 'ap_blobs', 'ap_dossier_views']) {
    out[t] = Number(((await db(t).count({ n: '*' }).first()) as { n: number }).n);
  }
  return out;
}

export const settle = (ms = 80) => new Promise((r) => setTimeout(r, ms));
