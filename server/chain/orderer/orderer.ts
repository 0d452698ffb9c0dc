import type { LogEntry } from '../schema.ts';

/**
 * The ordering log: one total order of records for the whole chain. `append` resolves only
 * once the records are durable (for Kafka, acknowledged by all in-sync replicas), so an
 * acknowledged submit is never lost.
 */
export interface Orderer {
  append(records: Buffer[]): Promise<void>;
  /**
   * Delivers records from `fromOffset` on, in order, batch by batch; the next batch waits
   * until the handler's promise settles. A handler that throws stops the subscription.
   */
  subscribe(fromOffset: number, handler: (entries: LogEntry[]) => Promise<void>): Subscription;
  close(): Promise<void>;
}

export interface Subscription {
  stop(): Promise<void>;
  /** settles when the subscription ends (stopped or failed) */
  done: Promise<void>;
}
