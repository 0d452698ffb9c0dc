/**
 * Working days, computed from block time only (so every node flags the same stages overdue).
 * Days are calendar days in China Standard Time (UTC+8, no daylight saving). Saturdays and
 * Sundays are rest days, unless listed as make-up working days (调休); listed holidays rest.
 */
const DAY = 86_400_000;
const CST = 8 * 3_600_000;

export interface Calendar {
  /** 'YYYY-MM-DD' public holidays */
  holidays: string[];
  /** 'YYYY-MM-DD' weekend days that are working days (调休上班) */
  workdays: string[];
}

export const dayOf = (time: number): number => Math.floor((time + CST) / DAY);

export function dayOfIso(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / DAY;
}

/** 0 = Sunday. 1970-01-01 was a Thursday. */
const weekday = (day: number): number => (((day + 4) % 7) + 7) % 7;

export class WorkCalendar {
  private readonly holidays: Set<number>;
  private readonly workdays: Set<number>;

  constructor(c: Calendar = { holidays: [], workdays: [] }) {
    this.holidays = new Set(c.holidays.map(dayOfIso));
    this.workdays = new Set(c.workdays.map(dayOfIso));
  }

  isWorkingDay(day: number): boolean {
    if (this.workdays.has(day)) return true;
    if (this.holidays.has(day)) return false;
    const w = weekday(day);
    return w !== 0 && w !== 6;
  }

  /** The last millisecond of the n-th working day after the day of `start` (the day itself does not count). */
  dueAt(start: number, n: number): number {
    let day = dayOf(start);
    for (let counted = 0; counted < n; ) {
      day++;
      if (this.isWorkingDay(day)) counted++;
    }
    return (day + 1) * DAY - CST - 1;
  }

  /** Working days from the day after `from` up to and including the day of `to` (0 if to <= from). */
  between(from: number, to: number): number {
    let n = 0;
    for (let day = dayOf(from) + 1; day <= dayOf(to); day++) if (this.isWorkingDay(day)) n++;
    return n;
  }
}
