// Reminders about assignments: "due in 7 days" and "overdue", once per assignment and due date,
// in the app and by mail; and the weekly digest of overdue assignments for the HR of each OPD. Run
// by the server's scheduler (every REMINDER_INTERVAL_MINUTES) and by `npm run reminders`. Any
// number of them may run at once: each reminder is claimed by inserting its notice under a unique
// key, so exactly one run creates it and mails it; the digest is sent once per HR person and week.
import { trusted } from 'mongoose';
import type { Config } from '../config';
import { institutionRefs } from '../institutions';
import { notifications } from '../notifications';
import { hrStaffOf } from '../users';
import { Enrolment } from './enrolment.model';
import { createNotice, mailNotice } from './notices.service';

const DAY = 86_400_000;
export const DUE_SOON_DAYS = 7;

export interface ReminderReport {
  dueSoon: number;
  overdue: number;
  digests: number;
}

async function remind(
  kind: 'dueSoon' | 'overdue',
  filter: Record<string, unknown>,
  now: Date,
): Promise<number> {
  const rows = await Enrolment.find({ status: 'active', source: 'assigned', ...filter })
    .select('person course courseTitle dueAt')
    .limit(20_000)
    .lean();
  let sent = 0;
  for (const e of rows) {
    const occasion = `${String(e._id)}:${e.dueAt!.getTime()}`;
    const claimed = await createNotice(
      {
        person: e.person,
        kind,
        key: `${kind}:${occasion}`,
        enrolment: e._id,
        course: e.course,
        courseTitle: e.courseTitle,
        dueAt: e.dueAt,
      },
      now,
    );
    if (!claimed) continue;
    sent++;
    await mailNotice(
      kind,
      e.person,
      { course: e.courseTitle, href: `/kursus/${String(e.course)}`, dueAt: e.dueAt },
      occasion,
      now,
    );
  }
  return sent;
}

/** The HR of each OPD with overdue assignments get this week's digest (names and courses only). */
async function digests(config: Pick<Config, 'baseUrl' | 'mail'>, now: Date): Promise<number> {
  const overdue = await Enrolment.find({
    status: 'active',
    source: 'assigned',
    dueAt: trusted({ $lte: now }),
  })
    .select('opd courseTitle dueAt')
    .populate<{ person: { name: string } }>('person', 'name')
    .sort({ dueAt: 1 })
    .limit(20_000)
    .lean();
  const byOpd = new Map<string, typeof overdue>();
  for (const e of overdue) {
    if (!e.opd) continue;
    const list = byOpd.get(String(e.opd)) ?? [];
    list.push(e);
    byOpd.set(String(e.opd), list);
  }
  const names = await institutionRefs([...byOpd.keys()]);
  let sent = 0;
  for (const [opd, list] of byOpd) {
    const data = {
      opd: names.get(opd)?.name ?? '',
      total: list.length,
      rows: list
        .slice(0, 50)
        .map((e) => ({ person: e.person?.name ?? '', course: e.courseTitle, dueAt: e.dueAt! })),
    };
    for (const hr of await hrStaffOf(opd))
      if ((await notifications.weeklyDigest(config, hr.id, data, now).catch(() => 'failed')) === 'queued')
        sent++;
  }
  return sent;
}

export async function runReminders(
  config: Pick<Config, 'baseUrl' | 'mail'>,
  now: Date,
): Promise<ReminderReport> {
  const dueSoon = await remind(
    'dueSoon',
    { dueAt: trusted({ $gt: now, $lte: new Date(now.getTime() + DUE_SOON_DAYS * DAY) }) },
    now,
  );
  const overdue = await remind('overdue', { dueAt: trusted({ $lte: now }) }, now);
  return { dueSoon, overdue, digests: await digests(config, now) };
}
