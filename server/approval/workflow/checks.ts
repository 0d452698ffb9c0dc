import type { StateView } from '../../chain/state.ts';
import { currentScore } from '../credit/facts.ts';
import { gradeAtLeast } from '../credit/score.ts';
import type { CheckSubject, PrivacyPort } from '../privacy.ts';
import type { CheckDef } from '../processes.ts';
import type { CheckResult } from '../records.ts';
import { ak } from '../stateKeys.ts';

/**
 * Evaluates a stage's checks against state at this moment. Credit grades come from the score on
 * the chain; privacy predicates from the privacy-query answers, or "pending" until there is one.
 */
export async function evaluateChecks(state: StateView, privacy: PrivacyPort, subject: CheckSubject, checks: CheckDef[]): Promise<CheckResult[]> {
  const code = subject.code;
  const out: CheckResult[] = [];
  for (const c of checks) {
    if (c.type === 'creditGrade') {
      const s = await currentScore(state, code);
      const grade = s?.grade ?? 'D';
      out.push({
        type: 'creditGrade',
        label: `信用等级不低于${c.min} / credit grade at least ${c.min}`,
        status: gradeAtLeast(grade, c.min) ? 'passed' : 'failed',
        blocking: c.blocking,
        detail: s ? `grade ${grade}, score ${s.total}` : 'no score yet',
        ref: ak.creditScore(code),
      });
    } else {
      const a = await privacy.answer(state, subject, c);
      out.push({
        type: 'privacy',
        label: c.label,
        status: a ? (a.answer ? 'passed' : 'failed') : 'pending',
        blocking: c.blocking,
        detail: a ? `answered ${a.answer ? 'yes' : 'no'}` : `待隐私问询 pending privacy query to ${c.dept}: ${c.field} ${c.op} ${c.value}`,
        ...(a ? { ref: a.ref } : {}),
      });
    }
  }
  return out;
}

export const blockingFailures = (results: CheckResult[]): CheckResult[] => results.filter((r) => r.blocking && r.status === 'failed');
