import canonicalize from 'canonicalize';
import { ChainError } from './errors.ts';

/**
 * RFC 8785 (JCS) canonical JSON. Everything that is hashed or signed goes through here, so
 * two nodes serialising the same value always produce the same bytes. Ledger values never
 * hold floats or bigints: money and scores are decimal strings or safe integers.
 */
export function canonicalJson(value: unknown): string {
  assertLedgerValue(value, '$');
  const out = canonicalize(value);
  if (out === undefined) throw new ChainError('NOT_CANONICAL', 'value cannot be serialised as canonical JSON');
  return out;
}

function assertLedgerValue(v: unknown, path: string): void {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isSafeInteger(v)) {
        throw new ChainError('NOT_CANONICAL', `${path}: numbers on the ledger must be safe integers (use strings for money)`);
      }
      return;
    case 'object':
      if (v === null) return;
      if (Array.isArray(v)) {
        v.forEach((x, i) => assertLedgerValue(x, `${path}[${i}]`));
        return;
      }
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x === undefined) continue;
        assertLedgerValue(x, `${path}.${k}`);
      }
      return;
    default:
      throw new ChainError('NOT_CANONICAL', `${path}: ${typeof v} is not allowed on the ledger`);
  }
}
