import canonicalize from 'canonicalize';

/** Canonical JSON (RFC 8785) without node:crypto or the server: what ids and header hashes are computed over. */
export const canonical = (v: unknown): string => {
  const s = canonicalize(v);
  if (s === undefined) throw new TypeError('not JSON');
  return s;
};
