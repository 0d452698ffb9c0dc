import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { genesisEntries } from '../chain/genesisState.ts';
import type { Genesis } from '../chain/schema.ts';
import { BUNDLE_FORMAT, canonical, MANIFEST_KIND, PATHS } from './bundleFormat.ts';
import type { CertEntry, HeaderEntry, Manifest, MaterialEntry, OpenedFields, PrivacyEvidence, TxRecord } from './bundleFormat.ts';
import { CHECKS, fail, VerifyFailure, type CheckName, type Failure } from './checks.ts';
import { leafHash, leafText, rootFromProof } from '../../shared/verify/merkleProof.ts';
import { Membership, quorumOf, type Snapshot } from './membership.ts';
import { verifySignature } from '../../shared/verify/signatures.ts';

/**
 * The one verification core of an evidence bundle, for the command line and the page inside the
 * bundle alike: no node API, no network. Checks run in a fixed order and the first failure is
 * named with its file and what it means; a pass lists what was checked.
 */
export interface VerifyOptions {
  /** Groth16 verification (snarkjs's groth16.verify): node and browser each pass theirs */
  zkVerify?: (vkey: unknown, publicSignals: string[], proof: unknown) => Promise<boolean>;
  /** block hashes by height as another department's node reports them, to compare with */
  otherNode?: (heights: number[]) => Promise<Map<number, string>>;
  onProgress?: (step: string) => void;
  /**
   * The signature check; by default @noble/curves (signatures.ts), which the page uses. The
   * command line passes the chain's own suites (node:crypto for ed25519), the same rule, faster.
   */
  verifySignature?: typeof verifySignature;
}

export interface Passed {
  check: CheckName;
  zh: string;
  en: string;
  count: number;
}

export interface VerifyOutcome {
  ok: boolean;
  failure?: Failure;
  passed: Passed[];
  manifest?: Pick<Manifest, 'chain' | 'subject' | 'subjectKind' | 'issuer' | 'requester' | 'purpose' | 'createdAt' | 'top'>;
  /** what could not be checked, and why (withheld content, zk without a verifier) */
  notes: string[];
}

const hex = (b: Uint8Array) => bytesToHex(sha256(b));
const sha = (s: string) => bytesToHex(sha256(new TextEncoder().encode(s)));
const decoder = new TextDecoder('utf-8', { fatal: true });

export async function verifyBundle(files: Map<string, Uint8Array>, o: VerifyOptions = {}): Promise<VerifyOutcome> {
  const passed = new Map<CheckName, number>();
  const notes: string[] = [];
  const pass = (c: CheckName, n = 1) => passed.set(c, (passed.get(c) ?? 0) + n);
  const sigOk = o.verifySignature ?? verifySignature;
  let manifest: Manifest | undefined;
  const result = (failure?: Failure): VerifyOutcome => ({
    ok: !failure,
    failure,
    passed: [...passed].map(([check, count]) => ({ check, zh: CHECKS[check].zh, en: CHECKS[check].en, count })),
    manifest: manifest && { chain: manifest.chain, subject: manifest.subject, subjectKind: manifest.subjectKind, issuer: manifest.issuer, requester: manifest.requester, purpose: manifest.purpose, createdAt: manifest.createdAt, top: manifest.top },
    notes,
  });
  try {
    manifest = readManifest(files);
    const m = manifest;
    for (const [path, want] of Object.entries(m.files)) {
      const bytes = files.get(path);
      if (!bytes) fail('fileHash', path, `清单列出的文件 ${path} 不在证据包中`, `${path}, listed in the manifest, is missing from the bundle`);
      if (hex(bytes!) !== want) fail('fileHash', path, `文件 ${path} 的SHA-256与清单不符`, `${path} does not match its SHA-256 in the manifest`);
      pass('fileHash');
    }
    for (const path of files.keys()) {
      if (path !== PATHS.manifest && !(path in m.files)) fail('fileHash', path, `文件 ${path} 不在清单中`, `${path} is not listed in the manifest`);
    }
    o.onProgress?.('files');
    const json = <T>(path: string): T => readCanonical<T>(files, path);

    const genesis = json<Genesis>(PATHS.genesis);
    if (genesis.chain !== m.chain || (genesis.version ?? 1) !== m.version || genesis.suite !== m.suite) {
      fail('genesis', PATHS.genesis, '创世配置的链标识、版本或密码套件与清单不符', 'the genesis’s chain id, version or suite differs from the manifest’s');
    }
    const version = m.version;
    const headers = json<HeaderEntry[]>(PATHS.headers);
    checkHeaders(genesis, headers);
    pass('genesis');
    pass('headers', headers.length);
    const headerAt = (h: number, file: string) => {
      const e = headers[h];
      if (!e) fail('inclusion', file, `证据包中没有第 ${h} 块的区块头`, `the bundle holds no header for block ${h}`);
      return e!.header;
    };
    o.onProgress?.('headers');

    const membership = new Membership(genesis);
    const govRecords = json<TxRecord[]>(PATHS.governance);
    let last = -1;
    for (const r of govRecords) {
      const place = r.height * 1e6 + r.index;
      if (place <= last) fail('governance', PATHS.governance, '治理记录未按链上顺序排列', 'governance records are not in chain order');
      last = place;
      checkRecord(r, PATHS.governance, m.suite, version, headerAt(r.height, PATHS.governance), sigOk);
      if (!r.tx) fail('governance', PATHS.governance, `治理交易 ${r.txId} 的内容缺失`, `governance transaction ${r.txId} has no content`);
      if (r.receipt.status !== 'ok') continue;
      const before = membership.current;
      const dept = Membership.deptOfKey(before, String(r.tx!.signer));
      if (!dept) fail('governance', PATHS.governance, `治理交易 ${r.txId} 不是由当时的成员节点签署`, `governance transaction ${r.txId} was not signed by a member node in force at height ${r.height}`);
      const applied = membership.apply(r.txId, r.height, dept!, r.kind, r.tx!.payload as Record<string, unknown>);
      const events = (r.receipt.events ?? []) as { type?: string }[];
      if (applied !== events.some((e) => e.type === 'gov.applied')) {
        fail('governance', PATHS.governance, `治理交易 ${r.txId} 的生效与否与回执不符`, `whether governance transaction ${r.txId} took effect differs from its receipt`);
      }
      pass('governance');
    }
    o.onProgress?.('governance');

    const certs = json<CertEntry[]>(PATHS.certs);
    for (const c of certs) checkCert(c, m.chain, m.suite, headers, membership, sigOk);
    pass('certificate', certs.length);
    if (!certs.some((c) => c.cert.height === m.top)) fail('certificate', PATHS.certs, `没有证书覆盖证据包的最高块 ${m.top}`, `no certificate covers the bundle’s top block ${m.top}`);
    const coveredBy = (h: number) => certs.filter((c) => c.cert.height >= h).sort((a, b) => a.cert.height - b.cert.height)[0];
    // governance above the top only says whose keys count for a certificate carried there
    for (const r of govRecords) if (r.height <= m.top && !coveredBy(r.height)) fail('certificate', PATHS.governance, `第 ${r.height} 块没有最终性证书`, `block ${r.height} has no finality certificate in the bundle`);

    const records = [...files.keys()].filter((p) => p.startsWith('records/')).sort();
    const byId = new Map<string, TxRecord>();
    for (const path of records) {
      const r = json<TxRecord>(path);
      checkRecord(r, path, m.suite, version, headerAt(r.height, path), sigOk);
      if (!coveredBy(r.height)) fail('certificate', path, `第 ${r.height} 块没有最终性证书`, `block ${r.height} has no finality certificate in the bundle`);
      if (r.withheld) notes.push(`${path}: 内容未提供（${r.withheld}），仅验证了其在链上的位置和结果 / content withheld (${r.withheld}); only its place and outcome on the chain were checked`);
      byId.set(r.txId, r);
    }
    pass('txId', [...byId.values()].filter((r) => r.tx).length);
    pass('txSignature', [...byId.values()].filter((r) => r.tx && r.receipt.status === 'ok').length);
    pass('inclusion', records.length + govRecords.length);
    o.onProgress?.('records');

    for (const path of [...files.keys()].filter((p) => p.startsWith('privacy/')).sort()) {
      const z = json<PrivacyEvidence>(path);
      const r = byId.get(z.answerTx);
      if (!r?.tx || r.kind !== 'privacy.answer') fail('zk', path, `证明所属的回答交易 ${z.answerTx} 不在证据包中`, `the answer transaction ${z.answerTx} the proof belongs to is not in the bundle`);
      const payload = r!.tx!.payload as { proof?: unknown; answer?: unknown };
      if (canonical(payload.proof) !== canonical(z.proof) || payload.answer !== z.answer) fail('zk', path, '证明或答案与链上回答交易不同', 'the proof or answer differs from the answer transaction on the chain');
      if (z.publicSignals[0] !== (z.answer ? '1' : '0')) fail('zk', path, '公开信号中的答案与回答不符', 'the answer in the public signals differs from the answer given');
      const keys = membership.before(r!.height).vkeys;
      const adopted = keys.keys?.[z.circuit];
      if (!adopted || canonical(adopted) !== canonical(z.vkey) || keys.adoptedBy !== z.adoptedBy) {
        fail('zk', path, `验证密钥不是联盟在第 ${r!.height} 块时采纳的 ${z.circuit} 密钥`, `the verification key is not the ${z.circuit} key the consortium had adopted at block ${r!.height}`);
      }
      if (!o.zkVerify) {
        notes.push(`${path}: 未提供零知识验证器，未验证证明 / no zero-knowledge verifier given; the proof was not checked`);
        continue;
      }
      if (!(await o.zkVerify(z.vkey, z.publicSignals, z.proof))) fail('zk', path, '零知识证明验证失败', 'the zero-knowledge proof does not verify');
      pass('zk');
    }
    o.onProgress?.('zk');

    for (const path of [...files.keys()].filter((p) => p.startsWith('opened/')).sort()) {
      const opened = json<OpenedFields>(path);
      const r = byId.get(opened.txId);
      if (!r?.tx) fail('sealed', path, `解封内容所属的交易 ${opened.txId} 不在证据包中`, `the transaction ${opened.txId} these opened fields belong to is not in the bundle`);
      for (const f of opened.fields) {
        const env = f.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), r!.tx!.payload) as { sealed?: number; commit?: string } | undefined;
        if (env?.sealed !== 1 || sha(canonical({ s: f.salt, v: f.value })) !== env.commit) {
          fail('sealed', path, `字段 ${f.path.join('.')} 的解封内容与链上承诺不符`, `the opened value of ${f.path.join('.')} does not match its commitment on the chain`);
        }
        pass('sealed');
      }
    }

    if (files.has(PATHS.materials)) {
      for (const e of json<MaterialEntry[]>(PATHS.materials)) {
        const r = byId.get(e.txId);
        if (!r?.tx || !canonical(r.tx.payload).includes(`"hash":"${e.hash}"`)) fail('material', PATHS.materials, `材料 ${e.hash.slice(0, 12)}… 未登记在所称交易中`, `material ${e.hash.slice(0, 12)}… is not named by the transaction it is listed under`);
        if (e.included) {
          const bytes = files.get(PATHS.material(e.hash));
          if (!bytes || hex(bytes) !== e.hash) fail('material', PATHS.material(e.hash), `材料文件与链上登记的哈希不符`, 'the material file does not match the hash on the chain');
        }
        pass('material');
      }
    }

    const { attestation, ...unsigned } = m;
    const { signature, ...envelope } = attestation.tx;
    const payload = envelope.payload as { manifest?: string } | undefined;
    const signerDept = Membership.deptOfKey(membership.current, envelope.signer);
    if (
      signerDept !== m.issuer ||
      envelope.kind !== MANIFEST_KIND ||
      envelope.chain !== m.chain ||
      payload?.manifest !== sha(canonical(unsigned)) ||
      !sigOk(m.suite, envelope.signer, `tongban/tx/v1:${sha(canonical(envelope))}`, signature)
    ) {
      fail('issuer', PATHS.manifest, `清单不是由 ${m.issuer} 节点当前有效的密钥签署`, `the manifest is not signed by the current node key of ${m.issuer}`);
    }
    pass('issuer');

    if (o.otherNode) {
      const heights = [...new Set([...byId.values()].map((r) => r.height).concat(certs.map((c) => c.cert.height)))].sort((a, b) => a - b);
      const theirs = await o.otherNode(heights);
      for (const h of heights) {
        if (theirs.get(h) !== headers[h].hash) fail('otherNode', PATHS.headers, `另一节点第 ${h} 块的哈希与证据包不同`, `another node’s hash of block ${h} differs from the bundle’s`);
      }
      pass('otherNode', heights.length);
    }
    return result();
  } catch (e) {
    if (e instanceof VerifyFailure) return result(e.toFailure());
    throw e;
  }
}

type SigCheck = typeof verifySignature;

function readManifest(files: Map<string, Uint8Array>): Manifest {
  const m = readCanonical<Manifest>(files, PATHS.manifest, 'manifest');
  if (m.format !== BUNDLE_FORMAT || typeof m.files !== 'object' || !m.files || typeof m.attestation?.tx?.signature !== 'string') {
    fail('manifest', PATHS.manifest, `清单格式不是 ${BUNDLE_FORMAT}`, `the manifest is not in the ${BUNDLE_FORMAT} format`);
  }
  // Before any file is judged by it: the manifest is the one its signature envelope names (whose key signed it is checked last).
  const { attestation, ...unsigned } = m;
  if ((attestation.tx.payload as { manifest?: unknown } | undefined)?.manifest !== sha(canonical(unsigned))) {
    fail('manifest', PATHS.manifest, '清单在签署后被改动过', 'the manifest was changed after it was signed');
  }
  return m;
}

function readCanonical<T>(files: Map<string, Uint8Array>, path: string, check: CheckName = 'format'): T {
  const bytes = files.get(path);
  if (!bytes) return fail(check === 'manifest' ? 'manifest' : 'fileHash', path, `证据包缺少 ${path}`, `the bundle has no ${path}`);
  let value: unknown;
  let text: string;
  try {
    text = decoder.decode(bytes);
    value = JSON.parse(text);
  } catch {
    return fail(check, path, `${path} 不是有效的JSON`, `${path} is not valid JSON`);
  }
  if (canonical(value) !== text) fail(check, path, `${path} 不是规范JSON（RFC 8785）`, `${path} is not canonical JSON (RFC 8785)`);
  return value as T;
}

function checkHeaders(genesis: Genesis, headers: HeaderEntry[]): void {
  const file = PATHS.headers;
  if (!Array.isArray(headers) || !headers.length) fail('headers', file, '没有区块头', 'there are no headers');
  const writes = genesisEntries(genesis).map(([k, v]) => [k, canonical(v)] as [string, string]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const stateHash = sha(sha(canonical(genesis)) + sha(canonical(writes)));
  const h0 = headers[0].header;
  const want0 = { chain: genesis.chain, height: 0, prev: '0'.repeat(64), txRoot: '0'.repeat(64), stateHash, firstOffset: 0, lastOffset: -1, time: genesis.time, txCount: 0, certs: [] };
  if (canonical(h0) !== canonical(want0)) fail('genesis', PATHS.genesis, '创世配置与第0块区块头不符', 'the genesis does not produce block 0’s header');
  headers.forEach((e, h) => {
    if (e.header.height !== h || e.header.chain !== genesis.chain) fail('headers', file, `第 ${h} 个区块头的高度或链标识不对`, `header ${h} has the wrong height or chain`);
    if (sha(canonical(e.header)) !== e.hash) fail('headers', file, `第 ${h} 块区块头的哈希不符`, `block ${h}’s header does not hash to its hash`);
    if (h > 0 && e.header.prev !== headers[h - 1].hash) fail('headers', file, `第 ${h} 块未链接到第 ${h - 1} 块`, `block ${h} does not link to block ${h - 1}`);
  });
}

/** Id, signature, and the receipt's place in its block's transaction tree. */
function checkRecord(r: TxRecord, file: string, suite: 'ed25519' | 'sm2', version: number, header: HeaderEntry['header'], verifySignature: SigCheck): void {
  if (r.tx) {
    const { signature, ...unsigned } = r.tx as Record<string, unknown> & { signature?: string };
    if (sha(canonical(unsigned)) !== r.txId) fail('txId', file, `交易内容与标识 ${r.txId.slice(0, 16)}… 不符`, `the transaction’s content does not hash to its id ${r.txId.slice(0, 16)}…`);
    if (r.kind !== unsigned.kind) fail('txId', file, '交易种类与内容不符', 'the kind differs from the transaction’s');
    if (r.receipt.status === 'ok' && !verifySignature(suite, String(unsigned.signer), `tongban/tx/v1:${r.txId}`, String(signature))) {
      fail('txSignature', file, `交易 ${r.txId.slice(0, 16)}… 的签名无效`, `the signature of transaction ${r.txId.slice(0, 16)}… is not valid`);
    }
  }
  if (!r.tx && r.receipt.status === 'ok' && r.withheldFor !== 'basis') {
    fail('txId', file, `已生效的交易 ${r.txId.slice(0, 16)}… 缺少其内容`, `the accepted transaction ${r.txId.slice(0, 16)}… comes without its content`);
  }
  if (r.receipt.events && sha(canonical(r.receipt.events)) !== r.receipt.eventsHash) fail('inclusion', file, '回执事件与其哈希不符', 'the receipt’s events do not match their hash');
  if (r.proof.size !== header.txCount) fail('inclusion', file, `包含证明的树大小与第 ${r.height} 块的交易数不同`, `the proof’s tree size differs from block ${r.height}’s transaction count`);
  const leaf = leafHash(leafText(r.txId, r.receipt.status, r.receipt.code, r.receipt.eventsHash), version);
  if (r.proof.index !== r.index || rootFromProof(leaf, r.proof, version) !== header.txRoot) {
    fail('inclusion', file, `交易 ${r.txId.slice(0, 16)}… 及其回执不在第 ${r.height} 块的交易树中`, `transaction ${r.txId.slice(0, 16)}… with its receipt is not in block ${r.height}’s transaction tree`);
  }
}

function checkCert(c: CertEntry, chain: string, suite: 'ed25519' | 'sm2', headers: HeaderEntry[], membership: Membership, verifySignature: SigCheck): void {
  const file = PATHS.certs;
  const { cert, carrier } = c;
  const h = cert.height;
  if (!headers[h] || headers[h].hash !== cert.hash) fail('certificate', file, `第 ${h} 块的证书所签哈希与区块头不同`, `the certificate of block ${h} signs a hash other than its header’s`);
  if (!(carrier > h)) fail('certificate', file, `第 ${h} 块的证书所在块不在其后`, `the certificate of block ${h} is carried by a block not after it`);
  const s: Snapshot = membership.before(carrier);
  const active = [...s.members].filter(([, m]) => m.active);
  const message = `tongban/block/v1:${chain}:${h}:${cert.hash}`;
  const seen = new Set<string>();
  for (const { dept, sig } of cert.sigs) {
    if (seen.has(dept)) fail('certificate', file, `第 ${h} 块的证书重复计入 ${dept} 的签名`, `the certificate of block ${h} counts ${dept} twice`);
    seen.add(dept);
    const mk = s.members.get(dept);
    if (!mk?.active) fail('certificate', file, `签署第 ${h} 块的 ${dept} 当时不是成员`, `${dept}, which signed block ${h}, was not a member then`);
    if (verifySignature(suite, mk!.nodeKey, message, sig)) continue;
    const rotated = mk!.old.find((o) => verifySignature(suite, o.key, message, sig));
    if (rotated) {
      fail('certificate', file, `第 ${h} 块的证书中 ${dept} 的签名使用了已于第 ${rotated.rotatedAt} 块经治理轮换掉的密钥`, `in the certificate of block ${h}, ${dept} signed with a key governance had rotated out at block ${rotated.rotatedAt}`);
    }
    fail('certificate', file, `第 ${h} 块的证书中 ${dept} 的签名无效`, `in the certificate of block ${h}, ${dept}’s signature is not valid`);
  }
  const q = quorumOf(active.length);
  if (seen.size < q) fail('certificate', file, `第 ${h} 块的证书只有 ${seen.size} 个签名，法定数为 ${q}`, `the certificate of block ${h} has ${seen.size} signatures; the quorum is ${q}`);
  // last: a certificate that fails on its own signatures is named for them, not for where it rides
  const carrierHeader = headers[carrier]?.header;
  if (carrierHeader && !carrierHeader.certs.some((x) => canonical(x) === canonical(cert))) fail('certificate', file, `第 ${carrier} 块未载有第 ${h} 块的证书`, `block ${carrier} does not carry the certificate of block ${h}`);
}
