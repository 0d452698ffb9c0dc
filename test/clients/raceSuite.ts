import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { TongbanError, type TongbanClient } from '../../sdk/index.ts';
import { startClientWorld, type ClientWorld } from './support.ts';

/** Two submissions racing with one reference, on the given databases: one transaction, ever. */
export function raceSuite(label: string, storage: () => Promise<{ db(dept: string): Promise<Knex>; stop(): Promise<void> }>): void {
  describe(`one reference, two concurrent submissions (${label})`, () => {
    let w: ClientWorld;
    let store: Awaited<ReturnType<typeof storage>>;
    let sdk: TongbanClient;
    before(async () => {
      store = await storage();
      w = await startClientWorld({ db: (d) => store.db(d) });
      ({ sdk } = await w.client('race'));
    });
    after(async () => {
      await w.stop();
      await store.stop();
    });

    const notes = async () => (await w.p.node('market').db('txs').where('kind', 'note.make').select('id', 'status')) as { id: string; status: string }[];

    test('the same body signed twice at once: both answers name one transaction, and the ledger holds one', async () => {
      for (let round = 0; round < 5; round++) {
        const ref = `SAME-${round}`;
        const before = (await notes()).length;
        const [a, b] = await Promise.all([sdk.submit('note.make', { text: ref }, { ref }), sdk.submit('note.make', { text: ref }, { ref })]);
        assert.equal(a.id, b.id, `round ${round}`);
        assert.equal(a.receipt.status, 'ok');
        assert.equal((await notes()).length, before + 1, `round ${round}: one transaction`);
      }
    });

    test('different bodies at once: one is ordered, the other is 409 IDEMPOTENCY_CONFLICT', async () => {
      for (let round = 0; round < 5; round++) {
        const ref = `DIFF-${round}`;
        const before = (await notes()).length;
        const results = await Promise.allSettled([sdk.submit('note.make', { text: `${ref}-a` }, { ref }), sdk.submit('note.make', { text: `${ref}-b` }, { ref })]);
        const ok = results.filter((r) => r.status === 'fulfilled');
        const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.equal(ok.length, 1, `round ${round}`);
        assert.equal(refused.length, 1);
        assert.ok(refused[0].reason instanceof TongbanError && refused[0].reason.code === 'IDEMPOTENCY_CONFLICT' && refused[0].reason.status === 409, String(refused[0].reason));
        assert.equal((await notes()).length, before + 1);
      }
    });
  });
}
