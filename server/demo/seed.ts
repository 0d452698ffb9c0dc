import type { Platform } from '../platform.ts';
import { DEMO_STAFF } from './staff.ts';
import { seedApprovalDemo, type DemoTime } from '../approval/demo.ts';
import { seedPayoutAfterKeys, seedPayoutDemo } from '../policy-payout/demo.ts';
import { adoptVerificationKeys } from '../privacy-query/bootstrap.ts';
import { pq } from '../privacy-query/stateKeys.ts';

export interface DemoSeedOptions {
  password: string;
  /** demo enterprises with their histories; none unless asked (npm start asks for 300) */
  enterprises?: number;
  log?: (msg: string) => void;
  /** the embedded platform's clock, pinned in the past while the history is written (demoClock.ts) */
  clock?: DemoTime;
}

/**
 * Seeds a fresh embedded platform so a first-time user sees a living city: staff in every
 * department (on the chain, by their administrator), with portal passwords on their node, then
 * its history, then what needs the privacy keys. Idempotent: what exists already is left alone.
 */
export async function seedDemo(p: Platform, o: DemoSeedOptions): Promise<void> {
  await seedDemoHistory(p, o);
  await seedDemoAfterKeys(p, o);
}

/** Staff, enterprises, approvals, inspections, cases and policies: nothing here needs a proof. */
export async function seedDemoHistory(p: Platform, o: DemoSeedOptions): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const node of p.nodes) {
    const auth = p.auths.get(node.dept)!;
    if (!(await auth.hasPassword('admin'))) await auth.setPassword('admin', o.password);
    for (const s of DEMO_STAFF.filter((x) => x.dept === node.dept)) {
      if (!(await node.view().get(`user/${s.dept}/${s.id}`))) {
        waits.push(node.submitAs('admin', 'user.register', { id: s.id, name: s.name, role: s.role }, 'receipt'));
      }
      if (!(await auth.hasPassword(s.id))) await auth.setPassword(s.id, o.password);
    }
  }
  await Promise.all(waits);
  o.log?.(`demo staff ready in ${p.nodes.length} departments`);
  await seedApprovalDemo(p, { ...o, enterprises: o.enterprises ?? 0 });
  await seedPayoutDemo(p, { log: o.log, clock: o.clock });
}

/**
 * The embedded city hosts every department, so its administrators adopt this machine's ceremony
 * keys together at once (a real consortium decides that in its portals); then the demo's
 * questions are asked.
 */
export async function seedDemoAfterKeys(p: Platform, o: Pick<DemoSeedOptions, 'enterprises' | 'log'> & { adoptKeys?: boolean }): Promise<void> {
  if ((o.adoptKeys ?? Boolean(o.enterprises)) && p.nodes[0]?.registry.has('privacy.ask') && !(await p.nodes[0].view().get(pq.verificationKeys()))) {
    await adoptVerificationKeys(p.nodes);
    o.log?.('privacy-query verification keys adopted by a quorum');
  }
  await seedPayoutAfterKeys(p, o.log).catch((err) => (o.log ?? console.warn)(`payout demo: ${(err as Error).message}`));
}
