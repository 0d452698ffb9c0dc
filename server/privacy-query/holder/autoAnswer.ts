import type { CommittedBlock } from '../../chain/module.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { isChainError } from '../../chain/errors.ts';
import { bindingOf } from '../binding.ts';
import { loadPrivacyConfig } from '../config.ts';
import { daySet } from '../daySet.ts';
import { effectiveStatus, type QueryRecord } from '../raise.ts';
import { openQuestionIds } from '../readModel/queries.ts';
import { pq } from '../stateKeys.ts';
import { consortiumKeys } from '../verificationKeys.ts';
import { proveAnswer } from '../zk/answer.ts';
import { openingOf } from './privateValues.ts';
import type { ProverSource } from './proverSource.ts';

/**
 * The holder node answers questions addressed to its department by itself: it opens the pinned
 * commitment from its private table, proves the answer and submits privacy.answer as the node (no
 * person acts). No opening: it declines with NO_DATA. Work runs off the block path, so proving never
 * delays the node's next block; on start it also picks up questions left open by a restart.
 */
export class AutoAnswerer {
  private readonly queued = new Set<string>();
  private swept = false;

  constructor(
    private readonly node: ModulePort,
    private readonly prover: ProverSource,
  ) {}

  onBlock(block: CommittedBlock): void {
    if (!this.swept) {
      this.swept = true;
      void this.sweep();
    }
    for (const r of block.receipts) {
      if (r.status !== 'ok') continue;
      for (const e of r.events) {
        if (e.type === 'privacy.asked' && e.data.holder === this.node.dept) this.enqueue(String(e.data.query));
      }
    }
  }

  /**
   * Open questions to this department that the read model knows of (after a restart, say). The prover
   * is not started here, only at the first question: a Prover that has never proved keeps the process
   * alive (reported to the zk layer's author).
   */
  private async sweep(): Promise<void> {
    try {
      for (const id of await openQuestionIds(this.node.db, this.node.dept)) this.enqueue(id);
    } catch (err) {
      this.node.log.warn({ err }, 'privacy: could not sweep open questions');
    }
  }

  private enqueue(id: string): void {
    if (this.queued.has(id)) return;
    this.queued.add(id);
    this.answer(id)
      .catch((err) => this.node.log.error({ err: isChainError(err) ? { code: err.code, message: err.message } : err, query: id }, 'privacy: automatic answer failed'))
      .finally(() => this.queued.delete(id));
  }

  private async answer(id: string): Promise<void> {
    const node = this.node;
    const q = await node.view().get<QueryRecord>(pq.query(id));
    if (!q || q.holder !== node.dept || effectiveStatus(q, node.height) !== 'open') return;
    const opening = await openingOf(node.db, { field: q.field, period: q.period, enterprise: q.enterprise, commitment: q.commitment });
    if (!opening) {
      await node.submitAs(undefined, 'privacy.decline', { query: id, reason: 'NO_DATA' }, 'none');
      return;
    }
    // Without verification keys in force no proof can be accepted: say so at once rather than
    // spend a proof on an answer the chain would reject.
    if (!(await hasKeys(node))) {
      await node.submitAs(undefined, 'privacy.decline', { query: id, reason: 'NO_KEYS' }, 'none');
      return;
    }
    const { binding, predicate } = bindingOf(q);
    const cfg = await loadPrivacyConfig(node.view(), node.genesis);
    const set = q.set ? await daySet(q.set.from, q.set.to, cfg.maxSetDays) : undefined;
    const a = await proveAnswer(this.prover(), { binding, predicate, value: BigInt(opening.value), salt: BigInt(opening.salt), set });
    // Only the answer and the proof: the verifier rebuilds the public signals from the chain.
    await node.submitAs(undefined, 'privacy.answer', { query: id, answer: a.answer, proof: a.proof as unknown as Record<string, unknown> }, 'none');
    node.log.info({ query: id, field: q.field }, 'privacy: answered with a proof');
  }
}

const hasKeys = (node: ModulePort): Promise<boolean> =>
  consortiumKeys(node.view(), node.genesis).then(
    () => true,
    (err: unknown) => {
      if (isChainError(err) && err.code === 'PQ_NO_KEYS') return false;
      throw err;
    },
  );
