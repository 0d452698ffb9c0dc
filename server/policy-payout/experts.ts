import { sha256Hex } from '../chain/hash.ts';
import { keys, type UserRecord } from '../chain/identity.ts';
import type { StateView } from '../chain/state.ts';
import type { ExpertRecord } from './records.ts';
import { pk } from './stateKeys.ts';

export const DRAW_RULE = 'sha256(applicationId + "|" + expertId) 升序取前 n 名，排除回避 / ascending, first n, conflicts excluded';

export interface Draw {
  experts: string[];
  excluded: { expert: string; reason: string }[];
}

/** Why an expert may not review this enterprise, or undefined. */
export function conflictOf(e: ExpertRecord, code: string, industry: string): string | undefined {
  const ents = [...e.declared.enterprises, ...e.configured.enterprises];
  if (ents.includes(code)) return `回避企业 ${code} / declared conflict with the enterprise`;
  const ind = [...e.declared.industries, ...e.configured.industries].find((p) => industry.startsWith(p));
  if (ind) return `回避行业 ${ind} / conflict with industry ${ind}`;
  return undefined;
}

/**
 * Draws the reviewers of an application from the policy department's registered experts: a rule
 * anyone can recompute from the chain (no randomness), so the draw is auditable and no one can
 * steer an application to a friendly expert. Disabled users and conflicts are left out, with why.
 */
export async function drawExperts(state: StateView, dept: string, application: string, code: string, industry: string, n: number): Promise<Draw> {
  const pool = (await state.get<string[]>(pk.expertPool(dept))) ?? [];
  const excluded: Draw['excluded'] = [];
  const eligible: string[] = [];
  for (const id of pool) {
    const user = await state.get<UserRecord>(keys.user(dept, id));
    const rec = await state.get<ExpertRecord>(pk.expert(dept, id));
    if (!user?.active || user.role !== 'expert' || !rec) {
      excluded.push({ expert: id, reason: '账号已停用 / not an active expert' });
      continue;
    }
    const c = conflictOf(rec, code, industry);
    if (c) excluded.push({ expert: id, reason: c });
    else eligible.push(id);
  }
  const ranked = eligible.map((id) => ({ id, h: sha256Hex(`${application}|${id}`) })).sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
  return { experts: ranked.slice(0, n).map((r) => r.id), excluded };
}

/**
 * The next expert for an application whose reviewer stepped back: the same ranking as the draw,
 * skipping everyone drawn or excluded before (a recused expert is not drawn again).
 */
export async function nextExpert(state: StateView, dept: string, app: { id: string; code: string; industry: string; review?: { experts: string[]; excluded: { expert: string }[] } }): Promise<string | undefined> {
  const ranked = await drawExperts(state, dept, app.id, app.code, app.industry, Number.MAX_SAFE_INTEGER);
  const out = new Set([...(app.review?.experts ?? []), ...(app.review?.excluded ?? []).map((e) => e.expert)]);
  return ranked.experts.find((id) => !out.has(id));
}
