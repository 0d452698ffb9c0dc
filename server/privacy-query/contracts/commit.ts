import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { isValidPeriod, loadPrivacyConfig, requireField } from '../config.ts';
import { CommitPayload } from '../schema.ts';
import { pq, type CommitmentBucket, type CommitSeries } from '../stateKeys.ts';
import { isCreditCode } from '../zk/commitment.ts';
import { parseFieldElement } from '../zk/field.ts';

/**
 * A data holder puts commitments to its own figures on the chain, before anyone asks. Each batch takes
 * the next version of its (field, period) series and every entry it writes carries that version, so a
 * correction supersedes the earlier entry with a higher version while state_history keeps the old one.
 * Entries live in buckets (see stateKeys.ts); the holder sends batches sorted by bucket, so a batch of
 * 560 touches a few dozen keys.
 */
export const privacyCommit = defineContract({
  kind: 'privacy.commit',
  payload: CommitPayload,
  roles: ['holder', 'node'],
  async apply(ctx, state, p) {
    const cfg = await loadPrivacyConfig(state, ctx.genesis);
    const f = requireField(cfg, p.field);
    if (f.name !== p.field) reject('PQ_UNKNOWN_FIELD', `commit under the figure's own name ${f.name}, not an alias`);
    if (f.holder !== ctx.actor.dept) reject('PQ_NOT_HOLDER', `${f.name} is held by ${f.holder}; ${ctx.actor.dept} cannot commit it`, 403);
    if (!isValidPeriod(f, p.period)) reject('PQ_BAD_PERIOD', `${f.name} periods are written ${f.period}`);
    const seriesKey = pq.series(f.name, p.period);
    const prev = await state.get<CommitSeries>(seriesKey);
    const version = (prev?.version ?? 0) + 1;
    const buckets = new Map<string, CommitmentBucket>();
    for (const [enterprise, commitment] of p.items) {
      if (!isCreditCode(enterprise)) reject('PQ_BAD_ENTERPRISE', `not a unified social credit code: ${enterprise}`);
      parseFieldElement(commitment, 'commitment');
      const key = pq.commitment(f.name, p.period, enterprise);
      let bucket = buckets.get(key);
      if (!bucket) buckets.set(key, (bucket = (await state.get<CommitmentBucket>(key)) ?? {}));
      if (bucket[enterprise]?.version === version) reject('PQ_DUPLICATE_ITEM', `${enterprise} appears twice in the batch`);
      bucket[enterprise] = { commitment, version, by: ctx.actor.id, height: ctx.height };
    }
    for (const [key, bucket] of buckets) state.put(key, bucket);
    state.put(seriesKey, { version, count: (prev?.count ?? 0) + p.items.length, lastTx: ctx.txId, height: ctx.height } satisfies CommitSeries);
    ctx.emit('privacy.committed', { holder: f.holder, field: f.name, period: p.period, version, items: p.items.length });
  },
});
