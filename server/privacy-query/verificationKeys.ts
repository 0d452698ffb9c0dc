import { cls } from '../chain/classification.ts';
import { z } from 'zod';
import type { VerificationKey } from 'snarkjs';
import type { GovAction } from '../chain/contracts/governance.ts';
import { reject } from '../chain/errors.ts';
import type { Genesis } from '../chain/schema.ts';
import type { StateView } from '../chain/state.ts';
import { ceremonyOf } from './ceremony/contracts.ts';
import { genesisPrivacyConfig } from './config.ts';
import { pq } from './stateKeys.ts';
import { DEFAULT_KEYS_DIR, loadVerificationKeys, vkeyHash, type VerificationKeys } from './zk/keys.ts';
import { CIRCUITS } from './zk/publicSignals.ts';

/*
 * Which keys a proof is checked with is a consortium decision, not a node's: the keys live in the
 * genesis configuration (privacy.verificationKeys, written when the consortium is created) or in state
 * after the governance action privacy.setVerificationKeys. A node's circuits/build directory is used
 * only to propose keys or to write genesis, never to verify, so every node reaches the same verdict.
 */

/** The public-signal count of each circuit: answer + 6 binding inputs + the predicate's own. */
const N_PUBLIC: Record<(typeof CIRCUITS)[number], number> = {
  threshold_gte: 8,
  threshold_lte: 8,
  range: 9,
  equality: 8,
  date_valid: 8,
  set_membership: 9,
};

const Vkey = z.looseObject({ protocol: z.literal('groth16'), curve: z.literal('bn128'), nPublic: z.number().int(), IC: z.array(z.array(z.string())) });

export const KeySet = z
  .record(z.enum(CIRCUITS), Vkey)
  .superRefine((keys, ctx) => {
    for (const c of CIRCUITS) {
      const k = keys[c];
      if (!k) ctx.addIssue({ code: 'custom', message: `no verification key for ${c}`, path: [c] });
      else if (k.nPublic !== N_PUBLIC[c] || k.IC.length !== N_PUBLIC[c] + 1) ctx.addIssue({ code: 'custom', message: `${c} must have ${N_PUBLIC[c]} public signals`, path: [c] });
    }
  });

export interface StoredKeys {
  version: number;
  keys: VerificationKeys;
  /** vkeyHash per circuit, as the ceremony transcript records them */
  hashes: Record<string, string>;
  height: number;
  proposal: string;
  /** circuit → final zkey hash of the on-chain ceremony these keys came from */
  ceremonies?: Record<string, string>;
}

const genesisKeys = new WeakMap<Genesis, VerificationKeys | null>();

function keysFromGenesis(genesis: Genesis): VerificationKeys | undefined {
  if (!genesisKeys.has(genesis)) {
    const raw = genesisPrivacyConfig(genesis).verificationKeys;
    genesisKeys.set(genesis, raw ? (KeySet.parse(raw) as unknown as VerificationKeys) : null);
  }
  return genesisKeys.get(genesis) ?? undefined;
}

/** The keys in force: the consortium's last decision, else genesis. No keys: no answer can be accepted. */
export async function consortiumKeys(state: StateView, genesis: Genesis): Promise<VerificationKeys> {
  const stored = await state.get<StoredKeys>(pq.verificationKeys());
  const keys = stored?.keys ?? keysFromGenesis(genesis);
  if (!keys) reject('PQ_NO_KEYS', 'the consortium has not named verification keys (genesis privacy.verificationKeys or privacy.setVerificationKeys)', 409);
  return keys;
}

export const hashesOf = (keys: VerificationKeys): Record<string, string> => Object.fromEntries(CIRCUITS.map((c) => [c, vkeyHash(keys[c])]));

type SetKeysParams = { keys: Record<string, unknown>; ceremonies?: Record<string, string> };

/**
 * The keys a proposal names must be the ones the chain's ceremony records ended in: for each circuit it names a
 * ceremony for (circuit → sha256 of the transcript's final zkey), the beacon is recorded and its final zkey
 * and verification key hashes match. Approving nodes also verify the zkey files before they approve (ceremony/adopt.ts).
 */
async function checkCeremonies(state: StateView, p: SetKeysParams): Promise<void> {
  for (const [circuit, finalHash] of Object.entries(p.ceremonies ?? {})) {
    const c = await ceremonyOf(state, circuit);
    if (!c?.beacon) reject('CEREMONY_INCOMPLETE', `the chain records no finished ceremony for ${circuit}`, 409);
    if (c!.beacon!.zkeyHash !== finalHash) reject('CEREMONY_MISMATCH', `${circuit}: the chain's ceremony ended in zkey ${c!.beacon!.zkeyHash.slice(0, 16)}…, not the one proposed`, 409);
    const vkey = (p.keys as unknown as VerificationKeys)[circuit as (typeof CIRCUITS)[number]];
    if (vkeyHash(vkey) !== c!.beacon!.vkeyHash) reject('CEREMONY_MISMATCH', `${circuit}: the proposed verification key is not the ceremony's`, 409);
  }
}

export const setVerificationKeys: GovAction<SetKeysParams> = {
  type: 'privacy.setVerificationKeys',
  params: cls(z.strictObject({ keys: KeySet, ceremonies: z.partialRecord(z.enum(CIRCUITS), z.string().regex(/^[0-9a-f]{64}$/)).optional() }), 'public') as unknown as z.ZodType<SetKeysParams>,
  check: (state, p) => checkCeremonies(state, p),
  async apply(ctx, state, p) {
    await checkCeremonies(state, p);
    const prev = await state.get<StoredKeys>(pq.verificationKeys());
    const keys = p.keys as unknown as VerificationKeys;
    const next: StoredKeys = { version: (prev?.version ?? 0) + 1, keys, hashes: hashesOf(keys), height: ctx.height, proposal: ctx.txId, ...(p.ceremonies ? { ceremonies: p.ceremonies } : {}) };
    state.put(pq.verificationKeys(), next);
    ctx.emit('privacy.keysSet', { version: next.version, hashes: next.hashes });
  },
};

/**
 * For whoever creates a consortium (or proposes new keys): the verification keys of this machine's
 * ceremony output, checked against its transcript, as genesis.config.privacy wants them.
 */
export async function privacyGenesisConfig(dir = DEFAULT_KEYS_DIR): Promise<{ verificationKeys: VerificationKeys }> {
  return { verificationKeys: await loadVerificationKeys(dir) };
}

export type { VerificationKey };
