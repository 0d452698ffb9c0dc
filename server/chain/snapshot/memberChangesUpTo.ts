import { ChainError } from '../errors.ts';
import { attestationMessage } from '../finality.ts';
import { keys } from '../identity.ts';
import type { MemberKeys } from '../memberKeys.ts';
import type { Cert, Genesis, Header } from '../schema.ts';
import type { LedgerStore } from '../store/ledgerStore.ts';
import { suiteByName } from '../suites/index.ts';
import type { CryptoSuite } from '../suites/suite.ts';
import { MemberTrack, validSigners, type MemberChange } from './memberEvidence.ts';
import { loadSnapshotOrigin } from './snapshotOrigin.ts';

const PAGE = 64;
/** headers carried between a membership change and the certificate that vouches for it */
const MAX_SPAN = 512;

/**
 * The membership changes up to `height` for a snapshot's description (memberEvidence.ts): those
 * this node started from, if it started from a snapshot, then every block above that wrote a
 * member entry, read from state_history. Each is checked as an importing node will check it, so
 * a node that cannot give the evidence (its history archived, no certificate signed by a quorum
 * of the members before a change) refuses here rather than write a file nobody accepts.
 */
export async function memberChangesUpTo(store: LedgerStore, genesis: Genesis, height: number): Promise<{ changes: MemberChange[]; track: MemberTrack }> {
  const { chain } = genesis;
  const suite = suiteByName(genesis.suite);
  const origin = await loadSnapshotOrigin(store.db);
  if (origin && 'broken' in origin) throw new ChainError('SNAPSHOT_ORIGIN_BROKEN', `the snapshot this node started from is not readable (${origin.broken}); verify the node`, { status: 409 });
  const track = new MemberTrack(genesis);
  const changes: MemberChange[] = [];
  for (const c of origin?.meta.members ?? []) {
    track.apply(chain, suite, c);
    changes.push(c);
  }
  const rows: { height: number }[] = await store
    .db('state_history')
    .where('height', '>', origin?.height ?? 0)
    .where('height', '<=', height)
    .where((q) => q.where('k', keys.members()).orWhere('k', 'like', 'member/%'))
    .distinct('height')
    .orderBy('height');
  const heights = rows.map((r) => Number(r.height));
  for (let i = 0; i < heights.length; i++) {
    const at = heights[i];
    const prev = await store.blockByHeight(at - 1);
    if (!prev) throw new ChainError('SNAPSHOT_HEIGHT', `this node has no block at height ${at - 1}, needed for the membership change at ${at}`, { status: 404 });
    const { headers, cert } = await certifiedFrom(store, chain, suite, at, heights[i + 1] ?? Infinity, track.members);
    const change: MemberChange = { prev: prev.header, headers, writes: await writesAt(store, at), cert };
    track.apply(chain, suite, change);
    changes.push(change);
  }
  return { changes, track };
}

async function writesAt(store: LedgerStore, height: number): Promise<MemberChange['writes']> {
  const out: MemberChange['writes'] = [];
  for (let after = 0; ; ) {
    const rows = await store.historyAbove(height - 1, after, 2000);
    for (const r of rows) {
      if (Number(r.height) > height) return out;
      out.push([r.k, r.old_v, r.new_v, r.tx_id]);
    }
    if (rows.length < 2000) return out;
    after = Number(rows[rows.length - 1].id);
  }
}

/**
 * The first certificate the chain carries for the block at `at` or a later one below the next
 * change, signed by a quorum of the members before the change, with the headers from `at` to it.
 */
async function certifiedFrom(store: LedgerStore, chain: string, suite: CryptoSuite, at: number, next: number, before: MemberKeys): Promise<{ headers: Header[]; cert: Cert }> {
  for (let from = at + 1; ; from += PAGE) {
    const blocks = await store.blocks(from, PAGE);
    for (const b of blocks) {
      for (const cert of b.header.certs) {
        if (cert.height < at || cert.height >= next || cert.height - at >= MAX_SPAN) continue;
        if (validSigners(suite, cert.sigs, attestationMessage(chain, cert.height, cert.hash), before).size < before.quorum) continue;
        const headers = (await store.blocks(at, cert.height - at + 1)).map((r) => r.header);
        return { headers, cert };
      }
      if (b.header.certs.some((c) => c.height >= next) || b.height - at > MAX_SPAN * 2) return refuse(at);
    }
    if (blocks.length < PAGE) return refuse(at);
  }
}

function refuse(at: number): never {
  throw new ChainError('SNAPSHOT_NO_MEMBERS_EVIDENCE', `no certificate after the membership change at height ${at} is signed by a quorum of the members before it; take the snapshot once one is`, { status: 409 });
}
