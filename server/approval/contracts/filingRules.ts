import type { TxContext } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { keys, type MemberRecord } from '../../chain/identity.ts';
import type { StateView } from '../../chain/state.ts';
import { filingSealRecipients } from '../filingSeal.ts';
import type { FilingRecord } from '../records.ts';
import type { FilingSubmit } from '../schema.ts';
import { requireEnterprise, requireSelf } from './common.ts';

/** What a filing and an amendment must both satisfy: signed by the enterprise itself, sane references. */
export async function checkFiling(ctx: TxContext, state: StateView, p: FilingSubmit): Promise<void> {
  requireSelf(ctx, p.code);
  await requireEnterprise(state, p.code);
  const hashes = p.materials.map((m) => m.hash);
  if (new Set(hashes).size !== hashes.length) reject('DUPLICATE_MATERIAL', 'the same file is listed twice among the materials');
  const ids = p.commitments.map((c) => c.id);
  if (new Set(ids).size !== ids.length) reject('DUPLICATE_COMMITMENT', 'two commitment letters have the same id');
  for (const c of p.consents) {
    const m = await state.get<MemberRecord>(keys.member(c.dept));
    if (!m?.active) reject('UNKNOWN_DEPT', `consent names ${c.dept}, which is not a member department`);
  }
  await checkFilingSeal(ctx, state, p);
}

/**
 * The personal part must be sealed to every department that must read it, each by its current
 * key, and to member departments only. The contract sees recipients and the commitment, never
 * the plaintext, so this holds the same on every node whichever of them can open it.
 */
async function checkFilingSeal(ctx: TxContext, state: StateView, p: FilingSubmit): Promise<void> {
  const kids = new Set(p.profile.personal.jwe.recipients.map((r) => r.header.kid));
  if (kids.size !== p.profile.personal.jwe.recipients.length) reject('SEAL_RECIPIENTS', 'the sealed contacts name one recipient twice');
  const want = await filingSealRecipients(state, ctx.genesis);
  const missing = want.filter((r) => !kids.has(r.kid)).map((r) => r.kid);
  if (missing.length) reject('SEAL_RECIPIENTS', `the contacts must be sealed to ${missing.join(', ')} (their current keys: GET /api/approval/filing/sealing)`);
  for (const kid of kids) {
    const m = await state.get<MemberRecord>(keys.member(kid.slice(0, kid.indexOf('/'))));
    if (!m?.active || !m.encKey || !kid.endsWith(`/${m.encKey.slice(0, 16)}`)) reject('SEAL_RECIPIENTS', `${kid} is not a member department's current encryption key`);
  }
}

export function filingRecord(ctx: TxContext, p: FilingSubmit, prev?: FilingRecord): FilingRecord {
  const version = (prev?.version ?? 0) + 1;
  return {
    code: p.code,
    version,
    profile: p.profile,
    materials: p.materials,
    commitments: p.commitments,
    consents: p.consents,
    filedAt: prev?.filedAt ?? ctx.time,
    updatedAt: ctx.time,
    versions: [...(prev?.versions ?? []), { version, txId: ctx.txId, time: ctx.time }],
  };
}
