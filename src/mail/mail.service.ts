// The mail queue: features hand a message to `enqueue`, which renders it in the recipient's language
// and stores it; the worker (worker.ts) sends it. With no SMTP server configured (development), the
// mail is kept for the admin outbox instead. Enqueueing is one insert: a page never waits for SMTP.
import { EventEmitter } from 'node:events';
import { trusted, Types } from 'mongoose';
import type { Config } from '../config';
import type { Language } from '../core/roles';
import { paginate } from '../db/pagination';
import { duplicateKeyField } from '../db/duplicate-key';
import { NotFound } from '../web/errors';
import { Mail } from './mail.model';
import { renderMessage, type MessageKind } from './messages';

export type MailConfig = Pick<Config, 'baseUrl' | 'mail'>;

export interface Recipient {
  /** The person's id, when the recipient is a person of BinaASN ("Data saya" lists their mails). */
  personId?: string;
  email: string;
  name: string;
  language: Language;
}

/** Told when a mail is queued, so a worker in this process sends it at once instead of at its next poll. */
export const queueEvents = new EventEmitter();

/**
 * Renders and stores one mail; returns its id, or undefined when a mail with the same dedupeKey
 * exists (a reminder is sent once per person and occasion).
 */
export async function enqueue(
  config: MailConfig,
  recipient: Recipient,
  kind: MessageKind,
  data: unknown,
  options: { now: Date; dedupeKey?: string },
): Promise<string | undefined> {
  const rendered = await renderMessage(kind, data, recipient, config.baseUrl);
  const isSmtp = !!config.mail.smtpUrl;
  try {
    const mail = await Mail.create({
      person: recipient.personId,
      to: recipient.email,
      toName: recipient.name,
      kind,
      language: recipient.language,
      ...rendered,
      status: isSmtp ? 'queued' : 'outbox',
      nextAttemptAt: isSmtp ? options.now : undefined,
      dedupeKey: options.dedupeKey,
      createdAt: options.now,
    });
    if (isSmtp) queueEvents.emit('queued');
    return String(mail._id);
  } catch (error) {
    if (duplicateKeyField(error, ['dedupeKey'] as const)) return undefined;
    throw error;
  }
}

export const OUTBOX_PAGE_SIZE = 50;

/** The outbox, newest first: who, subject, kind, status (the admin page; bodies on each mail's page). */
export async function listOutbox(page: number) {
  return paginate(
    page,
    OUTBOX_PAGE_SIZE,
    () => Mail.countDocuments({}),
    (skip, limit) =>
      Mail.find({})
        .select('to toName kind subject status attempts createdAt sentAt')
        .sort({ createdAt: -1, _id: -1 })
        .skip(skip)
        .limit(limit)
        .lean(),
  );
}

/** One mail with its text body (while it is kept), and the site links in it. */
export async function outboxMail(id: string, baseUrl: string) {
  const mail = Types.ObjectId.isValid(id)
    ? await Mail.findById(id)
        .select('to toName kind subject status attempts lastError text createdAt sentAt')
        .lean()
    : null;
  if (!mail) throw new NotFound('mail');
  // Only a kept (development) mail shows its body: a queued one may hold a live link for someone else.
  const text = mail.status === 'outbox' ? (mail.text ?? '') : '';
  const links = text.split(/\s+/).filter((word) => word.startsWith(`${baseUrl}/`));
  return { ...mail, text, links: [...new Set(links)] };
}

/** The mails sent (or queued, or kept) for this person: the "Data saya" section. */
export async function mailsTo(personId: string) {
  if (!Types.ObjectId.isValid(personId)) return [];
  const mails = await Mail.find({ person: personId })
    .select('to kind subject status createdAt sentAt')
    .sort({ createdAt: -1 })
    .lean();
  return mails.map((m) => ({
    at: m.createdAt,
    to: m.to,
    kind: m.kind,
    subject: m.subject,
    status: m.status,
    sentAt: m.sentAt ?? null,
  }));
}

/** Deletes mails created before `before`, whatever their status: used only by the retention job. */
export async function purgeOlderThan(before: Date): Promise<number> {
  const result = await Mail.deleteMany({ createdAt: trusted({ $lt: before }) });
  return result.deletedCount ?? 0;
}

/** How many mails of each status there are (tests and the outbox heading). */
export async function countByStatus(): Promise<Record<string, number>> {
  const rows = await Mail.aggregate<{ _id: string; n: number }>([
    { $group: { _id: '$status', n: { $sum: 1 } } },
  ]);
  return Object.fromEntries(rows.map((r) => [r._id, r.n]));
}
