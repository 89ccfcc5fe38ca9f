// Notifications about a person's learning: in the app (the list at /notifikasi and the unread count
// in the header) and, through the notifications feature's seam, by mail. A notice's `key` is unique:
// inserting it is the claim, so a reminder found by two schedulers at once is created (and mailed)
// by exactly one of them.
import { Types, type ClientSession } from 'mongoose';
import type { Actor } from '../core/actor';
import { paginate } from '../db/pagination';
import { notifications, type LearnerNoticeKind } from '../notifications';
import { learningConfig } from './learning.context';
import { WatchedCache } from '../db/watched-cache';
import { NoticeCounter, Notification, type NotificationKind } from './enrolment.model';

/**
 * The unread count of each person, shown in the header of every page: kept in memory and forgotten
 * the moment any app instance changes that person's counter (its change stream), so a page reads
 * no count from the database.
 */
const unreadCounts = new WatchedCache<number>('noticecounters', 50_000);

async function countUnread(person: string | Types.ObjectId, by: number, session?: ClientSession) {
  const filter = { _id: new Types.ObjectId(String(person)) };
  try {
    await NoticeCounter.updateOne(filter, { $inc: { unread: by } }, { upsert: true, session });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    await NoticeCounter.updateOne(filter, { $inc: { unread: by } }, { session }); // a parallel upsert created it
  }
  unreadCounts.forget(String(person));
}

export const isDuplicateKey = (error: unknown) => (error as { code?: number } | null)?.code === 11000;

export interface NoticeInput {
  person: string | Types.ObjectId;
  kind: NotificationKind;
  key: string;
  enrolment?: string | Types.ObjectId;
  course?: string | Types.ObjectId;
  courseTitle: string;
  dueAt?: Date | null;
  jp?: number;
}

/** Creates the notice unless one with its key exists; true when this call created it. */
export async function createNotice(input: NoticeInput, now: Date, session?: ClientSession): Promise<boolean> {
  try {
    await Notification.create([{ ...input, dueAt: input.dueAt ?? undefined, createdAt: now }], { session });
    await countUnread(input.person, 1, session);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/**
 * Hands a notice to the mail feature (which honours the person's switches at /akun/notifikasi and
 * sends each person, kind and occasion once). A mail that cannot be queued never undoes the learning.
 */
export async function mailNotice(
  kind: LearnerNoticeKind,
  personId: string | Types.ObjectId,
  data: { course: string; href: string; dueAt?: Date | null },
  occasion: string,
  now: Date,
): Promise<void> {
  const config = learningConfig();
  if (!config) return;
  const payload = { course: data.course, href: data.href, ...(data.dueAt ? { dueAt: data.dueAt } : {}) };
  await notifications
    .notify(config, personId, kind, payload as never, { now, occasion })
    .catch(() => undefined);
}

/** What the certificates feature tells once a certificate was issued and committed. */
export interface CertificateReadyEvent {
  certificateId: string;
  personId: string;
  courseId: string;
  courseTitle: string;
  issuedAt: Date;
}

/**
 * "Your certificate is ready": the in-app notice and the mail (once per certificate, however often
 * it is told; a reissued certificate is a new one, so its holder hears of it too). Called after the
 * issuing transaction committed, never inside it.
 */
export async function noticeCertificateReady(event: CertificateReadyEvent): Promise<void> {
  const created = await createNotice(
    {
      person: event.personId,
      kind: 'certificateReady',
      key: `certificateReady:${event.certificateId}`,
      course: event.courseId,
      courseTitle: event.courseTitle,
    },
    event.issuedAt,
  );
  if (!created) return;
  await mailNotice(
    'certificateReady',
    event.personId,
    { course: event.courseTitle, href: '/sertifikat' },
    event.certificateId,
    event.issuedAt,
  );
}

export async function unreadCount(personId: string): Promise<number> {
  if (!/^[0-9a-f]{24}$/i.test(personId)) return 0;
  return unreadCounts.get(personId, async () => {
    const counter = await NoticeCounter.findById(personId, { unread: 1 }).lean();
    return Math.max(0, counter?.unread ?? 0);
  });
}

export async function noticesFor(actor: Actor, page: number | undefined) {
  const filter = { person: new Types.ObjectId(actor.id) };
  return paginate(
    page,
    25,
    () => Notification.countDocuments(filter),
    (skip, limit) =>
      Notification.find(filter).sort({ createdAt: -1, _id: -1 }).skip(skip).limit(limit).lean(),
  );
}

export async function markAllRead(actor: Actor, now: Date): Promise<number> {
  const result = await Notification.updateMany(
    { person: new Types.ObjectId(actor.id), readAt: null },
    { $set: { readAt: now } },
  );
  await NoticeCounter.updateOne(
    { _id: new Types.ObjectId(actor.id) },
    { $set: { unread: 0 } },
    { upsert: true },
  );
  unreadCounts.forget(actor.id);
  return result.modifiedCount;
}

/** "Data saya": the person's notices. */
export async function noticesOf(personId: string) {
  const rows = await Notification.find({ person: new Types.ObjectId(personId) })
    .sort({ createdAt: -1 })
    .limit(1000)
    .lean();
  return rows.map((n) => ({ kind: n.kind, course: n.courseTitle, createdAt: n.createdAt, readAt: n.readAt }));
}
