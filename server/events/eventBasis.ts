/**
 * Which events a department's feed carries (least knowledge, server/chain/readAccess.ts applied
 * to the department as a whole). A department's feed holds an event only where the department
 * has a basis for it:
 *
 * - `signer`: its own node signed the transaction (its staff acted, or the node itself);
 * - `recipient`: the transaction carries a value sealed to the department (a filing sent to it,
 *   materials shared with it): the sender chose it as a reader;
 * - `named`: the event names the department as the owner of the record or a side of it (`dept`,
 *   `depts`, a privacy question's `holder` or `requester`);
 * - `public`: consortium business every member follows (membership, governance, rule and key
 *   settings, a policy published, an award publicised for objections).
 *
 * Every other event is left out of the feed, not redacted: the envelope of any transaction is
 * on /api/blocks already, and a feed of other departments' envelopes would only be noise.
 */
export type EventBasis = 'signer' | 'recipient' | 'named' | 'public';

const PUBLIC_TYPES = new Set([
  'member.added',
  'member.removed',
  'member.keyRotated',
  'member.encKeyRotated',
  'gov.proposed',
  'gov.approved',
  'gov.applied',
  'approval.processSet',
  'approval.rulesSet',
  'credit.weightsSet',
  'privacy.keysSet',
  'privacy.rulesSet',
  'payout.published',
  'payout.publicised',
]);

export const isPublicEventType = (type: string): boolean => PUBLIC_TYPES.has(type);

export interface EventFacts {
  type: string;
  data: Record<string, unknown>;
  /** the department whose node signed the transaction; null when an enterprise signed */
  signerDept: string | null;
  /** departments a sealed value in the payload is addressed to */
  sealedTo: readonly string[];
}

export function eventBasis(dept: string, e: EventFacts): EventBasis | null {
  if (e.signerDept === dept) return 'signer';
  if (e.sealedTo.includes(dept)) return 'recipient';
  const d = e.data;
  if (d.dept === dept || d.holder === dept || d.requester === dept || (Array.isArray(d.depts) && d.depts.includes(dept))) return 'named';
  if (PUBLIC_TYPES.has(e.type)) return 'public';
  return null;
}

const KID = /^([a-z][a-z0-9-]{1,31})\/[0-9a-f]{16}$/;

/** Departments that sealed values anywhere in a payload are addressed to (JWE recipients' key ids). */
export function sealedRecipients(payload: unknown, out = new Set<string>(), depth = 0): string[] {
  if (depth > 64 || payload === null || typeof payload !== 'object') return [...out];
  if (Array.isArray(payload)) {
    for (const v of payload) sealedRecipients(v, out, depth + 1);
    return [...out];
  }
  const o = payload as Record<string, unknown>;
  const jwe = o.jwe as { recipients?: unknown } | undefined;
  if (jwe && Array.isArray(jwe.recipients)) {
    for (const r of jwe.recipients as { header?: { kid?: unknown } }[]) {
      const m = typeof r?.header?.kid === 'string' ? KID.exec(r.header.kid) : null;
      if (m) out.add(m[1]);
    }
  }
  for (const v of Object.values(o)) sealedRecipients(v, out, depth + 1);
  return [...out];
}

const CREDIT_CODE = /^[0-9A-Z]{18}$/;
const RECORD_FIELDS = ['id', 'app', 'application', 'case', 'inspection', 'policy', 'award', 'run', 'query', 'proposal', 'objection', 'publication'];

/**
 * What `subject=` matches: the enterprise (credit code) and the record ids an event names, and
 * the enterprise that signed. At most 16, each at most 100 characters.
 */
export function subjectsOf(data: Record<string, unknown>, signerEnterprise: string | null): string[] {
  const out = new Set<string>();
  if (signerEnterprise) out.add(signerEnterprise);
  for (const k of ['code', 'enterprise']) if (typeof data[k] === 'string' && CREDIT_CODE.test(data[k] as string)) out.add(data[k] as string);
  if (Array.isArray(data.enterprises)) for (const c of data.enterprises) if (typeof c === 'string' && CREDIT_CODE.test(c)) out.add(c);
  for (const k of RECORD_FIELDS) if (typeof data[k] === 'string' && (data[k] as string).length <= 100) out.add(data[k] as string);
  return [...out].slice(0, 16);
}
