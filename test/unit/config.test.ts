import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { ConfigError, loadConfig, loadServerConfig } from '../../src/config';
import { selfSignedP12 } from '../../src/certificates/keys';

const PROD_MFA_KEY = Buffer.alloc(32, 7).toString('base64');

/** The certificate keys production requires: an Ed25519 key, a PKCS#12 file and the RSA key of the VC-JWT. */
const PROD_CERTIFICATES = (() => {
  const p12 = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-p12-')), 'ttd.p12');
  fs.writeFileSync(p12, selfSignedP12('BKPSDM Uji', 'sandi-p12'));
  return {
    CERTIFICATE_SIGNING_KEY: crypto
      .generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
    CERTIFICATE_P12_FILE: p12,
    CERTIFICATE_P12_PASSWORD: 'sandi-p12',
    CERTIFICATE_JWT_KEY: crypto
      .generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  };
})();

describe('loading the configuration', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      isProduction: false,
      port: 3000,
      host: '127.0.0.1',
      baseUrl: 'http://127.0.0.1:3000',
      dbName: 'binaasn',
      embeddedDataDir: undefined,
      mongodbUri: undefined,
      sessionIdleMinutes: 30,
      sessionAbsoluteHours: 12,
      trustProxy: false,
      passwordPolicy: { minLength: 12, requireClasses: true },
      login: { maxFailures: 10, failureWindowMinutes: 15, lockMinutes: 15, ipMaxAttempts: 100 },
      mfaRequired: false,
      seedDemoData: false,
      logLevel: 'info',
    });
    expect(config.sessionSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', MONGODB_URI: 'http://db', SESSION_IDLE_MINUTES: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/MONGODB_URI: must start with mongodb:\/\//);
    expect(problems.join('\n')).toMatch(/SESSION_IDLE_MINUTES/);
  });

  it('refuses production without MONGODB_URI and SESSION_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /CERTIFICATE_SIGNING_KEY or CERTIFICATE_SIGNING_KEY_FILE: required in production[\s\S]*CERTIFICATE_P12_FILE: required/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /CERTIFICATE_JWT_KEY or CERTIFICATE_JWT_KEY_FILE: required in production/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /MONGODB_URI: required in production[\s\S]*SESSION_SECRET: required in production[\s\S]*MFA_ENCRYPTION_KEY: required in production/,
    );
  });

  it('accepts production with a database and a secret', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      ...PROD_CERTIFICATES,
      MONGODB_URI: 'mongodb://db:27017/?replicaSet=rs0',
      SESSION_SECRET: 'x'.repeat(40),
      MFA_ENCRYPTION_KEY: PROD_MFA_KEY,
      SMTP_URL: 'smtp://mail.pemkomedan.go.id:587',
      TRUST_PROXY: '1',
    });
    expect(config).toMatchObject({
      isProduction: true,
      mongodbUri: 'mongodb://db:27017/?replicaSet=rs0',
      trustProxy: 1,
      secureCookies: true,
      mfaRequired: true,
    });
    expect(
      loadConfig({
        NODE_ENV: 'production',
        ...PROD_CERTIFICATES,
        MONGODB_URI: 'mongodb://db',
        SESSION_SECRET: 'x'.repeat(40),
        MFA_ENCRYPTION_KEY: PROD_MFA_KEY,
        SMTP_URL: 'smtps://mail.pemkomedan.go.id',
        SECURE_COOKIES: 'false',
      }).secureCookies,
    ).toBe(false);
  });

  it('reads the second-factor key as base64 or hex, refuses anything but 32 bytes, and has a fixed default outside production', () => {
    const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
    expect(loadConfig({ MFA_ENCRYPTION_KEY: key.toString('base64') }).mfaEncryptionKey).toEqual(key);
    expect(loadConfig({ MFA_ENCRYPTION_KEY: key.toString('base64url') }).mfaEncryptionKey).toEqual(key);
    expect(loadConfig({ MFA_ENCRYPTION_KEY: key.toString('hex') }).mfaEncryptionKey).toEqual(key);
    for (const bad of [
      'short',
      Buffer.alloc(16).toString('base64'),
      Buffer.alloc(33).toString('base64'),
      'g'.repeat(64),
    ]) {
      expect(() => loadConfig({ MFA_ENCRYPTION_KEY: bad })).toThrow(/MFA_ENCRYPTION_KEY: must be 32 bytes/);
    }
    expect(loadConfig({}).mfaEncryptionKey).toHaveLength(32);
    // In memory outside tests: made for this process, not the tests' fixed key.
    expect(loadConfig({}).mfaEncryptionKey).toEqual(loadConfig({}).mfaEncryptionKey);
    expect(loadConfig({}).mfaEncryptionKey).not.toEqual(loadConfig({ NODE_ENV: 'test' }).mfaEncryptionKey);
    const production = {
      NODE_ENV: 'production',
      ...PROD_CERTIFICATES,
      MONGODB_URI: 'mongodb://db',
      SESSION_SECRET: 'x'.repeat(40),
      SMTP_URL: 'smtp://mail.pemkomedan.go.id',
    };
    expect(() => loadConfig(production)).toThrow(/MFA_ENCRYPTION_KEY: required in production/);
    expect(loadConfig({ ...production, MFA_ENCRYPTION_KEY: key.toString('hex') }).mfaEncryptionKey).toEqual(
      key,
    );
  });

  it('refuses production without SMTP_URL, and keeps mail in the outbox without it elsewhere', () => {
    const production = {
      NODE_ENV: 'production',
      ...PROD_CERTIFICATES,
      MONGODB_URI: 'mongodb://db',
      SESSION_SECRET: 'x'.repeat(40),
      MFA_ENCRYPTION_KEY: PROD_MFA_KEY,
    };
    expect(() => loadConfig(production)).toThrow(/SMTP_URL: required in production/);
    expect(() => loadConfig({ SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL: must start with smtp/);
    expect(loadConfig({}).mail).toMatchObject({
      smtpUrl: undefined,
      invitationDays: 7,
      passwordResetMinutes: 60,
    });
    expect(loadConfig({ RETENTION_MAIL_DAYS: '30' }).retention.mailDays).toBe(30);
  });

  it('reads a list of trusted proxies and refuses a blanket "true"', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual([
      '10.0.0.1',
      '10.0.0.0/8',
    ]);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
  });

  it('starts `npm start` on ./data with demo data, unless told otherwise', () => {
    const secrets = { SESSION_SECRET: 'x'.repeat(40), MFA_ENCRYPTION_KEY: PROD_MFA_KEY }; // nothing written to ./data
    expect(loadServerConfig(secrets)).toMatchObject({ embeddedDataDir: './data', seedDemoData: true });
    expect(loadServerConfig({ EMBEDDED_DATA_DIR: ':memory:', SEED_DEMO_DATA: 'false' })).toMatchObject({
      embeddedDataDir: undefined,
      seedDemoData: false,
    });
  });
});

describe('certificate settings', () => {
  it('default to the reference number pattern, refuse a pattern without {seq} and {year}, and check the key', () => {
    expect(loadConfig({}).certificates).toMatchObject({
      numberPattern: '800/{seq}/BKPSDM/{year}',
      place: 'Medan',
    });
    expect(() => loadConfig({ CERTIFICATE_NUMBER_PATTERN: '800/BKPSDM' })).toThrow(
      /CERTIFICATE_NUMBER_PATTERN/,
    );
    expect(() => loadConfig({ CERTIFICATE_SIGNING_KEY: 'not a key' })).toThrow(/Ed25519 private key/);
    const rsa = crypto
      .generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => loadConfig({ CERTIFICATE_SIGNING_KEY: rsa.toString() })).toThrow(/Ed25519 private key/);
    expect(
      loadConfig({ CERTIFICATE_SIGNING_KEY: PROD_CERTIFICATES.CERTIFICATE_SIGNING_KEY }).certificates
        .signingKeyPem,
    ).toContain('PRIVATE KEY');
    // The VC-JWT key: RSA of at least 2048 bits, never Ed25519 or a short RSA key.
    expect(() => loadConfig({ CERTIFICATE_JWT_KEY: rsa.toString() })).toThrow(/at least 2048 bits/);
    expect(() => loadConfig({ CERTIFICATE_JWT_KEY: PROD_CERTIFICATES.CERTIFICATE_SIGNING_KEY })).toThrow(
      /CERTIFICATE_JWT_KEY: must be an RSA private key/,
    );
    const jwt = loadConfig({ CERTIFICATE_JWT_KEY: PROD_CERTIFICATES.CERTIFICATE_JWT_KEY }).certificates;
    expect(jwt.jwtKeyPem).toContain('PRIVATE KEY');
    expect(jwt.previousJwtPublicKeysPem).toEqual([]);
  });
});

describe('secrets that are not configured, outside production', () => {
  const folders: string[] = [];
  const folder = () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-config-')), 'data');
    folders.push(path.dirname(dir));
    return dir;
  };
  afterAll(() => folders.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('are generated once per data folder and kept there, owner-only', () => {
    const dir = folder();
    const first = loadConfig({ NODE_ENV: 'development', EMBEDDED_DATA_DIR: dir });
    const again = loadConfig({ NODE_ENV: 'development', EMBEDDED_DATA_DIR: dir });
    expect([again.sessionSecret, again.mfaEncryptionKey]).toEqual([
      first.sessionSecret,
      first.mfaEncryptionKey,
    ]);
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.mfaEncryptionKey).toHaveLength(32);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, 'app-secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('differ between data folders, and from the fixed test values', () => {
    const [a, b] = [folder(), folder()].map((dir) =>
      loadConfig({ NODE_ENV: 'development', EMBEDDED_DATA_DIR: dir }),
    );
    const testing = loadConfig({ NODE_ENV: 'test' });
    expect(a.sessionSecret).not.toBe(b.sessionSecret);
    expect(a.mfaEncryptionKey).not.toEqual(b.mfaEncryptionKey);
    expect([a.sessionSecret, b.sessionSecret]).not.toContain(testing.sessionSecret);
  });

  it('are never generated for what is configured, nor in production', () => {
    const dir = folder();
    const configured = {
      SESSION_SECRET: 's'.repeat(40),
      MFA_ENCRYPTION_KEY: PROD_MFA_KEY,
      EMBEDDED_DATA_DIR: dir,
    };
    expect(loadConfig(configured).sessionSecret).toBe('s'.repeat(40));
    expect(fs.existsSync(dir)).toBe(false);
    const production = {
      ...configured,
      NODE_ENV: 'production',
      ...PROD_CERTIFICATES,
      MONGODB_URI: 'mongodb://db',
      SMTP_URL: 'smtp://mail.pemkomedan.go.id',
    };
    expect(loadConfig(production).mfaEncryptionKey).toEqual(Buffer.from(PROD_MFA_KEY, 'base64'));
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe('empty variables', () => {
  it('count as not set', () => {
    expect(loadConfig({ MONGODB_URI: '', PORT: '', BASE_URL: '' })).toMatchObject({
      mongodbUri: undefined,
      port: 3000,
      baseUrl: 'http://127.0.0.1:3000',
    });
  });
});

describe('opening the database', () => {
  it('refuses production without MONGODB_URI before starting anything', async () => {
    const { openDatabase } = await import('../../src/db');
    await expect(
      openDatabase({ isProduction: true, mongodbUri: undefined, dbName: 'x', embeddedDataDir: undefined }),
    ).rejects.toThrow(/MONGODB_URI is required in production/);
  });
});
