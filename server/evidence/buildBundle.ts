import { sha256Hex } from '../chain/hash.ts';
import { ChainError } from '../chain/errors.ts';
import { chainVersionOf } from '../chain/genesis.ts';
import { receiptLeaf, receiptLeafV2 } from '../chain/merkle.ts';
import { hash } from 'node:crypto';
import { isSealed, recipientDepts } from '../chain/sealing/envelope.ts';
import { bindingOf } from '../privacy-query/binding.ts';
import type { QueryRecord } from '../privacy-query/raise.ts';
import { pq } from '../privacy-query/stateKeys.ts';
import { circuitFor, publicSignals } from '../privacy-query/zk/publicSignals.ts';
import { BUNDLE_FORMAT, canonical, MANIFEST_KIND, PATHS } from './bundleFormat.ts';
import type { CertEntry, HeaderEntry, Manifest, MaterialEntry, OpenedFields, PrivacyEvidence, TxRecord } from './bundleFormat.ts';
import type { EvidenceSource, LedgerHeader, LedgerTx } from './evidenceSource.ts';
import { proofFrom } from '../../shared/verify/merkleProof.ts';
import { renderReport } from './report.ts';
import { subjectKindOf } from './subject.ts';

export interface Requester {
  dept: string;
  id: string;
  role: string;
}

export interface BuildOptions {
  subject: string;
  requester: Requester;
  purpose?: string;
  auditViewTx?: string;
  /** only transactions up to this height (what was final when the request came) */
  upTo?: number;
  /** why the requester may not read a transaction's content, or undefined when it may */
  withheld?: (tx: LedgerTx) => string | undefined;
  /** the offline verifier page (verifierPage.ts); left out only by tests that do not need it */
  verifierHtml?: string;
  /** renders the report as PDF (Chromium), or undefined where none is installed */
  pdf?: (html: string) => Promise<Uint8Array | undefined>;
  now?: number;
}

export interface BuiltBundle {
  files: Map<string, Uint8Array>;
  manifest: Manifest;
  /** why the PDF is absent, if it is */
  pdfMissing?: string;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const json = (v: unknown) => utf8(canonical(v));
const GOV_TYPES = /^(member\.|privacy\.setVerificationKeys$)/;
const PAGE = 500;

/**
 * Gathers, for every transaction about the subject, the transaction, its receipt, its block
 * header, its inclusion proof and the certificate that covers it; the genesis and the governance
 * needed to know the member keys of each moment; zk proofs with their adopted keys; opened sealed
 * fields the requester's department may read; material files; a report; and a signed manifest.
 */
export async function buildBundle(src: EvidenceSource, o: BuildOptions): Promise<BuiltBundle> {
  const subjectKind = subjectKindOf(o.subject);
  const version = chainVersionOf(src.genesis);
  const txs = (await src.subjectTxs(o.subject)).filter((t) => o.upTo === undefined || t.height <= o.upTo);
  if (!txs.length) throw new ChainError('NOT_FOUND', `链上没有关于 ${o.subject} 的交易 / nothing on this node's chain is about ${o.subject}`, { status: 404 });
  const maxHeight = Math.max(...txs.map((t) => t.height));

  // Certificates, in the order later headers carry them, until one covers the last transaction.
  const top = await src.topHeight();
  const headers: LedgerHeader[] = [];
  const certs: CertEntry[] = [];
  let covering: CertEntry | undefined;
  for (let from = 0; from <= top && !covering; from += PAGE) {
    for (const h of await src.headers(from, Math.min(top, from + PAGE - 1))) {
      headers.push(h);
      for (const cert of h.header.certs) {
        certs.push({ carrier: h.height, cert });
        if (cert.height >= maxHeight && !covering) covering = certs[certs.length - 1];
      }
      if (covering) break;
    }
  }
  if (!covering) throw new ChainError('NOT_FINAL', `关于 ${o.subject} 的最新交易（第 ${maxHeight} 块）尚未最终确认，请稍后再试 / the latest transaction about ${o.subject} (block ${maxHeight}) is not final yet; try again shortly`, { status: 409 });
  const carrierTop = covering.carrier;
  const coverOf = (h: number) => certs.find((c) => c.cert.height >= h)!;
  const usedCerts = [...new Set(txs.map((t) => coverOf(t.height)).concat(covering))].sort((a, b) => a.cert.height - b.cert.height);

  // Governance decisions on members and verification keys, up to the block carrying the last certificate.
  const gov = await src.governanceTxs();
  const relevant = new Set<string>();
  for (const t of gov) {
    const p = payloadOf(t);
    if (t.kind === 'gov.propose' && GOV_TYPES.test(String(p?.type))) relevant.add(t.id);
  }
  const govTxs = gov.filter((t) => t.height < carrierTop && (relevant.has(t.id) || (t.kind === 'gov.approve' && relevant.has(String(payloadOf(t)?.proposal)))));

  const trees = new Map<number, string[][]>();
  const proof = async (t: LedgerTx) => {
    let tree = trees.get(t.height);
    if (!tree) {
      const leaf = version >= 2 ? receiptLeafV2 : receiptLeaf;
      tree = treeLevels((await src.blockReceipts(t.height)).map((r) => leaf(r.id, r.status, r.code ?? undefined, r.events)), version);
      trees.set(t.height, tree);
    }
    return proofFrom(tree, t.index);
  };
  const record = async (t: LedgerTx, withheld?: string): Promise<TxRecord> => {
    const tx = withheld ? undefined : parsedTx(t);
    const content = tx
      ? { tx }
      : withheld
        ? { withheld, withheldFor: 'basis' as const }
        : { withheld: '记录不是格式正确的交易 / the record is not a well-formed transaction', withheldFor: 'malformed' as const };
    return {
      txId: t.id,
      height: t.height,
      index: t.index,
      kind: t.kind,
      ...content,
      receipt: { status: t.status, code: t.code, ...(tx ? { reason: t.reason, events: t.events } : {}), eventsHash: sha256Hex(canonical(t.events)) },
      proof: await proof(t),
    };
  };

  const files = new Map<string, Uint8Array>();
  files.set(PATHS.genesis, json(src.genesis));
  const headerEntries: HeaderEntry[] = headers.map((h) => ({ hash: h.hash, header: h.header }));
  files.set(PATHS.headers, json(headerEntries));
  files.set(PATHS.certs, json(usedCerts));
  files.set(PATHS.governance, json(await Promise.all(govTxs.map((t) => record(t)))));

  const records: TxRecord[] = [];
  const materials: MaterialEntry[] = [];
  for (const [i, t] of txs.entries()) {
    const r = await record(t, o.withheld?.(t));
    records.push(r);
    files.set(PATHS.record(i + 1, t.id), json(r));
    if (!r.tx) continue;
    const opened = await openFields(src, o.requester.dept, r);
    if (opened.fields.length) files.set(PATHS.opened(t.id), json(opened));
    if (t.kind === 'privacy.answer' && t.status === 'ok') files.set(PATHS.privacy(t.id), json(await privacyEvidence(src, t, r)));
    for (const m of materialsIn(r.tx.payload)) {
      if (materials.some((x) => x.hash === m.hash)) continue;
      const file = await src.material(m.hash);
      if (file && sha256Hex(file.content) === m.hash) files.set(PATHS.material(m.hash), file.content);
      materials.push({ ...m, txId: t.id, included: !!file, ...(file ? {} : { why: '文件保存在受理部门的节点上 / the file is kept by the receiving department’s node' }) });
    }
  }
  if (materials.length) files.set(PATHS.materials, json(materials));

  const who = await src.whoDid(txs);
  const base = { subject: o.subject, subjectKind, requester: o.requester, purpose: o.purpose ?? null, chain: src.genesis.chain, issuer: src.dept, createdAt: o.now ?? Date.now() };
  const headerByHeight = new Map(headers.map((h) => [h.height, h]));
  let pdfMissing: string | undefined;
  const report = (pdfNote?: string) =>
    renderReport({
      ...base,
      genesis: src.genesis,
      rows: txs.map((t, i) => ({ tx: t, record: records[i], who: who.get(t.id), time: headerByHeight.get(t.height)?.header.time ?? null, cert: coverOf(t.height).cert.height })),
      top: covering.cert.height,
      materials,
      pdfNote,
    });
  const html = report();
  const pdf = o.pdf ? await o.pdf(html).catch(() => undefined) : undefined;
  if (pdf) {
    files.set(PATHS.report, utf8(html));
    files.set(PATHS.reportPdf, pdf);
  } else {
    pdfMissing = o.pdf ? 'Chromium could not render the PDF' : 'no Chromium on this machine';
    const note = o.pdf ? '本机的Chromium未能生成PDF版报告，报告仅有HTML版 / Chromium could not render the PDF: the report is HTML only' : '本机未安装Chromium，未生成PDF版报告 / no Chromium on this machine: the report is HTML only';
    files.set(PATHS.report, utf8(report(note)));
  }
  if (o.verifierHtml) files.set(PATHS.verifier, utf8(o.verifierHtml));

  const unsigned: Omit<Manifest, 'attestation'> = {
    format: BUNDLE_FORMAT,
    chain: src.genesis.chain,
    version,
    suite: src.genesis.suite,
    issuer: src.dept,
    requester: o.requester,
    subject: o.subject,
    subjectKind,
    purpose: o.purpose ?? null,
    auditViewTx: o.auditViewTx ?? null,
    createdAt: base.createdAt,
    top: covering.cert.height,
    files: Object.fromEntries([...files].map(([p, b]) => [p, sha256Hex(b)]).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  const manifest: Manifest = { ...unsigned, attestation: { tx: src.sign(MANIFEST_KIND, { manifest: sha256Hex(canonical(unsigned)) }) as Manifest['attestation']['tx'] } };
  files.set(PATHS.manifest, json(manifest));
  return { files, manifest, pdfMissing };
}

/** merkleProof.levels with node:crypto: a block of 2,000 receipts takes milliseconds, not seconds. */
function treeLevels(leaves: string[], version: number): string[][] {
  const out = [leaves];
  const prefix = version >= 2 ? Buffer.of(1) : Buffer.alloc(0);
  while (out[out.length - 1].length > 1) {
    const level = out[out.length - 1];
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? hash('sha256', Buffer.concat([prefix, Buffer.from(level[i], 'hex'), Buffer.from(level[i + 1], 'hex')]), 'hex') : level[i]);
    }
    out.push(next);
  }
  return out;
}

function payloadOf(t: LedgerTx): Record<string, unknown> | undefined {
  return parsedTx(t)?.payload as Record<string, unknown> | undefined;
}

/**
 * The signed envelope as stored. A rejected record that does not hash to its id was never a
 * transaction (the chain names it by the hash of its bytes) and is left out; an accepted one is
 * always put in as it is, so a stored text altered since shows as such to the verifier.
 */
function parsedTx(t: LedgerTx): Record<string, unknown> | undefined {
  try {
    const tx = JSON.parse(t.raw) as Record<string, unknown>;
    if (!tx || typeof tx !== 'object' || Array.isArray(tx)) return undefined;
    if (t.status === 'ok') return tx;
    const { signature: _s, ...unsigned } = tx;
    return sha256Hex(canonical(unsigned)) === t.id ? tx : undefined;
  } catch {
    return undefined;
  }
}

/** Sealed fields of the payload addressed to the requester's department, opened by this node. */
async function openFields(src: EvidenceSource, dept: string, r: TxRecord): Promise<OpenedFields> {
  const fields: OpenedFields['fields'] = [];
  const walk = async (v: unknown, path: (string | number)[]): Promise<void> => {
    if (!v || typeof v !== 'object') return;
    if (isSealed(v)) {
      if (dept !== src.dept || !recipientDepts(v).includes(dept)) return;
      const opened = await src.open(v);
      if (opened) fields.push({ path, salt: opened.salt, value: opened.value });
      return;
    }
    for (const [k, x] of Array.isArray(v) ? v.entries() : Object.entries(v)) await walk(x, [...path, k]);
  };
  await walk(r.tx!.payload, []);
  return { txId: r.txId, fields };
}

/** Material files a payload names: {hash, type, size} with a 64-hex hash and a file type. */
function materialsIn(payload: unknown): Omit<MaterialEntry, 'txId' | 'included'>[] {
  const out: Omit<MaterialEntry, 'txId' | 'included'>[] = [];
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    const m = v as Record<string, unknown>;
    if (typeof m.hash === 'string' && /^[0-9a-f]{64}$/.test(m.hash) && ['pdf', 'png', 'jpeg'].includes(String(m.type)) && typeof m.size === 'number') {
      out.push({ hash: m.hash, type: String(m.type), size: m.size });
    }
    for (const x of Object.values(m)) walk(x);
  };
  walk(payload);
  return out;
}

/** The proof, its public signals rebuilt from the chain's record of the query, and the key in force. */
async function privacyEvidence(src: EvidenceSource, t: LedgerTx, r: TxRecord): Promise<PrivacyEvidence> {
  const p = r.tx!.payload as { query: string; answer: boolean; proof: unknown };
  const q = (await src.valueAt(pq.query(p.query), t.height))?.value as QueryRecord;
  const { binding, predicate } = bindingOf(q);
  const circuit = circuitFor(predicate);
  const stored = await src.valueAt(pq.verificationKeys(), t.height - 1);
  const genesisKeys = (src.genesis.config.privacy as { verificationKeys?: Record<string, unknown> } | undefined)?.verificationKeys;
  const vkey = stored ? (stored.value as { keys: Record<string, unknown> }).keys[circuit] : genesisKeys?.[circuit];
  return { answerTx: t.id, query: p.query, circuit, answer: p.answer, publicSignals: publicSignals(binding, predicate, p.answer), proof: p.proof, vkey, adoptedBy: stored ? stored.txId : 'genesis' };
}
