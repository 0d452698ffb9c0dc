import { ChainError } from '../chain/errors.ts';
import type { CommittedBlock } from '../chain/module.ts';
import type { ChainNode } from '../chain/node.ts';
import { openSealed, recipientDepts, reseal } from '../chain/sealing/envelope.ts';
import { sealShareKey, type SealShare, type SealShareRecord } from './contracts/sealShare.ts';
import type { ApplicationRecord, FilingRecord } from './records.ts';
import { ak } from './stateKeys.ts';

/**
 * Opens an enterprise's sealed contacts with this node's keys (its own envelope or a share to it)
 * and re-seals them, same salt and so same commitment, to one more department: the payload of a
 * `seal.share`. Outside contract code: only a node that can read the value can do this.
 */
export async function sharePayload(node: ChainNode, code: string, to: string, basis: SealShare['basis']): Promise<SealShare> {
  const state = node.view();
  const envelope = (await state.get<FilingRecord>(ak.filing(code)))?.profile.personal;
  if (!envelope) throw new ChainError('NOT_FOUND', `no sealed filing for ${code}`, { status: 404 });
  const share = await state.get<SealShareRecord>(sealShareKey(code, node.dept));
  const opened = (await openSealed(envelope, node.keyring)) ?? (share?.commit === envelope.commit ? await openSealed(share.sealed, node.keyring) : undefined);
  if (!opened) throw new ChainError('SEAL_NOT_HOLDER', `${node.dept} cannot read ${code}'s contacts, so it cannot share them`, { status: 403 });
  return { code, to, basis, sealed: await reseal(opened.value, opened.salt, node.sealRecipients([to])) };
}

/** Whether a department can read the filing's current contacts already. */
async function canRead(node: ChainNode, f: FilingRecord, dept: string): Promise<boolean> {
  if (recipientDepts(f.profile.personal).includes(dept)) return true;
  return (await node.view().get<SealShareRecord>(sealShareKey(f.code, dept)))?.commit === f.profile.personal.commit;
}

/**
 * After an enterprise applies, the departments owning the application's stages get its contacts:
 * the first of the filing's recipients that this process hosts shares them, naming the
 * application as the basis. Runs after commit and never throws (it logs instead).
 */
export async function shareForApplications(block: CommittedBlock, node: ChainNode): Promise<void> {
  const applied = block.receipts.flatMap((r) => (r.status === 'ok' ? r.events.filter((e) => e.type === 'approval.applied') : []));
  for (const ev of applied) {
    try {
      const { id, code } = ev.data as { id: string; code: string };
      const f = await node.view().get<FilingRecord>(ak.filing(code));
      if (!f?.profile.personal) continue;
      const holders = recipientDepts(f.profile.personal);
      if (holders[0] !== node.dept) continue; // one holder shares, so each share is made once
      const app = await node.view().get<ApplicationRecord>(ak.app(id));
      for (const to of [...new Set(app?.stages.map((s) => s.dept) ?? [])].sort()) {
        if (await canRead(node, f, to)) continue;
        const payload = await sharePayload(node, code, to, { purpose: `审批办理 ${app!.process}`, app: id });
        await node.submitAs(undefined, 'seal.share', payload as unknown as Record<string, unknown>, 'none');
      }
    } catch (err) {
      node.log.warn({ err, event: ev.data }, 'could not share sealed contacts for an application');
    }
  }
}
