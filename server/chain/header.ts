import { canonicalJson } from './canonical.ts';
import { sha256Hex, ZERO_HASH } from './hash.ts';
import { merkleRoot, merkleRootV2, receiptLeaf, receiptLeafV2 } from './merkle.ts';
import type { Cert, Genesis, Header, Receipt } from './schema.ts';
import { nextStateHash, type StateWrite } from './state.ts';
import { genesisEntries } from './genesisState.ts';

export const blockHash = (h: Header): string => sha256Hex(canonicalJson(h));

/** The root of a block's receipts under the chain's version (1: no prefixes; 2: RFC 6962's). */
export const txRootOf = (receipts: Pick<Receipt, 'txId' | 'status' | 'code' | 'events'>[], version = 1): string =>
  version >= 2
    ? merkleRootV2(receipts.map((r) => receiptLeafV2(r.txId, r.status, r.code, r.events)))
    : merkleRoot(receipts.map((r) => receiptLeaf(r.txId, r.status, r.code, r.events)));

export function buildHeader(args: {
  chain: string;
  height: number;
  prev: string;
  prevStateHash: string;
  receipts: Receipt[];
  writes: StateWrite[];
  firstOffset: number;
  lastOffset: number;
  time: number;
  certs: Cert[];
  /** the chain's version (chainVersionOf(genesis)); 1 when absent */
  version?: number;
}): Header {
  return {
    chain: args.chain,
    height: args.height,
    prev: args.prev,
    txRoot: txRootOf(args.receipts, args.version),
    stateHash: nextStateHash(args.prevStateHash, args.writes),
    firstOffset: args.firstOffset,
    lastOffset: args.lastOffset,
    time: args.time,
    txCount: args.receipts.length,
    certs: args.certs,
  };
}

/** Block 0: the genesis state, chained from the zero hash; first log offset is 0. */
export function genesisBlock(g: Genesis): { header: Header; writes: StateWrite[] } {
  const writes: StateWrite[] = genesisEntries(g)
    .map(([key, value]) => ({ key, old: null, new: canonicalJson(value), txId: 'genesis' }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  const header: Header = {
    chain: g.chain,
    height: 0,
    prev: ZERO_HASH,
    txRoot: ZERO_HASH,
    stateHash: nextStateHash(sha256Hex(canonicalJson(g)), writes),
    firstOffset: 0,
    lastOffset: -1,
    time: g.time,
    txCount: 0,
    certs: [],
  };
  return { header, writes };
}
