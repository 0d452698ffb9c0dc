import { ChainError } from '../chain/errors.ts';
import { quorumOf } from '../chain/genesis.ts';
import type { ChainNode } from '../chain/node.ts';
import { loadVerificationKeys, type VerificationKeys } from './zk/keys.ts';

/**
 * A governance decision taken by the administrators of the departments this process hosts: the first
 * proposes, the next ones approve until a quorum is reached. For the embedded demo, benches and tests,
 * where one process holds every department; in a real city each administrator approves in their portal.
 */
export async function decideTogether(nodes: ChainNode[], type: string, params: Record<string, unknown>, note?: string): Promise<string> {
  if (nodes.length === 0) throw new ChainError('PQ_NO_NODES', 'no nodes to act with');
  const [first, ...rest] = nodes;
  const { id, receipt } = await first.submitAs('admin', 'gov.propose', { type, params, ...(note ? { note } : {}) }, 'receipt');
  if (receipt?.status !== 'ok') throw new ChainError(receipt?.code ?? 'REJECTED', receipt?.reason ?? 'proposal rejected', { status: 409 });
  const need = quorumOf(first.genesis.members.length) - 1;
  if (rest.length < need) throw new ChainError('PQ_NO_QUORUM', `a quorum needs ${need + 1} departments; this process hosts ${nodes.length}`, { status: 409 });
  const approvals = await Promise.all(rest.slice(0, need).map((n) => n.submitAs('admin', 'gov.approve', { proposal: id }, 'receipt')));
  for (const a of approvals) {
    if (a.receipt?.status !== 'ok') throw new ChainError(a.receipt?.code ?? 'REJECTED', a.receipt?.reason ?? 'approval rejected', { status: 409 });
  }
  return id;
}

/** Brings a running consortium to use a set of verification keys; by default this machine's ceremony output. */
export async function adoptVerificationKeys(nodes: ChainNode[], keys?: VerificationKeys): Promise<string> {
  const vkeys = keys ?? (await loadVerificationKeys());
  return decideTogether(nodes, 'privacy.setVerificationKeys', { keys: vkeys as never }, '采用隐私问询验证密钥 / adopt the privacy-query verification keys');
}
