// TOTP (RFC 6238) through the maintained `otpauth` library, with the parameters every authenticator
// app expects: HMAC-SHA-1, 30-second steps, 6 digits. This wrapper adds only our policy: one step
// of clock drift either way, and never a step at or before the last one used (no replay).
import { HOTP, Secret, TOTP } from 'otpauth';

const ALGORITHM = 'SHA1';
const STEP_SECONDS = 30;
const DIGITS = 6;
const DRIFT_STEPS = 1;

/** A new secret: 160 random bits (RFC 4226's recommended size), in base32 as apps read it. */
export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** Whether text is a base32 secret the library can use (stored secrets are checked before use). */
export function isTotpSecret(text: string): boolean {
  if (!/^[A-Z2-7]{16,128}$/.test(text)) return false;
  try {
    return Secret.fromBase32(text).bytes.length >= 10;
  } catch {
    return false;
  }
}

export function timeStepOf(date: Date): number {
  return TOTP.counter({ period: STEP_SECONDS, timestamp: date.getTime() });
}

/** The code for `date` (tests and the enrolment check use it). */
export function totpCode(secret: string, date: Date): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: STEP_SECONDS,
    timestamp: date.getTime(),
  });
}

/**
 * The time step a code belongs to, accepting one step of clock drift either way, and never a step
 * at or before `afterStep` (a code once used cannot be replayed); undefined when it does not match.
 * The library compares in constant time; every candidate step is checked, so the time taken does
 * not tell which step matched.
 */
export function matchTotp(secret: string, code: string, now: Date, afterStep?: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const key = Secret.fromBase32(secret);
  const current = timeStepOf(now);
  let matched: number | undefined;
  for (let delta = -DRIFT_STEPS; delta <= DRIFT_STEPS; delta++) {
    const step = current + delta;
    const isMatch =
      HOTP.validate({
        token: code,
        secret: key,
        algorithm: ALGORITHM,
        digits: DIGITS,
        counter: step,
        window: 0,
      }) === 0;
    if (isMatch && (afterStep === undefined || step > afterStep) && matched === undefined) matched = step;
  }
  return matched;
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(issuer: string, label: string, secret: string): string {
  return new TOTP({
    issuer,
    label,
    secret: Secret.fromBase32(secret),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: STEP_SECONDS,
  }).toString();
}
