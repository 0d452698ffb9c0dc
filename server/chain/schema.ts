import { z } from 'zod';
import { cls, clsAll } from './classification.ts';

/** Roles a person (or the node itself, or an enterprise) acts in. Permissions are per role. */
export const Role = cls(z.enum([
  'admin', // a department's consortium administrator
  'approver',
  'inspector',
  'enforcer',
  'policy',
  'expert',
  'finance',
  'auditor',
  'clerk', // service-centre window staff
  'holder', // data-holding staff who commit figures for privacy queries
  'node', // the department node acting by itself (no person), e.g. automatic proof answers
  'enterprise',
]), 'public');
export type Role = z.infer<typeof Role>;

export const DeptId = cls(z.string().regex(/^[a-z][a-z0-9-]{1,31}$/, 'a department id is 2-32 lowercase letters, digits or dashes'), 'public');
export type DeptId = z.infer<typeof DeptId>;

const hex = (len: number, what: string) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${len}}$`), `${what} must be ${len} lowercase hex characters`);

export const Hash = cls(hex(64, 'a hash'), 'public');

export const TX_KIND = /^[a-z][a-z0-9]*(\.[a-z][a-zA-Z0-9]*)+$/;
export const LOWER_HEX = /^[0-9a-f]+$/;

/**
 * The longest each string of the envelope may be. Anyone who can append to the log can make a
 * record of any length; these keep every accepted field inside its column of the txs table
 * (store/migrate.ts), so a forgery is rejected as malformed instead of failing the block's
 * insert on a strict MySQL. Key and signature lengths are checked exactly per suite later.
 */
export const TX_BOUNDS = { chain: 64, kind: 64, signer: 130, actor: 64, signature: 256 } as const;

/**
 * The signed transaction envelope. `actor` names the person a node signs for. plainTx.ts
 * recognises the common valid case without the schema; change both together (the fast-path
 * tests compare them).
 */
/** Every envelope field is public; the payload's fields are classified by each contract's payload schema. */
export const Tx = z.strictObject(clsAll({
  chain: z.string().min(1).max(TX_BOUNDS.chain),
  kind: z.string().max(TX_BOUNDS.kind).regex(TX_KIND, 'kind looks like module.action'),
  payload: z.record(z.string(), z.unknown()),
  signer: z.string().max(TX_BOUNDS.signer).regex(LOWER_HEX, 'signer must be a lowercase hex public key'),
  actor: z.string().min(1).max(TX_BOUNDS.actor).optional(),
  nonce: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  time: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  signature: z.string().max(TX_BOUNDS.signature).regex(LOWER_HEX, 'signature must be lowercase hex'),
}, 'public'));
export type Tx = z.infer<typeof Tx>;
export type UnsignedTx = Omit<Tx, 'signature'>;

/** X25519 public key (hex) a member's node decrypts sealed fields with (server/chain/sealing/). */
export const EncKey = cls(z.string().regex(/^[0-9a-f]{64}$/, 'an X25519 public key, 64 lowercase hex characters'), 'public');

export const Member = z.strictObject(clsAll({
  dept: DeptId,
  name: z.string().min(1),
  nameEn: z.string().min(1),
  nodeKey: z.string().regex(/^[0-9a-f]+$/),
  /** absent only in genesis files made before sealed fields: such a member receives nothing sealed */
  encKey: EncKey.optional(),
}, 'public'));
export type Member = z.infer<typeof Member>;

export const GenesisUser = z.strictObject(clsAll({
  dept: DeptId,
  id: z.string().regex(/^[a-z0-9_.-]{2,64}$/),
  name: z.string().min(1),
  role: Role,
}, 'public'));
export type GenesisUser = z.infer<typeof GenesisUser>;

export const Genesis = z.strictObject(clsAll({
  chain: z.string().min(1).max(64),
  /**
   * How headers are computed (genesis.ts, CHAIN_VERSION): 2 hashes the transaction tree with
   * RFC 6962's leaf and node prefixes. Absent means 1, so genesis files written before it keep
   * their hash and their chains keep verifying.
   */
  version: z.number().int().min(1).max(2).optional(),
  suite: z.enum(['ed25519', 'sm2']),
  time: z.number().int(),
  members: z.array(Member).min(1),
  users: z.array(GenesisUser).default([]),
  limits: z.strictObject({
    maxTxBytes: z.number().int().positive(),
    maxBlockTxs: z.number().int().positive(),
    blockWaitMs: z.number().int().positive(),
    /** A transaction whose declared time is further than this from its block's time is rejected. */
    txTtlMs: z.number().int().positive(),
    /**
     * How far one block's time may move past the previous block's (blockTime.ts). Optional so
     * that genesis files written before it keep their hash; absent means no bound.
     */
    maxBlockTimeStepMs: z.number().int().positive().optional(),
    /**
     * Blocks between checkpoints, at which every member signs the root of its state so that a
     * new node can start from a snapshot (server/chain/snapshot/). Optional: absent, no
     * checkpoints, and older genesis files keep their hash.
     */
    snapshotEvery: z.number().int().positive().optional(),
  }),
  /** Module-specific consortium configuration (statutory rules, score weights, ...). */
  config: z.record(z.string(), z.unknown()).default({}),
}, 'public'));
export type Genesis = z.infer<typeof Genesis>;

/** What the ordering log carries: transactions, block cut markers, header attestations and checkpoint signatures. */
export const LogRecord = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('tx'), tx: z.unknown() }),
  z.strictObject({ t: z.literal('cut'), h: z.number().int().positive(), by: DeptId }),
  // sig is stored (attestations.sig, 200 characters) once it verifies; bounded before that
  z.strictObject({ t: z.literal('sig'), h: z.number().int().nonnegative(), hash: Hash, dept: DeptId, sig: z.string().max(200) }),
  // a member's signature over a checkpoint's root (server/chain/snapshot/), beside the block hash
  z.strictObject({ t: z.literal('snap'), h: z.number().int().positive(), hash: Hash, root: Hash, dept: DeptId, sig: z.string().max(200) }),
]);
export type LogRecord = z.infer<typeof LogRecord>;

export interface LogEntry {
  offset: number;
  /** Set by the ordering service when it appended the record; the only clock blocks use. */
  timestamp: number;
  data: Buffer;
}

export const CertSig = z.strictObject({ dept: DeptId, sig: z.string() });
export const Cert = z.strictObject({ height: z.number().int().nonnegative(), hash: Hash, sigs: z.array(CertSig) });
export type Cert = z.infer<typeof Cert>;

export const Header = z.strictObject({
  chain: z.string(),
  height: z.number().int().nonnegative(),
  prev: Hash,
  txRoot: Hash,
  stateHash: Hash,
  firstOffset: z.number().int(),
  lastOffset: z.number().int(),
  time: z.number().int(),
  txCount: z.number().int().nonnegative(),
  /** Finality certificates completed by attestations logged since the previous block. */
  certs: z.array(Cert),
});
export type Header = z.infer<typeof Header>;

export interface ChainEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface Receipt {
  txId: string;
  height: number;
  index: number;
  offset: number;
  status: 'ok' | 'rejected';
  code?: string;
  reason?: string;
  events: ChainEvent[];
}
