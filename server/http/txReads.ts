import type { Context } from 'koa';
import { AuditPurpose } from '../chain/contracts/auditView.ts';
import { ChainError } from '../chain/errors.ts';
import { keys, type SignerRecord } from '../chain/identity.ts';
import type { ChainNode } from '../chain/node.ts';
import { defaultParties, NO_PARTIES, purposeFrom, type TxFacts, type TxParties } from '../chain/readAccess.ts';
import type { TxRow } from '../chain/store/chainStore.ts';
import type { SessionUser } from './auth.ts';

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
    const rows: { k: string; new_v: string | null }[] = await node.db('state_history').whereIn('k', missing).whereNotNull('new_v').orderBy('id').select('k', 'new_v');
    for (const r of rows) {
      const pub = r.k.slice('key/'.length);
      if (!out.get(pub) && r.new_v) out.set(pub, JSON.parse(r.new_v) as SignerRecord);
    }
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
      signerDept: s?.type === 'node' ? s.dept : null,
      signerEnterprise: s?.type === 'enterprise' ? s.code : null,
      actor: s?.type === 'node' ? r.actor : null,
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

/**
 * Puts the auditor's look on the ordering log before the content is returned, as the dossier
 * does: once appended it will be in a block, and the request need not wait for one.
 */
export async function recordAuditView(node: Pick<ChainNode, 'submit' | 'signAs'>, u: SessionUser, subject: string, purpose: string, enterprises: Iterable<string>): Promise<string> {
  const list = [...new Set(enterprises)].sort().slice(0, 1000);
  return (await node.submit(node.signAs(u.id, 'audit.view', { subject, purpose, enterprises: list }))).id;
}
