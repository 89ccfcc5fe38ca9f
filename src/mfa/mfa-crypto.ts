// The second factor's secrets at rest. TOTP secrets are sealed with AES-256-GCM under a key derived
// from MFA_ENCRYPTION_KEY, bound to the person (and to their purpose) as associated data, so a
// sealed secret copied onto another account or from a session into the users collection does not
// open. Recovery codes are stored as HMAC-SHA-256 under a second derived key (a pepper that never
// sits in the database), so a stolen users collection alone cannot test guesses offline.
import crypto from 'node:crypto';

export interface MfaKeys {
  readonly encryption: Buffer;
  readonly pepper: Buffer;
}

/** Where a sealed secret lives; part of its associated data. */
export type SecretPurpose = 'enrolled' | 'pending';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The two working keys, derived once (HKDF-SHA-256) from the configured 32-byte key. */
export function mfaKeys(masterKey: Buffer): MfaKeys {
  if (masterKey.length !== 32) throw new Error('MFA key must be 32 bytes');
  const derive = (info: string) =>
    Buffer.from(crypto.hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
  return { encryption: derive('binaasn mfa totp-secret v1'), pepper: derive('binaasn mfa recovery-code v1') };
}

const associatedData = (userId: string, purpose: SecretPurpose) =>
  Buffer.from(`binaasn:mfa:${purpose}:${userId}`);

/** Whether a stored value is a sealed secret (base32 never contains ':', so a legacy plain one never looks sealed). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(`${VERSION}:`);
}

/** `v1:` + base64url(iv ‖ ciphertext ‖ tag). */
export function sealSecret(keys: MfaKeys, userId: string, purpose: SecretPurpose, secret: string): string {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', keys.encryption, iv);
  cipher.setAAD(associatedData(userId, purpose));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/** The secret, or undefined when the value is not sealed for this person and purpose under this key. */
export function openSecret(
  keys: MfaKeys,
  userId: string,
  purpose: SecretPurpose,
  sealed: string,
): string | undefined {
  if (!isSealed(sealed)) return undefined;
  const raw = Buffer.from(sealed.slice(VERSION.length + 1), 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', keys.encryption, raw.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(associatedData(userId, purpose));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return undefined; // wrong key, wrong person or purpose, or tampered
  }
}

/** Recovery codes are typed by hand: case, spaces and dashes do not matter. */
function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function hashRecoveryCode(keys: MfaKeys, code: string): string {
  return crypto.createHmac('sha256', keys.pepper).update(normalizeRecoveryCode(code)).digest('hex');
}

/**
 * The stored hash matching `code`, if any. Every stored hash is compared, each in constant time, so
 * the time taken does not depend on which one (or how much of one) matched.
 */
export function matchRecoveryCode(
  keys: MfaKeys,
  code: string,
  storedHashes: readonly string[],
): string | undefined {
  const candidate = Buffer.from(hashRecoveryCode(keys, code), 'hex');
  let found: string | undefined;
  for (const stored of storedHashes) {
    const bytes = Buffer.from(stored, 'hex');
    const same = bytes.length === candidate.length && crypto.timingSafeEqual(bytes, candidate);
    if (same && found === undefined) found = stored;
  }
  return found;
}
