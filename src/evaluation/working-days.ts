// Working days in WIB for the SP4N-LAPOR! due dates: Monday to Friday, minus the national holidays
// and cuti bersama that admins keep (holidays.service.ts). Pure, so the unit tests can count by hand.
import { endOfDayWib, wibDay } from '../core/wib';

/**
 * The end of the `days`-th working day after the day of `from` (the day a complaint arrived does not
 * count). A day is a working day when it is neither a Saturday or Sunday nor one of `holidays`
 * (calendar days YYYY-MM-DD in WIB).
 */
export function addWorkingDays(from: Date, days: number, holidays: ReadonlySet<string> = new Set()): Date {
  let day = wibDay(from);
  let left = days;
  while (left > 0) {
    day = wibDay(endOfDayWib(day));
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay(); // the calendar day's own weekday
    if (weekday !== 0 && weekday !== 6 && !holidays.has(day)) left--;
  }
  return new Date(endOfDayWib(day).getTime() - 1);
}
