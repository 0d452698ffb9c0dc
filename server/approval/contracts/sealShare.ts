import { cls } from '../../chain/classification.ts';
import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { keys, type MemberRecord } from '../../chain/identity.ts';
import { DeptId } from '../../chain/schema.ts';
import { deptOfKid, encKid, recipientDepts, Sealed } from '../../chain/sealing/envelope.ts';
import { z } from 'zod';
import type { FilingRecord } from '../records.ts';
import { ak } from '../stateKeys.ts';
import { emitRecord } from './common.ts';

export const sealShareKey = (code: string, dept: string) => `seal/share/filing/${code}/${dept}`;
/** The departments a filing's contacts were ever shared to, so an amendment can be shared on to them. */
export const sealSharesKey = (code: string) => `seal/shares/filing/${code}`;

export const SealShare = z.strictObject({
  /** the enterprise whose filing's personal part is shared */
  code: cls(z.string().length(18), 'public'),
  to: DeptId,
  /** why the department may read it: public, so anyone auditing sees every disclosure and its ground */
  basis: cls(z.strictObject({ purpose: z.string().trim().min(1).max(200), app: z.string().regex(/^AP-[0-9]+-[0-9]+$/).optional() }), 'public'),
  /** the same salted value sealed to `to`: its commitment must equal the filing's */
  sealed: Sealed,
});
export type SealShare = z.infer<typeof SealShare>;

export interface SealShareRecord {
  code: string;
  dept: string;
  commit: string;
  sealed: Sealed;
  basis: SealShare['basis'];
  by: { dept: string; user: string };
  height: number;
}

/**
 * A department that can read a filing's sealed contacts passes them to one more department with
 * a basis (an application it must decide, say). The share carries the value re-sealed to that
 * department under the same commitment, so the recipient can tell it is exactly what the
 * enterprise filed and the sharer cannot pass on anything else; the contract checks who shares,
 * to whom and why, never the plaintext.
 */
export const sealShare = defineContract({
  kind: 'seal.share',
  payload: SealShare,
  roles: ['clerk', 'approver', 'inspector', 'enforcer', 'admin', 'node'],
  async apply(ctx, state, p) {
    const filing = await state.get<FilingRecord>(ak.filing(p.code));
    const envelope = filing?.profile.personal;
    if (!envelope) reject('NOT_FOUND', `no sealed filing for ${p.code}`, 404);
    const from = ctx.actor.dept ?? '';
    const holds = recipientDepts(envelope).includes(from) || (await state.get<SealShareRecord>(sealShareKey(p.code, from)))?.commit === envelope.commit;
    if (!holds) reject('SEAL_NOT_HOLDER', `${from} cannot read this filing's contacts, so it cannot share them`, 403);
    if (p.sealed.commit !== envelope.commit) reject('SEAL_COMMIT_MISMATCH', 'the shared value is not the one the enterprise filed (commitments differ)');
    const m = await state.get<MemberRecord>(keys.member(p.to));
    if (!m?.active || !m.encKey) reject('NO_ENC_KEY', `${p.to} is not a member with an encryption key`, 404);
    const kids = p.sealed.jwe.recipients.map((r) => r.header.kid);
    if (kids.length !== 1 || kids[0] !== encKid(p.to, m.encKey) || deptOfKid(kids[0]) !== p.to) reject('SEAL_RECIPIENTS', `a share is sealed to ${p.to}'s current key (${encKid(p.to, m.encKey)}) only`);
    if (p.basis.app) {
      const app = await state.get<{ code: string; stages: { dept: string }[] }>(ak.app(p.basis.app));
      if (!app || app.code !== p.code || !app.stages.some((s) => s.dept === p.to)) reject('SEAL_NO_BASIS', `application ${p.basis.app} of ${p.code} has no stage at ${p.to}`, 403);
    }
    const rec: SealShareRecord = { code: p.code, dept: p.to, commit: p.sealed.commit, sealed: p.sealed, basis: p.basis, by: { dept: from, user: ctx.actor.id }, height: ctx.height };
    state.put(sealShareKey(p.code, p.to), rec);
    const depts = (await state.get<string[]>(sealSharesKey(p.code))) ?? [];
    if (!depts.includes(p.to)) state.put(sealSharesKey(p.code), [...depts, p.to].sort());
    emitRecord(ctx, 'seal.shared', { code: p.code, to: p.to, from, purpose: p.basis.purpose }, [sealShareKey(p.code, p.to), ak.filing(p.code)]);
  },
});
