import type { ApprovalRules } from '../rules.ts';
import type { Finding, Severity } from '../schema.ts';

const RANK: Record<Severity, number> = { minor: 1, major: 2, severe: 3 };

/**
 * The consortium's rule (approval rules, set by genesis or governance): a finding opens an
 * enforcement case when the inspector asks for one, or when it is at least as severe as the
 * configured minimum.
 */
export const opensCase = (f: Finding, rules: ApprovalRules): boolean => f.enforce === true || RANK[f.severity] >= RANK[rules.enforcement.minSeverity];
