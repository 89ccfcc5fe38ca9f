// The dashboard's arithmetic without a database: JP bands at their bounds, rates with one decimal
// and "no data" for an empty whole, the twelve WIB months across a year's turn.
import {
  bandOf,
  lastTwelveMonths,
  percent,
  trendOf,
  trendOfRows,
  belowTarget,
  figuresOf,
  type EnrolmentRow,
} from '../../src/monitoring/monitoring.figures';
import { courseFigures } from '../../src/monitoring/course-report';
import type { CourseResult } from '../../src/monitoring/monitoring.sources';

describe('monitoring figures', () => {
  it('counts the same rows again for another moment and another year (counts are kept with the rows)', () => {
    const person = { id: 'p', name: 'P', nip: '', golongan: '', unitKerja: '', opdId: 'o' };
    const rows: readonly EnrolmentRow[] = [
      {
        person: 'p',
        status: 'active',
        source: 'assigned',
        jp: 2,
        enrolledAt: new Date('2026-01-05T03:00:00Z'),
        dueAt: new Date('2026-03-01T17:00:00Z'),
      },
      {
        person: 'p',
        status: 'completed',
        source: 'self',
        jp: 4,
        enrolledAt: new Date('2025-12-20T03:00:00Z'),
        completedAt: new Date('2026-02-10T03:00:00Z'),
      },
    ];
    const before = figuresOf([person], rows, new Map(), 2026, new Date('2026-03-01T16:59:59Z'));
    const after = figuresOf([person], rows, new Map(), 2026, new Date('2026-03-01T17:00:00Z'));
    expect([before.overdue, after.overdue]).toEqual([0, 1]);
    expect([before.enrolled, before.completed]).toEqual([1, 0]);
    const lastYear = figuresOf([person], rows, new Map(), 2025, new Date('2026-03-01T17:00:00Z'));
    expect([lastYear.enrolled, lastYear.completed, lastYear.overdue]).toEqual([1, 1, 1]);
    const march = trendOfRows(rows, new Date('2026-03-15T03:00:00Z'));
    const june = trendOfRows(rows, new Date('2026-06-15T03:00:00Z'));
    expect(march[11].month).toBe('2026-03');
    expect(june[11].month).toBe('2026-06');
    expect(march.find((r) => r.month === '2026-02')).toEqual({
      month: '2026-02',
      enrolled: 0,
      completed: 1,
      jp: 4,
    });
    march[0].enrolled = 99; // a caller's change does not reach the rows kept
    expect(trendOfRows(rows, new Date('2026-03-15T03:00:00Z'))[0].enrolled).toBe(0);
  });

  it('puts JP into the bands 0, 1–9, 10–19 and 20+ at their bounds', () => {
    expect([0, 0.5, 1, 9, 9.5, 10, 19, 19.5, 20, 45].map(bandOf)).toEqual([
      '0',
      '1-9',
      '1-9',
      '1-9',
      '1-9',
      '10-19',
      '10-19',
      '10-19',
      '20+',
      '20+',
    ]);
  });

  it('gives a share with one decimal, and none for an empty whole', () => {
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(2, 3)).toBe(66.7);
    expect(percent(3, 3)).toBe(100);
    expect(percent(0, 0)).toBeNull();
  });

  it('counts the twelve months in WIB, ending with the current one', () => {
    // 31 Dec 2026 17:30 UTC is already 1 Jan 2027 in Medan.
    const months = lastTwelveMonths(new Date('2026-12-31T17:30:00Z'));
    expect(months[0]).toBe('2026-02');
    expect(months[11]).toBe('2027-01');
    expect(months).toHaveLength(12);
  });

  it('files a completion late on 31 December (WIB) under December, and 00:30 WIB on 1 January under January', () => {
    const person = { id: 'p', name: 'P', nip: '', golongan: '', unitKerja: '', opdId: 'o' };
    const rows = trendOf(
      [person],
      [
        {
          person: 'p',
          status: 'completed',
          source: 'self',
          jp: 5,
          enrolledAt: new Date('2025-12-01T03:00:00Z'),
          completedAt: new Date('2025-12-31T16:30:00Z'),
        },
        {
          person: 'p',
          status: 'completed',
          source: 'self',
          jp: 10,
          enrolledAt: new Date('2025-12-01T03:00:00Z'),
          completedAt: new Date('2025-12-31T17:30:00Z'),
        },
        {
          person: 'other',
          status: 'completed',
          source: 'self',
          jp: 7,
          enrolledAt: new Date('2025-12-01T03:00:00Z'),
          completedAt: new Date('2025-12-31T16:30:00Z'),
        },
      ],
      new Date('2026-06-10T03:00:00Z'),
    );
    expect(rows.find((r) => r.month === '2025-12')).toEqual({
      month: '2025-12',
      enrolled: 2,
      completed: 1,
      jp: 5,
    });
    expect(rows.find((r) => r.month === '2026-01')).toEqual({
      month: '2026-01',
      enrolled: 0,
      completed: 1,
      jp: 10,
    });
  });

  it('lists the people under 20 JP by JP, then name; or by name, unit or golongan', () => {
    const people = [
      { id: '1', name: 'Citra', nip: '', golongan: 'III/b', unitKerja: 'A', opdId: 'o' },
      { id: '2', name: 'Budi', nip: '', golongan: 'III/a', unitKerja: 'B', opdId: 'o' },
      { id: '3', name: 'Ani', nip: '', golongan: 'III/c', unitKerja: 'A', opdId: 'o' },
      { id: '4', name: 'Dedi', nip: '', golongan: 'III/a', unitKerja: 'A', opdId: 'o' },
    ];
    const jp = new Map([
      ['1', 4],
      ['2', 4],
      ['3', 20],
    ]);
    expect(belowTarget(people, jp).map((r) => r.name)).toEqual(['Dedi', 'Budi', 'Citra']);
    expect(belowTarget(people, jp, 'name').map((r) => r.name)).toEqual(['Budi', 'Citra', 'Dedi']);
    expect(belowTarget(people, jp, 'unit').map((r) => r.name)).toEqual(['Citra', 'Dedi', 'Budi']);
    expect(belowTarget(people, jp, 'golongan').map((r) => r.name)).toEqual(['Budi', 'Dedi', 'Citra']);
  });
});

describe('the course report figures', () => {
  const lessons = [
    { key: 'l1', title: 'Satu' },
    { key: 'l2', title: 'Dua' },
    { key: 'l3', title: 'Tiga' },
  ];
  const at = (day: number) => new Date(Date.UTC(2026, 0, day, 3));
  const enrolments = [
    {
      person: 'p1',
      status: 'completed' as const,
      enrolledAt: at(1),
      completedAt: at(5),
      doneLessons: ['l1', 'l2', 'l3'],
    },
    {
      person: 'p2',
      status: 'completed' as const,
      enrolledAt: at(1),
      completedAt: at(11),
      doneLessons: ['l1', 'l2', 'l3'],
    },
    { person: 'p3', status: 'active' as const, enrolledAt: at(2), doneLessons: ['l1'] },
    // Did lesson 3 first: stops at the first lesson not done, lesson 1.
    { person: 'p4', status: 'active' as const, enrolledAt: at(2), doneLessons: ['l3'] },
  ];
  const result = (personId: string, fields: Partial<CourseResult>): CourseResult => ({
    personId,
    courseId: 'c',
    ...fields,
  });

  it('counts completion, score, pass rate, gain, time to complete and the lesson where each learner stops', () => {
    const f = courseFigures(lessons, enrolments, [
      result('p1', { scorePercent: 90, passed: true, prePercent: 40, postPercent: 90 }),
      result('p2', { scorePercent: 60, passed: false, prePercent: 60, postPercent: 60 }),
      result('p3', { prePercent: 20 }),
      // Not enrolled in the figures given (another year): left out.
      result('p9', { scorePercent: 10, passed: false, prePercent: 0, postPercent: 10 }),
    ]);
    expect(f.enrolled).toBe(4);
    expect(f.completed).toBe(2);
    expect(f.completionRate).toBe(50);
    expect(f.averageScore).toBe(75); // (90 + 60) / 2
    expect(f.scored).toBe(2);
    expect(f.passRate).toBe(50);
    // Both tests: p1 and p2. Means 50 → 75: +25 points, g = 25 / 50 = 0.5.
    expect(f.gain).toEqual({ people: 2, pre: 50, post: 75, points: 25, normalised: 0.5 });
    // 4 and 10 days: median 7, mean 7.
    expect(f.time).toEqual({ completed: 2, medianDays: 7, meanDays: 7 });
    expect(f.lessons.map((l) => [l.key, l.doneBy, l.stoppedHere])).toEqual([
      ['l1', 3, 1],
      ['l2', 2, 1],
      ['l3', 3, 0],
    ]);
  });

  it('shows no rate, score or gain without data', () => {
    const f = courseFigures(lessons, [], []);
    expect([f.completionRate, f.averageScore, f.passRate, f.gain.points, f.time.medianDays]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});
