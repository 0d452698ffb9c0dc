import type { Knex } from 'knex';
import type { CutBlock } from './blockCutter.ts';
import { blockTime } from './blockTime.ts';
import type { BlockTx } from './execute.ts';
import type { Attestation } from './finalityVoter.ts';
import { keys } from './identity.ts';
import type { LogReader, ReadEntry } from './logReader.ts';
import type { Cert, Genesis, Header, Receipt } from './schema.ts';
import type { StateWrite } from './state.ts';
import type { Head, LedgerStore } from './store/ledgerStore.ts';
import { transitionBlock, type TransitionRules } from './transition.ts';

/** A block as committed: what projections, waiters and listeners receive. */
export interface ImportedBlock {
  header: Header;
  hash: string;
  txs: BlockTx[];
  receipts: Receipt[];
}

export interface ImporterDeps {
  genesis: Genesis;
  registry: TransitionRules['registry'];
  store: LedgerStore;
  reader: LogReader;
  /** the read models, inside the block's own database transaction */
  project(trx: Knex.Transaction, block: ImportedBlock): Promise<void>;
}

/**
 * Imports a cut block: settles its signatures, drops records already receipted, runs the block
 * transition on committed state, and commits the block with its read-model projections in one
 * database transaction.
 */
export class BlockImporter {
  constructor(private readonly d: ImporterDeps) {}

  async import(
    cut: CutBlock<ReadEntry>,
    prev: { head: Head; time: number },
    carried: { certs: Cert[]; attestations: Attestation[] },
  ): Promise<{ block: ImportedBlock; writes: StateWrite[] }> {
    const { store, genesis } = this.d;
    const txs = await this.d.reader.settle(cut.txs);
    // A transaction logged twice is receipted once, at its first offset.
    const known = await store.knownTxIds(txs.map((t) => t.id));
    const seen = new Set<string>();
    const fresh = txs.filter((t) => {
      if (known.has(t.id) || seen.has(t.id)) return false;
      seen.add(t.id);
      return true;
    });
    await store.execution.prefetch(fresh.flatMap((t) => (t.tx ? [keys.signer(t.tx.signer)] : [])));
    const used = await store.usedNonces(fresh.flatMap((t) => (t.tx ? [{ signer: t.tx.signer, nonce: t.tx.nonce }] : [])));
    const time = blockTime(cut.time, prev.time, genesis.limits);
    const { receipts, nonces, writes, header, hash } = await transitionBlock(
      prev.head,
      { height: cut.height, time, firstOffset: cut.firstOffset, lastOffset: cut.lastOffset, certs: carried.certs },
      fresh,
      store.execution,
      { registry: this.d.registry, genesis, nonceUsed: (signer, nonce) => used.has(`${signer}:${nonce}`) },
    );
    const block: ImportedBlock = { header, hash, txs: fresh, receipts };
    await store.commitBlock(
      { header, hash, txs: fresh, receipts, writes, nonces, attestations: carried.attestations, finalHeight: prev.head.finalHeight },
      (trx) => this.d.project(trx, block),
    );
    return { block, writes };
  }
}
