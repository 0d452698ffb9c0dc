import { ChainError } from '../chain/errors.ts';
import type { CommittedBlock } from '../chain/module.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import { recipientDepts, reseal } from '../chain/sealing/envelope.ts';
import { openSealed } from '../chain/sealing/openSealed.ts';
import { sealShareKey, sealSharesKey, type FilingShare as SealShare, type SealShareRecord } from './contracts/sealShare.ts';
import type { ApplicationRecord, FilingRecord } from './records.ts';
import { ak } from './stateKeys.ts';

/**
 * Opens an enterprise's sealed contacts with this node's keys (its own envelope or a share to it)
 * and re-seals them, same salt and so same commitment, to one more department: the payload of a
 * `seal.share`. Outside contract code: only a node that can read the value can do this.
 */
export async function sharePayload(node: ModulePort, code: string, to: string, basis: SealShare['basis']): Promise<SealShare> {
  const state = node.view();
  const envelope = (await state.get<FilingRecord>(ak.filing(code)))?.profile.personal;
  if (!envelope) throw new ChainError('NOT_FOUND', `no sealed filing for ${code}`, { status: 404 });
  const share = await state.get<SealShareRecord>(sealShareKey(code, node.dept));
  const opened = (await openSealed(envelope, node.keyring)) ?? (share?.commit === envelope.commit ? await openSealed(share.sealed, node.keyring) : undefined);
  if (!opened) throw new ChainError('SEAL_NOT_HOLDER', `${node.dept} cannot read ${code}'s contacts, so it cannot share them`, { status: 403 });
  return { code, to, basis, sealed: await reseal(opened.value, opened.salt, node.sealRecipients([to])) };
}

/** Whether a department can read the filing's current contacts already. */
async function canRead(node: ModulePort, f: FilingRecord, dept: string): Promise<boolean> {
  if (recipientDepts(f.profile.personal).includes(dept)) return true;
  return (await node.view().get<SealShareRecord>(sealShareKey(f.code, dept)))?.commit === f.profile.personal.commit;
}

/**
 * Shares made by the node itself, after commit, by the first of the filing's recipients (so each
 * is made once): when an enterprise applies, to the departments owning the application's stages,
 * naming the application as the basis; when it amends its filing, again to every department
 * that had the earlier version, on the same basis as before. Never throws (it logs instead).
 */
export async function shareAfterBlock(block: CommittedBlock, node: ModulePort): Promise<void> {
  const events = block.receipts.flatMap((r) => (r.status === 'ok' ? r.events.filter((e) => e.type === 'approval.applied' || e.type === 'filing.amended') : []));
  for (const ev of events) {
    try {
      const { id, code } = ev.data as { id?: string; code: string };
      const f = await node.view().get<FilingRecord>(ak.filing(code));
      if (!f?.profile.personal || recipientDepts(f.profile.personal)[0] !== node.dept) continue;
      const wanted: [string, SealShare['basis']][] = [];
      if (ev.type === 'approval.applied') {
        const app = await node.view().get<ApplicationRecord>(ak.app(id!));
        for (const to of new Set(app?.stages.map((s) => s.dept) ?? [])) wanted.push([to, { purpose: `审批办理 ${app!.process}`, app: id }]);
      } else {
        for (const to of (await node.view().get<string[]>(sealSharesKey(code))) ?? []) {
          const prev = await node.view().get<SealShareRecord>(sealShareKey(code, to));
          if (prev) wanted.push([to, prev.basis]);
        }
      }
      for (const [to, basis] of wanted.sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        if (await canRead(node, f, to)) continue;
        const payload = await sharePayload(node, code, to, basis);
        await node.submitAs(undefined, 'seal.share', payload as unknown as Record<string, unknown>, 'none');
      }
    } catch (err) {
      node.log.warn({ err, event: ev.data }, 'could not share sealed contacts');
    }
  }
}
