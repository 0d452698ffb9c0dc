import type { Knex } from 'knex';
import type { SessionUser } from '../../../shared/sessionUser.ts';
import type { PrivacyPort } from '../privacy.ts';
import type { CaseRecord } from '../records.ts';
import type { DossierSection } from '../schema.ts';
import * as q from './queries.ts';
import { isAuditor } from '../../chain/readAccess.ts';

/**
 * One enterprise's cross-department dossier (一键调取), cut to the sections the viewer is
 * entitled to. A handful of primary-key and indexed lookups, so it stays fast at any size.
 * `now` is the latest block time, used to flag overdue stages and expired licences the same
 * way on every node.
 */
export async function buildDossier(db: Knex, code: string, sections: DossierSection[], viewer: SessionUser, privacy: PrivacyPort, now: number) {
  const has = (s: DossierSection) => sections.includes(s);
  const ent = await q.enterprise(db, code);
  if (!ent) return undefined;
  const out: Record<string, unknown> = {
    enterprise: { code: ent.code, name: ent.name, status: ent.status, registeredAt: ent.registeredAt },
    sections,
    asOf: now,
  };
  if (has('profile') || has('materials')) {
    const f = await q.filing(db, code);
    if (has('profile')) {
      out.filing = f
        ? {
            version: f.version,
            filedAt: f.filedAt,
            updatedAt: f.updatedAt,
            profile: has('contacts') ? f.profile : { ...f.profile, contacts: [], legalRepresentative: undefined },
            // who the contacts are sealed to, and whether this department can read them
            sealed: f.sealed,
            commitments: f.commitments.map((c) => ({ id: c.id, title: c.title })),
            consents: f.consents,
          }
        : null;
    }
    if (has('materials')) out.materials = f?.materials ?? [];
  }
  if (has('licences')) out.licences = (await q.licencesOf(db, code)).map((l) => ({ ...l, expired: l.status === 'valid' && l.validTo < now }));
  if (has('approvals')) {
    out.approvals = (await q.applicationsOf(db, code)).map((a) => ({
      id: a.id,
      process: a.process,
      processName: a.processName,
      project: a.project,
      status: a.status,
      submittedAt: a.submittedAt,
      decidedAt: a.decidedAt ?? null,
      commitment: a.commitment && { granted: a.commitment.granted, reason: a.commitment.reason, honoured: a.commitment.honoured ?? null, postCheck: a.commitment.postCheck ?? null },
      stages: a.stages.map((s) => ({
        id: s.id,
        name: s.name,
        dept: s.dept,
        status: s.status,
        dueAt: s.dueAt ?? null,
        overdue: q.isOverdue(a, s, now),
        decisions: s.decisions.map((d) => ({ decision: d.decision, by: d.by, time: d.time, opinion: d.opinion, late: d.late })),
      })),
    }));
  }
  if (has('inspections')) out.inspections = await q.inspectionsOf(db, code);
  if (has('cases')) out.cases = (await q.casesOf(db, code)).map((c) => caseView(c, has('caseDetails') && (viewer.role === 'enterprise' || isAuditor(viewer) || viewer.dept === c.dept)));
  if (has('credit')) {
    const s = await q.credit(db, code);
    out.credit = s ? { total: s.total, grade: s.grade, weightsVersion: s.weightsVersion, computedAt: s.computedAt, trigger: s.trigger, dimensions: s.dimensions, history: await q.creditHistory(db, code) } : null;
  }
  if (has('privacy')) out.privacyAnswers = await privacy.answersFor(db, code, viewer);
  if (has('views')) out.views = await q.viewsOf(db, code);
  return out;
}

/** A case as others see it: what was decided and on which legal basis; the reasoning stays with its department. */
function caseView(c: CaseRecord, details: boolean) {
  const d = c.decision;
  return {
    id: c.id,
    dept: c.dept,
    status: c.status,
    subject: c.subject,
    ...(c.category ? { category: c.category } : {}),
    severity: c.severity,
    openedAt: c.openedAt,
    origin: c.origin,
    decision: d ? { type: d.type, penaltyFen: d.penaltyFen, legalBasis: d.legalBasis, time: d.time, ...(details ? { opinion: d.opinion, by: d.by } : {}) } : null,
    closure: c.closure ? { outcome: c.closure.outcome, time: c.closure.time, ...(details ? { note: c.closure.note ?? null } : {}) } : null,
  };
}
