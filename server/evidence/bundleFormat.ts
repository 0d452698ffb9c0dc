import type { InclusionProof } from '../../shared/verify/merkleProof.ts';

/**
 * What an evidence bundle holds, file by file. No node or Buffer API: the browser verifier
 * reads the same types. Every JSON file is canonical JSON (RFC 8785), so a byte changed in any
 * of them shows, even where the parsed value would be the same.
 */
export const BUNDLE_FORMAT = 'tongban-evidence/1';

export const PATHS = {
  manifest: 'manifest.json',
  genesis: 'chain/genesis.json',
  headers: 'chain/headers.json',
  certs: 'chain/certs.json',
  governance: 'chain/governance.json',
  report: 'report.html',
  reportPdf: 'report.pdf',
  verifier: 'verify.html',
  materials: 'materials/index.json',
  record: (seq: number, txId: string) => `records/${String(seq).padStart(4, '0')}-${txId.slice(0, 16)}.json`,
  privacy: (txId: string) => `privacy/${txId.slice(0, 16)}.json`,
  opened: (txId: string) => `opened/${txId.slice(0, 16)}.json`,
  material: (hash: string) => `materials/${hash}`,
} as const;

export interface Manifest {
  format: typeof BUNDLE_FORMAT;
  chain: string;
  /** the chain's version (how its headers are computed) */
  version: number;
  suite: 'ed25519' | 'sm2';
  /** the department whose node made the bundle and signed this manifest */
  issuer: string;
  requester: { dept: string; id: string; role: string };
  subject: string;
  subjectKind: string;
  purpose: string | null;
  /** the audit.view transaction recording the request, when an auditor asked through the portal */
  auditViewTx: string | null;
  /** the node's clock when it made the bundle: informational, nothing is judged by it */
  createdAt: number;
  /** the highest height whose header is in the bundle, certified by a certificate in it */
  top: number;
  /** SHA-256 of every other file */
  files: Record<string, string>;
  /**
   * The issuer's node signature over the rest of the manifest: a transaction envelope of kind
   * `evidence.manifest` whose payload is the manifest's hash, signed as every node-signed
   * transaction is (tongban/tx/v1:<id>). No contract has that kind, so it can never take effect
   * on the chain; it only lets the node sign with the key and code it already has.
   */
  attestation: { tx: Record<string, unknown> & { signer: string; signature: string } };
}

export interface HeaderEntry {
  hash: string;
  header: {
    chain: string;
    height: number;
    prev: string;
    txRoot: string;
    stateHash: string;
    firstOffset: number;
    lastOffset: number;
    time: number;
    txCount: number;
    certs: CertJson[];
  };
}

export interface CertJson {
  height: number;
  hash: string;
  sigs: { dept: string; sig: string }[];
}

/** A certificate and the height of the block that carries it (whose membership it counts). */
export interface CertEntry {
  carrier: number;
  cert: CertJson;
}

export interface ReceiptJson {
  status: string;
  code: string | null;
  /** the reason text, where the requester may read it (it is not in the leaf) */
  reason?: string | null;
  /** the events, where the requester may read them; their hash is always there */
  events?: unknown[];
  eventsHash: string;
}

/** One transaction: the signed envelope (or only its id when withheld), receipt, place and inclusion proof. */
export interface TxRecord {
  txId: string;
  height: number;
  index: number;
  kind: string;
  /** the signed transaction; absent when the requester has no basis to read it */
  tx?: Record<string, unknown>;
  /** why the content is not here: the requester has no basis, or the record was never a transaction (rejected as malformed) */
  withheld?: string;
  withheldFor?: 'basis' | 'malformed';
  receipt: ReceiptJson;
  proof: InclusionProof;
}

export interface PrivacyEvidence {
  answerTx: string;
  query: string;
  circuit: string;
  answer: boolean;
  publicSignals: string[];
  proof: unknown;
  /** the verification key the consortium had adopted when the answer was verified on the chain */
  vkey: unknown;
  /** where it was adopted: "genesis", or the governance transaction that made it take effect */
  adoptedBy: string;
}

export interface OpenedFields {
  txId: string;
  /** sealed fields of the payload the requester's department is a recipient of, opened: path in the payload, salt and value */
  fields: { path: (string | number)[]; salt: string; value: unknown }[];
}

export interface MaterialEntry {
  hash: string;
  type: string;
  size: number;
  txId: string;
  /** whether the file itself is in the bundle (materials/<hash>) */
  included: boolean;
  why?: string;
}

export { canonical } from '../../shared/verify/canonical.ts';

export const MANIFEST_KIND = 'evidence.manifest';
