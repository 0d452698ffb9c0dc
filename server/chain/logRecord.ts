import { NOT_JSON } from './blockTx.ts';
import { LogRecord } from './schema.ts';

/**
 * What a parsed log record is, by the LogRecord schema, or undefined. A transaction record in
 * its usual shape (exactly `t: "tx"` and `tx`, which the schema passes through unchecked) is
 * recognised without the schema: that is nearly every record, and the schema would only copy it.
 */
export function logRecordOf(json: unknown): LogRecord | undefined {
  if (json === NOT_JSON) return undefined;
  if (
    typeof json === 'object' &&
    json !== null &&
    Object.getPrototypeOf(json) === Object.prototype &&
    (json as { t?: unknown }).t === 'tx' &&
    Object.hasOwn(json, 'tx') &&
    Object.keys(json).length === 2
  ) {
    return json as LogRecord;
  }
  const parsed = LogRecord.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
