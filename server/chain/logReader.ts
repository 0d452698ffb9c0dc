import { checkRecord, parseJson, settleSignature, signatureToVerify, type RecordCheck } from './blockTx.ts';
import type { BlockTx } from './execute.ts';
import { sha256Hex } from './hash.ts';
import { logRecordOf } from './logRecord.ts';
import type { LogEntry, LogRecord } from './schema.ts';
import type { CryptoSuite } from './suites/suite.ts';
import type { VerifiedCache } from './verifiedCache.ts';
import { POOL_THRESHOLD, verdictsAt, type PendingVerdict, type VerifyPool } from './verifyPool.ts';

/** A log entry as the node reads it: parsed once; a transaction record checked but for its signature. */
export interface ReadEntry extends LogEntry {
  record: LogRecord | undefined;
  /** for transaction records (and anything unrecognised, which becomes a rejected one) */
  tx?: { text: string; recordHash: string; check: RecordCheck; verdict?: PendingVerdict };
}

/**
 * How a node turns the log's records into block transactions, in two steps: `read` when a
 * batch is delivered (parse, every stateless check, signatures sent to the worker pool), and
 * `settle` when a block cut from it is applied (the signatures' verdicts). Between the two the
 * pool checks signatures while the node executes and commits the blocks before.
 */
export class LogReader {
  constructor(
    private readonly opts: { chain: string; suite: CryptoSuite; maxTxBytes: number },
    private readonly verified: VerifiedCache,
    private readonly pool?: VerifyPool,
  ) {}

  /**
   * Every check that needs no state, except signatures, which go to the worker pool when the
   * batch is big enough to be worth it. A record this process has fully checked before (by
   * another department's node in the embedded mode, or on submit) is recognised by the hash
   * of its bytes. A record that is not a recognised cut or sig is treated as a transaction so
   * the executor can reject it visibly instead of it vanishing.
   */
  read(entries: LogEntry[]): ReadEntry[] {
    const unsigned: ReadEntry[] = [];
    const out = entries.map((e): ReadEntry => {
      const text = e.data.toString('utf8');
      const json = parseJson(text);
      const record = logRecordOf(json);
      const read: ReadEntry = { offset: e.offset, timestamp: e.timestamp, data: e.data, record };
      if (!record || record.t === 'tx') {
        const recordHash = sha256Hex(e.data);
        const check = checkRecord(text, e.offset, json, this.opts, this.verified.get(recordHash));
        read.tx = { text, recordHash, check };
        if (check.signed) unsigned.push(read);
      }
      return read;
    });
    if (this.pool && unsigned.length > POOL_THRESHOLD) {
      const pending = this.pool.verifyInRounds(unsigned.map((r) => signatureToVerify(r.tx!.check)));
      unsigned.forEach((r, i) => (r.tx!.verdict = pending[i]));
    }
    return out;
  }

  /** A block's transactions with their signature verdicts; the valid ones are remembered. */
  async settle(entries: ReadEntry[]): Promise<BlockTx[]> {
    const verdicts = await verdictsAt(entries.map((e) => e.tx!.verdict));
    return entries.map(({ tx }, i) => {
      const { text, recordHash, check } = tx!;
      let ok = verdicts[i];
      // checked meanwhile by another node of this process
      if (ok === undefined && check.signed && this.verified.get(recordHash) === check.item.id) ok = true;
      const item = settleSignature(check, text, this.opts, ok);
      if (!item.invalid) this.verified.add(recordHash, item.id);
      return item;
    });
  }
}
