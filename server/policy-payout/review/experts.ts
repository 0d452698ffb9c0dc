import { sha256Hex } from '../../chain/hash.ts';
import { keys, type UserRecord } from '../../chain/identity.ts';
import type { StateView } from '../../chain/state.ts';
import type { ExpertRecord } from '../records.ts';
import { pk } from '../stateKeys.ts';

export const DRAW_RULE = 'sha256(applicationId + "|" + expertId) 升序取前 n 名，仅限政策发布时登记的专家，排除回避 / ascending, first n, among the experts registered when the policy was published, conflicts excluded';

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

/** An active expert of the department with a registered key: one who can be drawn. */
async function drawable(state: StateView, dept: string, id: string): Promise<ExpertRecord | undefined> {
  const user = await state.get<UserRecord>(keys.user(dept, id));
  const rec = await state.get<ExpertRecord>(pk.expert(dept, id));
  return user?.active && user.role === 'expert' && rec ? rec : undefined;
}

/**
 * The panel of a policy with expert review, fixed at its publication: the department's experts
 * who can be drawn then. Application ids are known only after publication, so an expert id
 * chosen to rank first for an application can no longer join the panel it would be drawn from.
 */
export async function panelAtPublication(state: StateView, dept: string): Promise<string[]> {
  const pool = (await state.get<string[]>(pk.expertPool(dept))) ?? [];
  const out: string[] = [];
  for (const id of pool) if (await drawable(state, dept, id)) out.push(id);
  return out;
}

/**
 * Draws the reviewers of an application from its policy's panel: a rule anyone can recompute
 * from the chain (no randomness), so the draw is auditable and no one can steer an application
 * to a friendly expert. Disabled users and conflicts are left out, with why. A policy published
 * before panels were kept has none and draws from the department's pool, as it did then, so
 * replaying those blocks gives the same draws.
 */
export async function drawExperts(state: StateView, policy: { id: string; dept: string }, application: string, code: string, industry: string, n: number): Promise<Draw> {
  const dept = policy.dept;
  const pool = (await state.get<string[]>(pk.panel(policy.id))) ?? (await state.get<string[]>(pk.expertPool(dept))) ?? [];
  const excluded: Draw['excluded'] = [];
  const eligible: string[] = [];
  for (const id of pool) {
    const rec = await drawable(state, dept, id);
    if (!rec) {
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
 * from the policy's panel, skipping those drawn and those who stepped back (never drawn again).
 * Panel members left out at the draw for a conflict or an inactive account are checked again as
 * they are now, like at any draw; an expert registered since publication is not on the panel.
 */
export async function nextExpert(state: StateView, policy: { id: string; dept: string }, app: { id: string; code: string; industry: string; review?: { experts: string[]; excluded: { expert: string; reason: string; recused?: boolean }[] } }): Promise<string | undefined> {
  const ranked = await drawExperts(state, policy, app.id, app.code, app.industry, Number.MAX_SAFE_INTEGER);
  // recusals recorded before the flag existed carry only their reason's marker
  const recused = (app.review?.excluded ?? []).filter((e) => e.recused || e.reason.includes('/ recused at ')).map((e) => e.expert);
  const out = new Set([...(app.review?.experts ?? []), ...recused]);
  return ranked.experts.find((id) => !out.has(id));
}
