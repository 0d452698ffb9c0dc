import { sha256Hex } from '../chain/hash.ts';
import type { CommittedBlock } from '../chain/module.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import { payoutQuery, ruleOutcome } from './eligibility/privacy.ts';
import type { ApplicationRecord, ExpertRecord } from './records.ts';
import { attachmentNamesOf } from './applicationSeal.ts';
import { sealedFor } from './review/sealing.ts';
import { checkingApplications, releasableAwards } from './readModel/queries.ts';
import { pk } from './stateKeys.ts';

/** Blocks to wait before submitting the same automatic transaction again (it may still be on its way). */
const RETRY_BLOCKS = 5;
/** How often the policy department's node looks for questions that expired without an answer. */
const SWEEP_EVERY = 20;

/**
 * What a policy department's node does by itself after each block. It only ever submits
 * transactions whose outcome the chain decides (advance, release), so a second node doing the
 * same, or a crash and restart doing it twice, changes nothing but a rejected receipt.
 *  - a privacy answer (or refusal) to one of its payout questions: payout.advance
 *  - every SWEEP_EVERY blocks: applications whose questions may have expired: payout.advance
 *  - experts drawn for one of its applications: seal the attachments to each expert's key
 *  - a publication period over with no open objection: payout.release
 */
export function payoutAutomation() {
  const advanced = new Map<string, number>();
  const released = new Map<string, number>();
  const due = (m: Map<string, number>, k: string, h: number) => {
    const last = m.get(k);
    if (last !== undefined && h - last < RETRY_BLOCKS) return false;
    m.set(k, h);
    if (m.size > 10_000) m.delete(m.keys().next().value!);
    return true;
  };

  return async function afterBlock(block: CommittedBlock, node: ModulePort): Promise<void> {
    const view = node.view();
    const h = block.header.height;
    // Keyed by what triggered it (an answer, a sweep, the set of awards now due), so a new trigger is
    // never swallowed by the pause that keeps one trigger from being submitted every block.
    const toAdvance = new Map<string, string>();
    for (const r of block.receipts) {
      if (r.status !== 'ok') continue;
      for (const ev of r.events) {
        const d = ev.data as Record<string, unknown>;
        if (ev.type.startsWith('privacy.') && ev.type !== 'privacy.asked' && typeof d.query === 'string') {
          const q = await payoutQuery(view, d.query);
          if (q && q.requester.dept === node.dept) toAdvance.set(`${q.origin!.ref}:${q.id}`, q.origin!.ref);
        } else if ((ev.type === 'payout.reviewOpened' || ev.type === 'payout.expertRecused') && d.dept === node.dept) {
          await sealForExperts(node, String(d.application));
        }
      }
    }
    if (h % SWEEP_EVERY === 0) for (const id of await expiredCandidates(node, h)) toAdvance.set(`${id}:sweep`, id);
    const apps = new Set<string>();
    for (const [key, id] of [...toAdvance].sort(([a], [b]) => (a < b ? -1 : 1))) if (due(advanced, key, h)) apps.add(id);
    for (const id of apps) {
      await node.submitAs(undefined, 'payout.advance', { application: id }, 'none').catch((err) => node.log.warn({ err, application: id }, 'could not submit payout.advance'));
    }
    const rows = await releasableAwards(node.db, node.dept, block.header.time);
    const byPolicy = new Map<string, string[]>();
    for (const r of rows) byPolicy.set(r.policy, [...(byPolicy.get(r.policy) ?? []), r.id]);
    for (const [policy, ids] of [...byPolicy].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!due(released, `${policy}:${sha256Hex(ids.join(','))}`, h)) continue;
      await node.submitAs(undefined, 'payout.release', { policy }, 'none').catch((err) => node.log.warn({ err, policy }, 'could not submit payout.release'));
    }
  };
}

/** Applications of this department still in their checks with a question that no longer waits for an answer. */
async function expiredCandidates(node: ModulePort, height: number): Promise<string[]> {
  const out: string[] = [];
  for (const app of await checkingApplications(node.db, node.dept)) {
    for (const c of app.checks) {
      if (c.status === 'pending' && c.query && (await ruleOutcome(node.view(), c.query, height + 1)).status !== 'pending') {
        out.push(app.id);
        break;
      }
    }
  }
  return out;
}

async function sealForExperts(node: ModulePort, appId: string): Promise<void> {
  const view = node.view();
  const app = await view.get<ApplicationRecord>(pk.app(appId));
  if (!app?.review) return;
  for (const id of app.review.experts) {
    const expert = await view.get<ExpertRecord>(pk.expert(app.dept, id));
    if (!expert) continue;
    try {
      const { missing } = await sealedFor(node.db, app, expert, await attachmentNamesOf(app, node.keyring));
      if (missing.length) node.log.warn({ application: appId, missing }, 'attachments not on this node; they cannot be sealed for the experts');
    } catch (err) {
      node.log.error({ err, application: appId, expert: id }, 'sealing materials failed; it is retried when the expert opens them');
    }
  }
}
