import type { ModulePort } from '../../chain/modulePort.ts';
import { findField, type PrivacyRules } from '../config.ts';
import { effectiveStatus, type QueryRecord, type QueryStatus } from '../raise.ts';
import type { QueryRow } from '../readModel/queries.ts';
import type { PredicateInput } from '../zk/predicates.ts';

const fen = (s: string) => {
  const v = BigInt(s);
  return `¥${(v / 100n).toLocaleString('en-US')}.${(v % 100n).toString().padStart(2, '0')}`;
};

/** The question in words, for lists and the dossier (never anything but what the chain already shows). */
export function describe(cfg: PrivacyRules, field: string, period: string, predicate: PredicateInput, set?: { from: string; to: string }): string {
  const f = findField(cfg, field);
  const label = f?.label ?? field;
  const fmt = (x: unknown) => (f?.unit === 'fen' ? fen(String(x)) : `${String(x)}${f?.unit === 'persons' ? '人' : ''}`);
  const p = predicate.params as Record<string, unknown>;
  switch (predicate.kind) {
    case 'gte':
      return `${period} ${label} ≥ ${fmt(p.threshold)}`;
    case 'lte':
      return `${period} ${label} ≤ ${fmt(p.threshold)}`;
    case 'range':
      return `${period} ${label} 在 ${fmt(p.lower)} 至 ${fmt(p.upper)} 之间`;
    case 'eq':
      return `${period} ${label} = ${fmt(p.target)}`;
    case 'dateValid':
      return `${label}在 ${String(p.date)} 有效`;
    case 'notInSet':
      return `${set?.from ?? '?'} 至 ${set?.to ?? period} 期间无${label}`;
    case 'inSet':
      return `${set?.from ?? '?'} 至 ${set?.to ?? period} 期间有${label}`;
  }
}

export function rowView(r: QueryRow, height: number) {
  const status: QueryStatus = r.status === 'open' && height > r.expires_at_height ? 'expired' : (r.status as QueryStatus);
  return {
    id: r.id,
    requester: { dept: r.requester_dept, id: r.requester_id },
    holder: r.holder,
    enterprise: r.enterprise,
    field: r.field,
    period: r.period,
    status,
    askedHeight: r.asked_height,
    askedAt: Number(r.asked_at),
    expiresAtHeight: r.expires_at_height,
    answer: r.answer === null ? undefined : Boolean(r.answer),
    answeredHeight: r.answered_height ?? undefined,
    origin: r.origin_module ? { module: r.origin_module, ref: r.origin_ref } : undefined,
  };
}

/** One query as its requester, holder or an auditor sees it: the question, the answer, the proof and how sure it is. */
export function queryView(q: QueryRecord, node: ModulePort, cfg: PrivacyRules) {
  const final = q.answeredHeight !== undefined && q.answeredHeight <= node.finalHeight;
  const status = effectiveStatus(q, node.height);
  return {
    ...q,
    status,
    question: describe(cfg, q.field, q.period, q.predicate, q.set),
    verification:
      status === 'answered'
        ? { verified: q.verified === true, final, label: final ? '已由零知识证明验证 / verified by proof' : '证明已验证，待最终确认 / proof verified, awaiting finality' }
        : { verified: false, final: false, label: '尚无答复 / no answer' },
  };
}
