import { seedApprovalDemo } from '../../approval/demo.ts';
import { demoEnterprise, prng } from '../../approval/demo/generator.ts';
import type { Platform } from '../../platform.ts';
import { seedPayoutDemo } from '../../policy-payout/demo.ts';
import { commitFigures } from '../../privacy-query/holder/figures.ts';
import { seedDemo } from '../seed.ts';

export interface CityOptions {
  enterprises: number;
  /** enterprises per batch: each batch is a few rounds of signed transactions; default 2,000 (larger blocks, fewer rounds) */
  batch?: number;
  password?: string;
  /** called after each batch with the enterprises done so far */
  onProgress?(done: number): void;
}

export interface CityResult {
  enterprises: number;
  txs: number;
  seconds: number;
}

/**
 * A city's history through the real path: every record is a signed transaction submitted to a
 * node, ordered, executed and projected. Deterministic: enterprise i is always the same
 * (demoEnterprise, seeded by its index), and so are its figures; only block times differ from
 * run to run. In batches: each batch seeds its enterprises' registrations, filings, amendments,
 * applications through their stages, inspections, cases and the credit changes they cause
 * (seedApprovalDemo over the batch's index range), then the tax and social-insurance holders
 * commit the batch's figures. The payout demo adds policies with applications and awards once.
 * A batch already seeded (its first enterprise exists) is skipped, so an interrupted run resumes.
 */
export async function generateCity(p: Platform, o: CityOptions): Promise<CityResult> {
  const t0 = performance.now();
  const before = await txCount(p);
  const password = o.password ?? 'city-password-1';
  const batch = o.batch ?? 2000;
  await seedDemo(p, { password, enterprises: 0 });
  const tax = p.nodes.find((n) => n.dept === 'tax');
  const hrss = p.nodes.find((n) => n.dept === 'hrss');
  for (let from = 0; from < o.enterprises; from += batch) {
    const count = Math.min(batch, o.enterprises - from);
    const ents = Array.from({ length: count }, (_, i) => demoEnterprise(from + i));
    if (await p.nodes[0].view().get(`ent/${ents[0].code}`)) {
      o.onProgress?.(from + count);
      continue;
    }
    await seedApprovalDemo(p, { password, enterprises: count, from });
    const rnd = prng(7919 + from);
    if (tax?.registry.has('privacy.commit')) {
      const rows = ents.map((e) => ({ enterprise: e.code, value: String(Math.floor(rnd() * 5_000_000) * 100) }));
      await commitFigures(tax.modulePort(), 'holder1', { field: 'tax.paid', period: '2025', rows });
    }
    if (hrss?.registry.has('privacy.commit')) {
      const rows = ents.map((e) => ({ enterprise: e.code, value: String(e.profile.employees) }));
      await commitFigures(hrss.modulePort(), 'holder1', { field: 'hrss.insured', period: '202512', rows });
    }
    o.onProgress?.(from + count);
  }
  await seedPayoutDemo(p);
  return { enterprises: o.enterprises, txs: (await txCount(p)) - before, seconds: (performance.now() - t0) / 1000 };
}

async function txCount(p: Platform): Promise<number> {
  const [{ n }] = await p.nodes[0].db('txs').count({ n: '*' });
  return Number(n);
}
