// Forgotten password: a person gives their NIP or email and, if an active account with an email
// answers to it, gets a single-use link (PASSWORD_RESET_MINUTES). The caller always shows the same
// answer; requests are counted per account (the sign-in throttle's counters, under their own key),
// so a flood of requests sends at most PASSWORD_RESET_MAX_PER_ACCOUNT mails an hour.
import type { Config } from '../config';
import { audit, type AuditContext } from '../audit';
import { throttle } from '../auth';
import { mail } from '../mail';
import { canonicalIdentifier, credentials } from '../users';
import { issueLink } from './password-links.service';

const HOUR_MS = 3_600_000;

export type RecoveryConfig = Pick<Config, 'baseUrl' | 'mail'>;

/** What happened (for tests and logs only: the page says the same thing in every case). */
export type RecoveryOutcome = 'sent' | 'unknown' | 'limited';

export interface RecoveryRequest {
  outcome: RecoveryOutcome;
  /**
   * Writes the link and its mail. The page calls it once its answer has been sent, so a known
   * account does no more work before answering than an unknown one.
   */
  deliver(): Promise<void>;
}

const NOTHING = () => Promise.resolve();

export async function requestPasswordReset(
  identifier: string,
  config: RecoveryConfig,
  now: Date,
  context: AuditContext = {},
): Promise<RecoveryRequest> {
  const canonical = canonicalIdentifier(identifier);
  const filter = canonical.includes('@') ? { email: canonical } : { nip: canonical };
  const account = canonical ? await credentials.recoveryAccount(filter) : undefined;
  // The NIP and the email of one person share a counter; an unknown identifier has its own, so
  // both paths do the same work.
  const key = throttle.accountKey(`reset:${account ? `user:${account.id}` : canonical}`);
  const rule = { max: config.mail.passwordResetMaxPerAccount, windowMs: HOUR_MS, lockMs: HOUR_MS };
  const counted = await throttle.countEvent(key, now, rule);
  if (!account) return { outcome: 'unknown', deliver: NOTHING };
  if (counted.count > rule.max) return { outcome: 'limited', deliver: NOTHING };
  return { outcome: 'sent', deliver: () => sendResetLink(account, config, now, context) };
}

async function sendResetLink(
  account: NonNullable<Awaited<ReturnType<typeof credentials.recoveryAccount>>>,
  config: RecoveryConfig,
  now: Date,
  context: AuditContext,
): Promise<void> {
  const minutes = config.mail.passwordResetMinutes;
  const link = await issueLink(account.id, 'reset', minutes * 60_000, now);
  await mail.enqueue(
    config,
    { personId: account.id, email: account.email, name: account.name, language: account.language },
    'passwordReset',
    { token: link.token, minutes },
    { now },
  );
  await audit.record(
    null,
    {
      action: 'user.password.recoveryRequested',
      targetType: 'user',
      targetId: account.id,
      targetLabel: account.name,
    },
    context,
  );
}
