import type { Proposal } from '../../chain/contracts/governance.ts';
import { ChainError } from '../../chain/errors.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { consortiumKeys, hashesOf } from '../verificationKeys.ts';
import { vkeyHash, type VerificationKeys } from '../zk/keys.ts';
import type { CircuitName } from '../zk/publicSignals.ts';
import { ceremonyOf } from './contracts.ts';
import { verifyTranscript } from './transcript.ts';

/**
 * Adoption of a ceremony's keys, as each department's node takes part in it: before it proposes or approves,
 * the node verifies the transcript's files itself (`zkey verify` against its own r1cs and the phase-1 file)
 * and checks them against what its own copy of the chain records: participants, each contribution's hash in
 * order, the beacon and the block hash it came from. Only then does it sign. A node that cannot verify
 * refuses with CEREMONY_VERIFY_FAILED and signs nothing.
 */
export interface CeremonyFiles {
  /** circuit → the folder the last participant handed on (transcript.json and the zkeys) */
  dirs: Partial<Record<CircuitName, string>>;
  /** the phase-1 file the transcript names (its blake2b-512 is checked) */
  ptau: string;
  buildDir?: string;
}

export async function verifyAgainstChain(node: ModulePort, files: CeremonyFiles): Promise<{ keys: Partial<VerificationKeys>; finals: Record<string, string> }> {
  const keys: Partial<VerificationKeys> = {};
  const finals: Record<string, string> = {};
  for (const [circuit, dir] of Object.entries(files.dirs) as [CircuitName, string][]) {
    const { transcript: t, vkey } = await verifyTranscript({ dir, ptau: files.ptau, buildDir: files.buildDir });
    const fail = (m: string): never => {
      throw new ChainError('CEREMONY_VERIFY_FAILED', `${circuit}: ${m}`, { status: 409 });
    };
    if (t.circuit !== circuit) fail(`the folder holds the ${t.circuit} ceremony`);
    const rec = await ceremonyOf(node.view(), circuit);
    if (!rec?.beacon) fail('the chain records no finished ceremony');
    if (rec!.r1csHash !== t.r1csHash || rec!.ptauHash !== t.ptauHash || rec!.initHash !== t.initHash) fail('the transcript was opened with another circuit, phase-1 file or initial zkey than the chain records');
    if (rec!.participants.join(',') !== t.participants.join(',')) fail('the participants differ from the chain');
    if (rec!.contributions.map((c) => `${c.dept}:${c.hash}`).join(',') !== t.contributions.map((c) => `${c.dept}:${c.hash}`).join(',')) fail('the contributions differ from the ones the chain records');
    const b = rec!.beacon!;
    if (b.hash !== t.beacon!.hash || b.zkeyHash !== t.beacon!.zkeyHash || b.vkeyHash !== t.beacon!.vkeyHash || b.blockHash !== t.beacon!.blockHash) fail('the beacon differs from the chain');
    if ((await node.blockHash(b.height)) !== b.blockHash) fail(`the beacon is not this node's block ${b.height}`);
    if (b.height > node.finalHeight) fail(`the beacon's block ${b.height} is not final here yet`);
    keys[circuit] = vkey;
    finals[circuit] = b.zkeyHash;
  }
  return { keys, finals };
}

/** Proposes the verified keys: the ceremonies' circuits get their new keys, the others keep the ones in force. */
export async function proposeAdoption(node: ModulePort, files: CeremonyFiles, actor = 'admin'): Promise<string> {
  const { keys, finals } = await verifyAgainstChain(node, files);
  const current = await consortiumKeys(node.view(), node.genesis).catch(() => undefined);
  const all = { ...current, ...keys } as VerificationKeys;
  const { id, receipt } = await node.submitAs(actor, 'gov.propose', { type: 'privacy.setVerificationKeys', params: { keys: all, ceremonies: finals }, note: '采用多方仪式的验证密钥 / adopt the keys of the multi-party ceremony' }, 'receipt');
  if (receipt?.status !== 'ok') throw new ChainError(receipt?.code ?? 'REJECTED', receipt?.reason ?? 'proposal rejected', { status: 409 });
  return id;
}

/** Approves an adoption proposal only after verifying, on this node, the files and keys it names. */
export async function approveAdoption(node: ModulePort, proposalId: string, files: CeremonyFiles, actor = 'admin'): Promise<void> {
  const prop = await node.view().get<Proposal>(`gov/proposal/${proposalId}`);
  if (!prop || prop.type !== 'privacy.setVerificationKeys') throw new ChainError('NOT_FOUND', 'no such key adoption proposal', { status: 404 });
  const params = prop.params as { keys: VerificationKeys; ceremonies?: Record<string, string> };
  const { keys, finals } = await verifyAgainstChain(node, files);
  const proposed = hashesOf(params.keys);
  for (const [c, h] of Object.entries(params.ceremonies ?? {})) {
    if (finals[c] !== h) throw new ChainError('CEREMONY_VERIFY_FAILED', `${c}: the proposal names a final zkey this node did not verify`, { status: 409 });
  }
  for (const c of Object.keys(keys) as CircuitName[]) {
    if (vkeyHash(keys[c]!) !== proposed[c]) throw new ChainError('CEREMONY_VERIFY_FAILED', `${c}: the proposed key is not the one this node verified`, { status: 409 });
  }
  const { receipt } = await node.submitAs(actor, 'gov.approve', { proposal: proposalId }, 'receipt');
  if (receipt?.status !== 'ok') throw new ChainError(receipt?.code ?? 'REJECTED', receipt?.reason ?? 'approval rejected', { status: 409 });
}
