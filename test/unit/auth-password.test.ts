import { checkPasswordPolicy, hashPassword, verifyPassword } from '../../src/users/passwords';
import { canonicalIdentifier } from '../../src/auth/auth.service';

const policy = { minLength: 12, requireClasses: true };

describe('the password policy', () => {
  it('accepts a long password with every character class', () => {
    expect(checkPasswordPolicy('Kopi#Sore-Medan7', policy)).toEqual([]);
  });

  it('names every rule a weak password breaks', () => {
    expect(checkPasswordPolicy('abc', policy)).toEqual([
      'auth.password.tooShort',
      'auth.password.needsUpper',
      'auth.password.needsDigit',
      'auth.password.needsSymbol',
    ]);
  });

  it('refuses common passwords, also when decorated to pass the rules', () => {
    expect(checkPasswordPolicy('Password2024!', policy)).toEqual(['auth.password.common']);
    expect(checkPasswordPolicy('Indonesia#1945', policy)).toEqual(['auth.password.common']);
  });

  it('refuses passwords containing the NIP, name or email', () => {
    const me = { nip: '199001012015031001', name: 'Siti Rahmawati, S.E.', email: 'siti.r@pemkomedan.go.id' };
    expect(checkPasswordPolicy('Kopi#19900101x', policy, me)).toEqual(['auth.password.personal']);
    expect(checkPasswordPolicy('Rahmawati#2026', policy, me)).toEqual(['auth.password.personal']);
    expect(checkPasswordPolicy('Xsiti.r#20261', policy, me)).toEqual(['auth.password.personal']);
  });

  it('follows a configured policy', () => {
    expect(checkPasswordPolicy('kopisoremedan', { minLength: 8, requireClasses: false })).toEqual([]);
  });
});

describe('password hashes', () => {
  it('are argon2id and verify only the right password', async () => {
    const hash = await hashPassword('Kopi#Sore-Medan7');
    // The production cost: OWASP's argon2id floor (19 MiB, 2 passes, 1 lane).
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'Kopi#Sore-Medan7')).toBe(true);
    expect(await verifyPassword(hash, 'kopi#sore-medan7')).toBe(false);
    expect(await verifyPassword(undefined, 'anything')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
  });
});

describe('sign-in identifiers', () => {
  it('normalises a NIP typed with spaces and an email in any case', () => {
    expect(canonicalIdentifier(' 19900101 201503 1 001 ')).toBe('199001012015031001');
    expect(canonicalIdentifier('Siti.R@PemkoMedan.go.id')).toBe('siti.r@pemkomedan.go.id');
  });
});
