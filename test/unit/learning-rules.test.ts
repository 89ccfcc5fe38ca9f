// The learning feature's arithmetic without a database: percent done (rounded down, 100 only when
// all is done), days left to a due day in WIB, and the WIB calendar year of a completion.
import { percentOf } from '../../src/learning/course-content';
import { wibYear } from '../../src/learning/completion';
import { daysLeft, JP_TARGET } from '../../src/learning/my-learning.service';
import { endOfDayWib } from '../../src/core/wib';

describe('progress arithmetic', () => {
  it('rounds down, so 100 % means every lesson is done', () => {
    expect(percentOf(0, 3)).toBe(0);
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(2, 3)).toBe(66);
    expect(percentOf(3, 3)).toBe(100);
    expect(percentOf(99, 100)).toBe(99);
    expect(percentOf(5, 3)).toBe(100); // never above 100
    expect(percentOf(0, 0)).toBe(0); // an empty course is not done
  });
});

describe('WIB dates', () => {
  it('credits a completion to the WIB calendar year', () => {
    expect(wibYear(new Date('2026-12-31T16:59:00Z'))).toBe(2026); // 23:59 WIB
    expect(wibYear(new Date('2026-12-31T17:01:00Z'))).toBe(2027); // 00:01 WIB on 1 January
    expect(JP_TARGET).toBe(20);
  });

  it('counts whole WIB days to the due day (negative when overdue)', () => {
    const due = endOfDayWib('2026-06-20');
    expect(daysLeft(due, new Date('2026-06-10T03:00:00Z'))).toBe(10);
    expect(daysLeft(due, new Date('2026-06-20T16:00:00Z'))).toBe(0); // 23:00 WIB on the due day
    expect(daysLeft(due, new Date('2026-06-20T17:30:00Z'))).toBe(-1); // 00:30 WIB the day after
    expect(daysLeft(due, new Date('2026-06-19T18:00:00Z'))).toBe(0); // 01:00 WIB on the due day
  });
});
