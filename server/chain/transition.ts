import { executeBlock, type BlockTx } from './execute.ts';
import { chainVersionOf } from './genesis.ts';
import { blockHash, buildHeader } from './header.ts';
import type { ContractRegistry } from './registry.ts';
import type { Cert, Genesis, Header, Receipt } from './schema.ts';
import { BlockState, type StateReader, type StateWrite } from './state.ts';

/** What a block's header takes from outside its transactions: the log's cut, and the certificates it carries. */
export interface BlockFrame {
  height: number;
  /** block time (blockTime.ts), never a local clock */
  time: number;
  firstOffset: number;
  lastOffset: number;
  certs: Cert[];
}

export interface Transition {
  receipts: Receipt[];
  writes: StateWrite[];
  /** nonces consumed by this block */
  nonces: { signer: string; nonce: number }[];
  header: Header;
  hash: string;
}

export interface TransitionRules {
  registry: ContractRegistry;
  genesis: Genesis;
  /** whether an earlier block already used this signer's nonce */
  nonceUsed(signer: string, nonce: number): boolean;
}

/**
 * The block transition: a block's transactions executed on the state after `prev`, and the
 * header and hash that follow. The node imports blocks with it and the replay checks them with
 * it, so the two cannot build a block differently. Pure but for reading `state`.
 */
export async function transitionBlock(
  prev: { hash: string; stateHash: string },
  frame: BlockFrame,
  txs: BlockTx[],
  state: StateReader,
  rules: TransitionRules,
): Promise<Transition> {
  const blockState = new BlockState(state);
  const { receipts, nonces } = await executeBlock(frame.height, frame.time, txs, { ...rules, state: blockState });
  const writes = await blockState.writes();
  const header = buildHeader({
    chain: rules.genesis.chain,
    version: chainVersionOf(rules.genesis),
    height: frame.height,
    prev: prev.hash,
    prevStateHash: prev.stateHash,
    receipts,
    writes,
    firstOffset: frame.firstOffset,
    lastOffset: frame.lastOffset,
    time: frame.time,
    certs: frame.certs,
  });
  return { receipts, writes, nonces, header, hash: blockHash(header) };
}
