// The TOTP wrapper over `otpauth`: RFC 6238 vectors, our drift and replay policy, the otpauth:// URI;
// and the second factor's secrets at rest (sealed TOTP secrets, peppered recovery-code hashes).
import crypto from 'node:crypto';
import {
  generateTotpSecret,
  isTotpSecret,
  matchTotp,
  timeStepOf,
  totpCode,
  totpUri,
} from '../../src/mfa/totp';
import {
  hashRecoveryCode,
  matchRecoveryCode,
  mfaKeys,
  openSecret,
  sealSecret,
} from '../../src/mfa/mfa-crypto';

// RFC 6238 appendix B, SHA-1 key "12345678901234567890" (base32 below), codes cut to our 6 digits.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP', () => {
  it('matches the RFC 6238 SHA-1 test vectors (last six digits)', () => {
    expect(Buffer.from('12345678901234567890').toString('hex')).toBe(
      '3132333435363738393031323334353637383930',
    );
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, eight] of vectors)
      expect([seconds, totpCode(RFC_SECRET, new Date(seconds * 1000))]).toEqual([seconds, eight.slice(2)]);
    expect(timeStepOf(new Date(59_000))).toBe(1);
  });

  it('accepts one step of drift either way, refuses older steps and replays', () => {
    const now = new Date(1_795_450_000_000);
    const code = totpCode(RFC_SECRET, now);
    const step = Math.floor(now.getTime() / 30_000);
    expect(matchTotp(RFC_SECRET, code, now)).toBe(step);
    expect(matchTotp(RFC_SECRET, code, new Date(now.getTime() + 30_000))).toBe(step); // phone 30 s behind
    expect(matchTotp(RFC_SECRET, code, new Date(now.getTime() - 30_000))).toBe(step); // phone 30 s ahead
    expect(matchTotp(RFC_SECRET, code, new Date(now.getTime() + 60_000))).toBeUndefined();
    expect(matchTotp(RFC_SECRET, code, new Date(now.getTime() - 60_000))).toBeUndefined();
    expect(matchTotp(RFC_SECRET, code, now, step)).toBeUndefined(); // the step was used
    expect(matchTotp(RFC_SECRET, code, now, step - 1)).toBe(step);
    expect(matchTotp(RFC_SECRET, '12345', now)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, `${code} `, now)).toBeUndefined();
  });

  it('makes 160-bit base32 secrets and recognises only such text as a secret', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(generateTotpSecret()).not.toBe(secret);
    expect(isTotpSecret(secret)).toBe(true);
    expect(isTotpSecret('v1:abc')).toBe(false);
    expect(isTotpSecret('ABC')).toBe(false);
  });

  it('writes the otpauth URI authenticator apps read (SHA1, 6 digits, 30 s)', () => {
    expect(totpUri('BinaASN', 'a@b.id', RFC_SECRET)).toBe(
      `otpauth://totp/BinaASN:a%40b.id?issuer=BinaASN&secret=${RFC_SECRET}&algorithm=SHA1&digits=6&period=30`,
    );
  });
});

describe('second-factor secrets at rest', () => {
  const keys = mfaKeys(Buffer.alloc(32, 1));
  const otherKeys = mfaKeys(Buffer.alloc(32, 2));
  const alice = '64b000000000000000000001';
  const bob = '64b000000000000000000002';

  it('seals a TOTP secret with AES-256-GCM: random each time, opened only by the same key, person and purpose', () => {
    const sealed = sealSecret(keys, alice, 'enrolled', RFC_SECRET);
    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(RFC_SECRET);
    expect(Buffer.from(sealed.slice(3), 'base64url')).toHaveLength(12 + RFC_SECRET.length + 16);
    expect(sealSecret(keys, alice, 'enrolled', RFC_SECRET)).not.toBe(sealed);
    expect(openSecret(keys, alice, 'enrolled', sealed)).toBe(RFC_SECRET);
    expect(openSecret(otherKeys, alice, 'enrolled', sealed)).toBeUndefined();
    expect(openSecret(keys, bob, 'enrolled', sealed)).toBeUndefined();
    expect(openSecret(keys, alice, 'pending', sealed)).toBeUndefined();
    expect(openSecret(keys, alice, 'enrolled', RFC_SECRET)).toBeUndefined();
    expect(openSecret(keys, alice, 'enrolled', 'v1:')).toBeUndefined();
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[14] ^= 1; // one flipped bit of ciphertext
    expect(openSecret(keys, alice, 'enrolled', `v1:${raw.toString('base64url')}`)).toBeUndefined();
  });

  it('hashes recovery codes with a keyed HMAC-SHA-256 (not a bare hash), ignoring case, spaces and dashes', () => {
    const code = 'a1b2-c3d4-e5f6-0718';
    const hash = hashRecoveryCode(keys, code);
    expect(hash).toBe(crypto.createHmac('sha256', keys.pepper).update('a1b2c3d4e5f60718').digest('hex'));
    expect(hash).not.toBe(crypto.createHash('sha256').update('a1b2c3d4e5f60718').digest('hex'));
    expect(hashRecoveryCode(otherKeys, code)).not.toBe(hash);
    expect(keys.pepper.equals(keys.encryption)).toBe(false);
    expect(matchRecoveryCode(keys, ' A1B2 C3D4-E5F6-0718 ', ['00'.repeat(32), hash])).toBe(hash);
    expect(matchRecoveryCode(keys, 'a1b2-c3d4-e5f6-0719', ['00'.repeat(32), hash])).toBeUndefined();
    expect(matchRecoveryCode(keys, code, ['not hex', ''])).toBeUndefined();
  });

  it('compares in constant time, against every stored hash even after a match', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      const codes = Array.from({ length: 10 }, (_, i) => `0000-0000-0000-000${i}`);
      expect(
        matchRecoveryCode(
          keys,
          codes[0],
          codes.map((c) => hashRecoveryCode(keys, c)),
        ),
      ).toBe(hashRecoveryCode(keys, codes[0]));
      expect(spy).toHaveBeenCalledTimes(10);
      spy.mockClear();
      const now = new Date(1_795_450_000_000);
      expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now), now)).toBe(timeStepOf(now));
      expect(spy).toHaveBeenCalledTimes(3); // all three steps of the window, through the library
    } finally {
      spy.mockRestore();
    }
  });
});
