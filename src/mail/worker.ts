// The mail worker: claims one queued mail at a time with a single atomic findOneAndUpdate (so two
// app instances never both send it), sends it over SMTP, and settles the outcome. A failure puts the
// mail back with a growing delay (30 s, 1 min, 2 min … at most 1 hour) until maxAttempts; a worker
// that dies mid-send leaves a lease that expires, after which another worker takes the mail over.
import crypto from 'node:crypto';
import nodemailer from 'nodemailer';
import { trusted } from 'mongoose';
import type { Config } from '../config';
import type { Clock } from '../core/deps';
import type { Logger } from '../web/logging';
import { Mail } from './mail.model';
import { queueEvents } from './mail.service';

/** What the worker sends through: nodemailer's SMTP transport in the app, anything alike in tests. */
export interface MailTransport {
  sendMail(message: {
    from: string;
    to: { name: string; address: string };
    subject: string;
    text: string;
    html: string;
    headers?: Record<string, string>;
  }): Promise<unknown>;
  close?(): void;
}

/** The SMTP transport of SMTP_URL, with timeouts so that a hung server cannot hold a mail for long. */
export function smtpTransport(smtpUrl: string): MailTransport {
  return nodemailer.createTransport(smtpUrl, {
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  } as never) as unknown as MailTransport;
}

const LEASE_MS = 2 * 60_000;
const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 60 * 60_000;

/** The delay before the next attempt after `attempts` failed ones. */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_RETRY_MS);
}

export interface MailWorkerDeps {
  config: Pick<Config, 'mail'>;
  transport: MailTransport;
  clock?: Clock;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export interface MailWorker {
  /** Sends every mail that is due now; returns how many were sent. */
  runOnce(): Promise<number>;
  /** Polls every MAIL_POLL_SECONDS and whenever this process queues a mail; returns a stop function. */
  start(): () => void;
}

/** A short, secret-free description of a sending error (the SMTP URL may carry a password). */
function describe(error: unknown): string {
  const e = error as { code?: string; responseCode?: number; message?: string };
  return [e.code, e.responseCode, (e.message ?? String(error)).replace(/\/\/[^@\s]*@/g, '//')]
    .filter(Boolean)
    .join(' ')
    .slice(0, 300);
}

export function createMailWorker({
  config,
  transport,
  clock = () => new Date(),
  logger,
}: MailWorkerDeps): MailWorker {
  /** Takes the next due mail (or one whose sender's lease ran out) for this run, atomically. */
  const claimNext = async (claim: string) => {
    const now = clock();
    return Mail.findOneAndUpdate(
      {
        $or: [
          { status: 'queued', nextAttemptAt: trusted({ $lte: now }) },
          { status: 'sending', leaseUntil: trusted({ $lte: now }) },
        ],
      },
      {
        $set: { status: 'sending', claim, leaseUntil: new Date(now.getTime() + LEASE_MS) },
        $inc: { attempts: 1 },
      },
      { sort: { nextAttemptAt: 1, _id: 1 }, new: true },
    ).lean();
  };

  const sendOne = async (): Promise<'sent' | 'failed' | 'none'> => {
    const claim = crypto.randomUUID();
    const mail = await claimNext(claim);
    if (!mail) return 'none';
    try {
      await transport.sendMail({
        from: config.mail.from,
        to: { name: mail.toName ?? '', address: mail.to },
        subject: mail.subject,
        text: mail.text ?? '',
        html: mail.html ?? '',
        headers: { 'Auto-Submitted': 'auto-generated', 'X-BinaASN-Mail': String(mail._id) },
      });
    } catch (error) {
      const isLast = mail.attempts >= config.mail.maxAttempts;
      const next = new Date(clock().getTime() + retryDelayMs(mail.attempts));
      await Mail.updateOne(
        { _id: mail._id, claim },
        isLast
          ? {
              $set: { status: 'failed', lastError: describe(error) },
              $unset: { text: 1, html: 1, claim: 1, leaseUntil: 1 },
            }
          : {
              $set: { status: 'queued', nextAttemptAt: next, lastError: describe(error) },
              $unset: { claim: 1, leaseUntil: 1 },
            },
      );
      logger?.warn(
        { mailId: String(mail._id), attempts: mail.attempts, isLast, error: describe(error) },
        'mail not sent',
      );
      return 'failed';
    }
    // The body may hold a single-use link: once the mail has left, only its subject and status stay.
    await Mail.updateOne(
      { _id: mail._id, claim },
      {
        $set: { status: 'sent', sentAt: clock() },
        $unset: { text: 1, html: 1, claim: 1, leaseUntil: 1, lastError: 1 },
      },
    );
    logger?.info({ mailId: String(mail._id), kind: mail.kind }, 'mail sent');
    return 'sent';
  };

  let running: Promise<number> | undefined;
  let again = false;
  const drain = async (): Promise<number> => {
    let sent = 0;
    // Stop at the first failure: the server is probably down, and the next poll tries again.
    for (;;) {
      const outcome = await sendOne();
      if (outcome !== 'sent') return sent;
      sent += 1;
    }
  };
  const runOnce = (): Promise<number> => {
    if (running) {
      again = true; // a mail queued during a run is taken by one more run right after it
      return running;
    }
    running = drain().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        void runOnce().catch(() => undefined);
      }
    });
    return running;
  };

  const start = () => {
    const tick = () =>
      void runOnce().catch((error: unknown) => logger?.error({ err: error }, 'mail worker failed'));
    const timer = setInterval(tick, config.mail.pollSeconds * 1000);
    timer.unref();
    queueEvents.on('queued', tick);
    tick();
    return () => {
      clearInterval(timer);
      queueEvents.off('queued', tick);
    };
  };

  return { runOnce, start };
}
