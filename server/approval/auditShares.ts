import type { AuditViewRecord } from '../chain/contracts/auditView.ts';
import { auditViewKey } from '../chain/contracts/auditView.ts';
import type { CommittedBlock } from '../chain/module.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import { AUDIT_DEPT } from '../chain/readAccess.ts';
import { isSealed, recipientDepts, reseal } from '../chain/sealing/envelope.ts';
import { openSealed } from '../chain/sealing/openSealed.ts';
import { fieldAt, recordKeyOf, recordShareKey, sealedPaths, type RecordShare, type RecordShareRecord } from './contracts/sealShare.ts';

/**
 * Audit reads a sealed field on a recorded basis: an auditor's look at a record
 * (`audit.view` naming it) is followed, after its block, by a `seal.share` of the record's
 * sealed fields to the audit department, made by a node that can read them (for each envelope,
 * its first recipient, so each is shared once), naming that look as its basis. The contract
 * checks the look; the audit node opens the share only on the route that records the auditor's
 * next look, never in its read model, so its database holds ciphertext only.
 */
export async function shareWithAuditAfterBlock(block: CommittedBlock, node: ModulePort): Promise<void> {
  if (node.dept === AUDIT_DEPT) return;
  for (const r of block.receipts) {
    if (r.status !== 'ok' || !r.events.some((e) => e.type === 'audit.viewed')) continue;
    const look = await node.view().get<AuditViewRecord>(auditViewKey(r.txId));
    if (!look) continue;
    for (const id of look.records) {
      try {
        const fields = await fieldsToShare(node, id);
        if (!fields.length) continue;
        const basis = { purpose: look.purpose.slice(0, 200), auditView: r.txId };
        await node.submitAs(undefined, 'seal.share', { record: id, to: AUDIT_DEPT, basis, fields } satisfies RecordShare as unknown as Record<string, unknown>, 'none');
      } catch (err) {
        node.log.warn({ err, record: id }, 'could not share sealed fields with audit');
      }
    }
  }
}

/** The record's envelopes this node is to pass to audit: those it is first recipient of that audit cannot read yet. */
async function fieldsToShare(node: ModulePort, id: string): Promise<RecordShare['fields']> {
  const key = recordKeyOf(id);
  const record = key ? await node.view().get(key) : undefined;
  if (record === undefined) return [];
  const shared = (await node.view().get<RecordShareRecord>(recordShareKey(id, AUDIT_DEPT)))?.fields ?? {};
  const to = node.sealRecipients([AUDIT_DEPT]);
  const out: RecordShare['fields'] = [];
  for (const [path, envelope] of sealedPaths(record)) {
    const depts = recipientDepts(envelope);
    if (depts.includes(AUDIT_DEPT) || depts[0] !== node.dept || shared[path]?.commit === envelope.commit) continue;
    const opened = await openSealed(envelope, node.keyring).catch(() => undefined);
    if (opened) out.push({ path, sealed: await reseal(opened.value, opened.salt, to) });
  }
  return out;
}

/**
 * A record as an auditor's route shows it on the audit node: each field shared to audit (and
 * still the record's current value) opened in place of its sealed marker. A payee account shows
 * as the read models show an opened one, beside the payee's name.
 */
export async function withAuditShares<T>(node: ModulePort, id: string, view: T): Promise<T> {
  const share = await node.view().get<RecordShareRecord>(recordShareKey(id, node.dept));
  const key = recordKeyOf(id);
  if (!share || !key) return view;
  const record = await node.view().get(key);
  const out = structuredClone(view) as Record<string, unknown>;
  for (const [path, f] of Object.entries(share.fields)) {
    const current = fieldAt(record, path);
    if (!isSealed(current) || current.commit !== f.commit) continue;
    const opened = await openSealed(f.sealed, node.keyring).catch(() => undefined);
    if (!opened) continue;
    if (path === 'payee.bank' && typeof out.payee === 'object' && out.payee !== null) {
      const { sealed: _marker, ...payee } = out.payee as Record<string, unknown>;
      out.payee = { ...payee, ...(opened.value as Record<string, unknown>), sharedToAudit: true };
      continue;
    }
    setAt(out, path, opened.value);
  }
  return out as T;
}

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Sets an opened value at a path of a view where the view marks it sealed: the field itself
 * holding a marker (approval read models), a `<field>Sealed` marker beside it, or one `sealed`
 * marker for the object (payout read models).
 */
function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let v: unknown = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof v !== 'object' || v === null || !has(v, part)) return;
    v = (v as Record<string, unknown>)[part];
  }
  if (typeof v !== 'object' || v === null) return;
  const o = v as Record<string, unknown>;
  const last = parts[parts.length - 1];
  if (has(o, last)) o[last] = value;
  else if (has(o, `${last}Sealed`)) {
    o[last] = value;
    delete o[`${last}Sealed`];
  } else if (has(o, 'sealed')) o[last] = value;
}
