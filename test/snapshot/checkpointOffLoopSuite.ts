import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { ChainNode } from '../../server/chain/node.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { checkpointEntries, checkpointFrame } from '../../server/chain/snapshot/checkpointView.ts';
import { rootOf } from '../../server/chain/snapshot/snapshotDigest.ts';
import { snapshotSigsAt } from '../../server/chain/snapshot/snapshotSigs.ts';
import type { LedgerStore } from '../../server/chain/store/ledgerStore.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { createTestNode, makeConsortium } from '../support/fixtures.ts';
import type { DbKit } from './snapshotSuite.ts';

const EVERY = 4;
const DEPTS = ['market', 'tax', 'hrss', 'housing'];

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) if (await ok()) return;
  throw new Error(`timed out waiting until ${what}`);
}

/**
 * Market's reads of its first checkpoint's copy are held back: it goes on committing blocks (and
 * taking the copies of later checkpoints) while that root waits. Once let go, every root is
 * signed in height order, each the root of the state at its height: the one the inline code
 * path (checkpointFrame + checkpointEntries on a copy taken later, taken back to the height)
 * gives, and the one the other members signed.
 */
export async function checkpointOffLoop(kit: DbKit, dir: string): Promise<void> {
  const keys = makeConsortium(DEPTS, { snapshotEvery: EVERY });
  const log = new LocalLog(join(dir, 'offloop-log.sqlite'));
  const nodes: ChainNode[] = [];
  const memory: Knex[] = [];
  try {
    for (const d of DEPTS) {
      const db = d === 'market' ? await kit.fresh('offloop_market') : openDb({ client: 'sqlite', filename: ':memory:' });
      if (d !== 'market') memory.push(db);
      nodes.push(await createTestNode({ keys, dept: d, orderer: log, db }));
    }
    const [market, , hrss] = nodes;
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    let held: number | undefined;
    const taken: number[] = [];
    const snapshot = market.store.snapshot.bind(market.store);
    market.store.snapshot = async () => {
      const copy = await snapshot();
      const at = (await copy.store.head())!.height;
      taken.push(at);
      if (held === undefined) {
        held = at;
        const statePage = copy.store.statePage.bind(copy.store);
        (copy.store as { statePage: LedgerStore['statePage'] }).statePage = async (after, limit) => {
          await opened;
          return statePage(after, limit);
        };
      }
      return copy;
    };
    let n = 0;
    const tick = () => market.submitAs('admin', 'user.register', { id: `u${n++}`, name: `用户${n}`, role: 'approver' });
    await until('a checkpoint root is under way', async () => (await tick(), held !== undefined));
    const h = held!;
    const signedBy = async (db: Knex, x: number, dept: string) => (await snapshotSigsAt(db, x)).find((s) => s.dept === dept);
    // blocks go on being committed, up to two checkpoints on, while market's root at h waits
    await until('blocks are committed past the held checkpoint', async () => (await tick(), market.height >= h + 2 * EVERY + 1));
    assert.equal(await signedBy(hrss.db, h, 'market'), undefined, 'market has not signed h yet');
    assert.ok(taken.includes(h + EVERY) && taken.includes(h + 2 * EVERY), `copies taken at the later checkpoints too: ${taken}`);

    open();
    await market.checkpointsIdle();
    for (const x of [h, h + EVERY, h + 2 * EVERY]) {
      await until(`market's root at ${x} is read back`, async () => !!(await signedBy(hrss.db, x, 'market')));
      const copy = await market.store.snapshot();
      try {
        const { frame } = await checkpointFrame(copy.store, keys.genesis.chain, x);
        const inline = await rootOf(frame, checkpointEntries(copy.store, frame));
        assert.equal((await signedBy(hrss.db, x, 'market'))!.root, inline.root, `market's root at ${x} is the state's at ${x}`);
        await until(`hrss signs ${x}`, async () => !!(await signedBy(hrss.db, x, 'hrss')));
        assert.equal((await signedBy(hrss.db, x, 'hrss'))!.root, inline.root, `hrss's root at ${x}`);
      } finally {
        await copy.release();
      }
    }
  } finally {
    for (const node of nodes) await node.stop().catch(() => undefined);
    for (const db of memory) await db.destroy().catch(() => undefined);
    await log.close();
  }
}
