import { base32Decode, base32Encode, hotp, matchTotp, totpCode, totpUri } from '../../src/auth/totp';

// RFC 6238 appendix B, SHA-1 key "12345678901234567890".
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890'));

describe('TOTP', () => {
  it('encodes base32 as RFC 4648 does', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI').toString()).toBe('foobar');
    expect(RFC_SECRET).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  it('matches the RFC 6238 test vectors', () => {
    const key = Buffer.from('12345678901234567890');
    expect(hotp(key, Math.floor(59 / 30), 8)).toBe('94287082');
    expect(hotp(key, Math.floor(1111111109 / 30), 8)).toBe('07081804');
    expect(hotp(key, Math.floor(2000000000 / 30), 8)).toBe('69279037');
    expect(totpCode(RFC_SECRET, new Date(59_000))).toBe('287082');
  });

  it('accepts one step of drift, refuses older steps and replays', () => {
    const now = new Date(1_795_450_000_000);
    const code = totpCode(RFC_SECRET, now);
    const step = Math.floor(now.getTime() / 30_000);
    expect(matchTotp(RFC_SECRET, code, now)).toBe(step);
    expect(matchTotp(RFC_SECRET, code, new Date(now.getTime() + 30_000))).toBe(step);
    expect(matchTotp(RFC_SECRET, code, new Date(now.getTime() + 90_000))).toBeUndefined();
    expect(matchTotp(RFC_SECRET, code, now, step)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, '12345', now)).toBeUndefined();
  });

  it('writes the otpauth URI authenticator apps read', () => {
    expect(totpUri('BinaASN', 'a@b.id', 'ABC')).toBe('otpauth://totp/BinaASN:a%40b.id?secret=ABC&issuer=BinaASN&algorithm=SHA1&digits=6&period=30');
  });
});
