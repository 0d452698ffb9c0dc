/** One event of a department's feed as the feed, the stream, webhooks and the SDK carry it (server/events/README.md). */
export interface FeedEvent {
  id: string;
  type: string;
  kind: string;
  txId: string;
  height: number;
  txIndex: number;
  eventIndex: number;
  time: number;
  signerDept: string | null;
  basis: string;
  final: boolean;
  data: Record<string, unknown>;
}

