import type { Context } from 'koa';
import { AuditPurpose, MAX_VIEWED_RECORDS } from '../chain/contracts/auditView.ts';
import { ChainError } from '../chain/errors.ts';
import { keys, signerDeptOf, type SignerRecord } from '../chain/identity.ts';
import type { ChainNode } from '../chain/node.ts';
import { defaultParties, isAuditor, NO_PARTIES, purposeFrom, type TxFacts, type TxParties } from '../chain/readAccess.ts';
import type { Tx } from '../chain/schema.ts';
import type { TxRow } from '../chain/store/chainStore.ts';
import { currentUser, type SessionUser } from './auth.ts';

/**
 * The IO around chain/readAccess.ts: what the ledger says about transactions (who signed, who
 * the matter is about) and the on-chain record of an auditor's look.
 */

type Row = Pick<TxRow, 'id' | 'kind' | 'signer' | 'actor' | 'raw'>;

/** Signer records by key: current state, or the first record the key ever had (a node key rotated away since). */
async function signerRecords(node: ChainNode, signers: string[]): Promise<Map<string, SignerRecord | undefined>> {
  const out = new Map<string, SignerRecord | undefined>();
  const view = node.view();
  const missing: string[] = [];
  for (const s of new Set(signers)) {
    const rec = await view.get<SignerRecord>(keys.signer(s));
    out.set(s, rec);
    if (!rec) missing.push(keys.signer(s));
  }
  if (missing.length) {
    for (const [k, values] of await node.store.valuesOfKeys(missing)) out.set(k.slice('key/'.length), JSON.parse(values[0].value) as SignerRecord);
  }
  return out;
}

function partiesOf(node: ChainNode, row: Row): TxParties {
  try {
    const payload = (JSON.parse(row.raw) as { payload?: unknown }).payload;
    const def = node.registry.has(row.kind) ? node.registry.get(row.kind) : undefined;
    return def?.parties ? def.parties(payload) : defaultParties(payload);
  } catch {
    return NO_PARTIES; // a malformed record kept in its block: nobody is party to it
  }
}

export async function txFacts(node: ChainNode, rows: Row[]): Promise<Map<string, TxFacts>> {
  const signers = await signerRecords(node, rows.map((r) => r.signer));
  const out = new Map<string, TxFacts>();
  for (const r of rows) {
    const s = signers.get(r.signer);
    out.set(r.id, {
      signerDept: signerDeptOf(s),
      signerEnterprise: s?.type === 'enterprise' ? s.code : null,
      actor: s?.type === 'node' || s?.type === 'client' ? r.actor : null,
      parties: partiesOf(node, r),
    });
  }
  return out;
}

/** The enterprises a look at this transaction concerns: its parties and the enterprise that signed it. */
export const enterprisesOf = (f: TxFacts): string[] => [...f.parties.enterprises, ...(f.signerEnterprise ? [f.signerEnterprise] : [])];

/** The purpose an auditor gave (`?purpose=` or the `x-audit-purpose` header), checked. */
export function auditPurposeOf(ctx: Context): string | undefined {
  const raw = purposeFrom(ctx.query as Record<string, unknown>, ctx.get('x-audit-purpose') || undefined);
  if (raw === undefined) return undefined;
  const p = AuditPurpose.safeParse(raw);
  if (!p.success) throw new ChainError('BAD_PURPOSE', '查阅目的需4至200个字符 / the purpose must be 4 to 200 characters', { status: 400 });
  return p.data;
}

export function requirePurpose(ctx: Context): string {
  const p = auditPurposeOf(ctx);
  if (!p) throw new ChainError('PURPOSE_REQUIRED', '请说明查阅目的 / give the purpose of this look (?purpose= or the x-audit-purpose header); it is recorded on the chain', { status: 400 });
  return p;
}

/** What recording an audit view needs of a node (a ChainNode or a module's port). */
export interface AuditViewSink {
  signAs(actor: string | undefined, kind: string, payload: Record<string, unknown>): Tx;
  submit(tx: Tx): Promise<{ id: string }>;
}

/**
 * Puts the auditor's look on the ordering log before the content is returned, as the dossier
 * does: once appended it will be in a block, and the request need not wait for one.
 */
export async function recordAuditView(node: AuditViewSink, u: SessionUser, subject: string, purpose: string, enterprises: Iterable<string>, records: Iterable<string> = []): Promise<string> {
  const list = [...new Set(enterprises)].sort().slice(0, 1000);
  const recs = [...new Set(records)].sort().slice(0, MAX_VIEWED_RECORDS);
  return (await node.submit(node.signAs(u.id, 'audit.view', { subject, purpose, enterprises: list, ...(recs.length ? { records: recs } : {}) }))).id;
}

export interface AuditLook {
  purpose: string;
  /**
   * Records the look (audit.view) and answers its transaction id. `records` names the records
   * shown one by one (an inspection's id, an application's): an audit view naming a record is
   * the basis on which a department that can read its sealed fields shares them with audit.
   */
  record(subject: string, enterprises: Iterable<string>, records?: Iterable<string>): Promise<string>;
}

/**
 * A module page that shows an auditor other departments' records: the purpose is asked for
 * before anything is read (PURPOSE_REQUIRED, BAD_PURPOSE as on the audit routes), and the route
 * records the look before it answers. Undefined for everyone else: their pages are not looks
 * across departments.
 */
export function auditLook(node: AuditViewSink, ctx: Context): AuditLook | undefined {
  const u = currentUser(ctx);
  if (!isAuditor(u)) return undefined;
  const purpose = requirePurpose(ctx);
  return {
    purpose,
    record: async (subject, enterprises, records) => {
      const id = await recordAuditView(node, u, subject, purpose, enterprises, records);
      ctx.set('x-audit-view-tx', id); // also for answers that are files or bare reports
      return id;
    },
  };
}

/**
 * For pages whose public part anyone on the staff may see and whose rest is another's record:
 * an auditor who gave a purpose gets the look (recorded by the route), one who did not gets the
 * public part only.
 */
export function auditLookIfGiven(node: AuditViewSink, ctx: Context): AuditLook | undefined {
  const u = currentUser(ctx);
  if (!isAuditor(u) || auditPurposeOf(ctx) === undefined) return undefined;
  return auditLook(node, ctx);
}

/** What a list look names on the chain: the page and its filter (`list:approval/cases?status=open`). */
export function listSubject(page: string, query: Record<string, unknown>): string {
  const filter = Object.entries(query)
    .filter(([k, v]) => k !== 'purpose' && (typeof v === 'string' || typeof v === 'number'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return `list:${page}${filter ? `?${filter}` : ''}`.slice(0, 200);
}
