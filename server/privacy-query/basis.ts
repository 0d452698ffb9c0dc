import { reject } from '../chain/errors.ts';
import type { StateView } from '../chain/state.ts';
import type { ApplicationRecord, CaseRecord, FilingRecord, InspectionRecord } from '../approval/records.ts';
import { loadProcess } from '../approval/rules.ts';
import { ak } from '../approval/stateKeys.ts';
import { findField, type FieldDef, type PrivacyRules, type Statute } from './config.ts';
import { exactOf, periodAt, sameQuestion, specOfCheck, type ExactQuestion, type QuestionSpec } from './questions.ts';

/*
 * What a basis lets a department ask. A question names its basis and takes its parameters from it:
 * - consent: the enterprise's filing lets this department ask about this figure, and the consent names
 *   the questions (Consent.questions); a consent that names none allows only what an approval
 *   application or a policy of the enterprise's own asks;
 * - statute: the consortium's rule names the department, the figure and the questions it allows, and
 *   may require an open approval application, inspection or enforcement case, or policy application;
 * - approval: an open approval application of this enterprise with a stage of the asking department;
 *   that stage's privacy checks give figure, question and period (periodAt the application's time);
 * - a published policy's rule, asked by the policy application itself (askRule passes it; a payload
 *   can never claim it).
 * Free parameters outside these are refused with PQ_PARAMS_NOT_ALLOWED, before ordering (the preflight
 * runs raiseQuery) and in the block alike.
 */

export type Basis = { type: 'consent' } | { type: 'statute'; rule: string } | { type: 'approval'; app: string };

/** One question a basis allows; without `period` it may be asked about any period of the figure. */
export interface AllowedQuestion {
  field: string;
  period?: string;
  spec?: QuestionSpec;
  /** a question given exactly (a published policy's rule) */
  exact?: ExactQuestion;
  label?: string;
}

export interface BasisAsk {
  requester: { dept: string };
  enterprise: string;
  basis: Basis;
  origin?: { module: string; ref: string };
}

/** A question fixed by a published policy, passed only by the policy application's own contract code. */
export interface PublishedQuestion {
  period: string;
  predicate: { kind: string; params: Record<string, string> };
  set?: { from: string; to: string };
}

const OPEN_APP: ApplicationRecord['status'][] = ['inProgress', 'returned'];

/** An open approval application of this enterprise in which the asking department owns a stage. */
async function openApplication(state: StateView, id: string, dept: string, enterprise: string): Promise<ApplicationRecord> {
  const app = await state.get<ApplicationRecord>(ak.app(id));
  if (!app || app.code !== enterprise) reject('PQ_NO_BASIS', `no approval application ${id} of this enterprise`, 403);
  if (!OPEN_APP.includes(app.status)) reject('PQ_NO_BASIS', `approval application ${id} is ${app.status}, no longer open`, 403);
  if (!app.stages.some((s) => s.dept === dept)) reject('PQ_NO_BASIS', `${dept} has no stage in approval application ${id}`, 403);
  return app;
}

/** The open case a statute with an origin requires: of the asking department, about this enterprise. */
async function requireOrigin(state: StateView, s: Statute, req: BasisAsk, published: boolean): Promise<void> {
  const o = req.origin;
  const refuse = (why: string) => reject('PQ_NO_BASIS', `rule ${s.id} lets ${s.dept} ask only ${why}`, 403);
  if (s.origin === 'payout') {
    if (!published) refuse('in a policy application\'s own eligibility checks');
    return;
  }
  if (s.origin === 'approval') {
    if (o?.module !== 'approval') return refuse('for an open approval application (origin approval)');
    await openApplication(state, o.ref, req.requester.dept, req.enterprise);
    return;
  }
  if (o?.module === 'case') {
    const c = await state.get<CaseRecord>(ak.case(o.ref));
    if (c && c.code === req.enterprise && c.dept === req.requester.dept && c.status !== 'closed') return;
  } else if (o?.module === 'inspection') {
    const i = await state.get<InspectionRecord>(ak.inspection(o.ref));
    if (i && i.code === req.enterprise && i.dept === req.requester.dept && i.status === 'planned') return;
  }
  refuse('for an open inspection or enforcement case of its own about this enterprise (origin case or inspection)');
}

/**
 * The basis's legal text (for a statute) and the questions it allows about figure `f`. Refuses with
 * PQ_NO_BASIS when the basis does not let this department ask about this figure at all.
 */
export async function allowedFor(state: StateView, cfg: PrivacyRules, f: FieldDef, req: BasisAsk, published?: PublishedQuestion): Promise<{ basisText?: string; allowed: AllowedQuestion[] }> {
  const names = [f.name, ...f.aliases];
  const dept = req.requester.dept;
  const fixed: AllowedQuestion[] = published
    ? [{ field: f.name, period: published.period, exact: { kind: published.predicate.kind as ExactQuestion['kind'], params: published.predicate.params, ...(published.set ? { set: published.set } : {}) } }]
    : [];
  if (req.basis.type === 'consent') {
    const filing = await state.get<FilingRecord>(ak.filing(req.enterprise));
    const consents = filing?.consents.filter((c) => c.dept === dept && names.includes(c.field)) ?? [];
    if (consents.length === 0) reject('PQ_NO_BASIS', `the enterprise has not consented to ${dept} asking about ${f.name}`, 403);
    return { allowed: [...fixed, ...consents.flatMap((c) => (c.questions ?? []).map((spec) => ({ field: f.name, spec, label: c.purpose })))] };
  }
  if (req.basis.type === 'statute') {
    const rule = req.basis.rule;
    const s = cfg.statutes.find((r) => r.id === rule);
    if (!s) reject('PQ_NO_BASIS', `no statutory rule "${rule}" in the consortium's configuration`, 403);
    if (s.dept !== dept || !names.includes(s.field)) reject('PQ_NO_BASIS', `rule ${rule} does not let ${dept} ask about ${f.name}`, 403);
    if (s.origin) await requireOrigin(state, s, req, published !== undefined);
    return { basisText: s.basis, allowed: [...fixed, ...(s.questions ?? []).map((spec) => ({ field: f.name, spec }))] };
  }
  const app = await openApplication(state, req.basis.app, dept, req.enterprise);
  const def = await loadProcess(state, app.process);
  const allowed: AllowedQuestion[] = [];
  for (const stage of def.phases.flatMap((ph) => ph.stages)) {
    if (stage.dept !== dept) continue;
    for (const c of stage.checks) {
      if (c.type !== 'privacy' || findField(cfg, c.field)?.name !== f.name) continue;
      allowed.push({ field: f.name, period: periodAt(f.period, f.kind, app.submittedAt), spec: specOfCheck(c), label: c.label });
    }
  }
  if (allowed.length === 0) reject('PQ_NO_BASIS', `approval application ${app.id} asks ${dept} no question about ${f.name}`, 403);
  return { allowed };
}

/** The exact question an allowed entry stands for, about `period`, asked at `time`. */
export const exactAllowed = (a: AllowedQuestion, period: string, time: number): ExactQuestion => a.exact ?? exactOf(a.spec!, a.period ?? period, time);

/** isValid beside apply: is this question (predicate canonical) one of those the basis allows? */
export function isAllowedQuestion(allowed: AllowedQuestion[], q: { field: string; period: string; predicate: { kind: string; params: Record<string, string> }; set?: { from: string; to: string } }, time: number): boolean {
  return allowed.some((a) => a.field === q.field && (a.period === undefined || a.period === q.period) && sameQuestion(q.predicate, q.set, exactAllowed(a, q.period, time)));
}

/** The questions allowed, in words for a refusal: what the caller could have asked instead. */
export function describeAllowed(allowed: AllowedQuestion[], period: string, time: number): string {
  if (allowed.length === 0) return 'none';
  return allowed
    .map((a) => {
      const e = exactAllowed(a, period, time);
      return `${e.kind} ${e.set ? `${e.set.from}-${e.set.to}` : Object.values(e.params).join('-')}${a.period ? ` (period ${a.period})` : ''}`;
    })
    .join('; ');
}
