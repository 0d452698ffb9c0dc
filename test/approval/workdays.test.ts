import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WorkCalendar } from '../../server/approval/workdays.ts';

/** Deadlines in working days, in China Standard Time, from block time alone. */
describe('working-day calendar', () => {
  const cst = (iso: string) => Date.parse(`${iso}+08:00`);
  const cal = new WorkCalendar();

  test('weekends do not count; the deadline is the end of the n-th working day', () => {
    // Friday 2026-01-09 10:00 + 1 working day = end of Monday 2026-01-12
    assert.equal(cal.dueAt(cst('2026-01-09T10:00:00'), 1), cst('2026-01-12T23:59:59.999'));
    // Monday + 5 = next Monday
    assert.equal(cal.dueAt(cst('2026-01-05T09:00:00'), 5), cst('2026-01-12T23:59:59.999'));
  });

  test('the day is the China day: 23:30 UTC on Friday is already Saturday in Beijing', () => {
    const fridayUtcLate = Date.parse('2026-01-09T23:30:00Z'); // Saturday 07:30 CST
    assert.equal(cal.dueAt(fridayUtcLate, 1), cst('2026-01-12T23:59:59.999'));
  });

  test('holidays rest and make-up weekend days (调休) work', () => {
    const national = new WorkCalendar({ holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'], workdays: ['2026-10-10'] });
    // Wednesday 2026-09-30 + 1 working day: Oct 1-2 holidays, 3-4 weekend, 5-7 holidays, Thu Oct 8
    assert.equal(national.dueAt(cst('2026-09-30T15:00:00'), 1), cst('2026-10-08T23:59:59.999'));
    // Friday Oct 9 + 1: Saturday Oct 10 is a make-up working day
    assert.equal(national.dueAt(cst('2026-10-09T15:00:00'), 1), cst('2026-10-10T23:59:59.999'));
  });

  test('working days between two times', () => {
    assert.equal(cal.between(cst('2026-01-09T10:00:00'), cst('2026-01-12T08:00:00')), 1);
    assert.equal(cal.between(cst('2026-01-05T10:00:00'), cst('2026-01-05T18:00:00')), 0);
    assert.equal(cal.between(cst('2026-01-05T10:00:00'), cst('2026-01-19T18:00:00')), 10);
  });
});
