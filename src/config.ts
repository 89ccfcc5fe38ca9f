// Configuration: the whole environment parsed once with zod, typed, and passed to whoever needs it.
// Nothing else in src/ reads process.env (an ESLint rule says so).
import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import { dataFolderSecrets, processSecrets, type LocalSecrets } from './db/data-folder';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).optional().default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: int(3000, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  BASE_URL: z.url().optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/)
    .default('binaasn'),
  EMBEDDED_DATA_DIR: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' || v === ':memory:' ? undefined : v)),
  EMBEDDED_THREAD: z.enum(['worker', 'main']).optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_IDLE_MINUTES: int(30, 1, 24 * 60),
  SESSION_ABSOLUTE_HOURS: int(12, 1, 24 * 30),
  TRUST_PROXY: z.string().default(''),
  SECURE_COOKIES: z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional(),
  PASSWORD_MIN_LENGTH: int(12, 8, 128),
  PASSWORD_REQUIRE_CLASSES: bool(true),
  LOGIN_MAX_FAILURES: int(10, 3, 1000),
  LOGIN_FAILURE_WINDOW_MINUTES: int(15, 1, 24 * 60),
  LOGIN_LOCK_MINUTES: int(15, 1, 24 * 60),
  LOGIN_IP_MAX_ATTEMPTS: int(100, 10, 100000),
  // Second factor for admin, curator and HR accounts: on by default in production only.
  MFA_REQUIRED: z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional(),
  // Key of the TOTP secrets at rest (AES-256-GCM) and of the recovery-code pepper: 32 bytes, base64 or hex.
  MFA_ENCRYPTION_KEY: z.string().optional(),
  PRIVACY_OFFICER_NAME: z.string().default('Pejabat Pelindungan Data Pribadi, BKPSDM Kota Medan'),
  PRIVACY_OFFICER_EMAIL: z.email().default('ppdp.bkpsdm@pemkomedan.go.id'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  SEED_DEMO_DATA: bool(false),
  // Retention (src/retention): how long each kind of record is kept before the purge job deletes it.
  UPLOADS_DIR: z.string().min(1).default('uploads'),
  RETENTION_STAGING_HOURS: int(24, 1, 24 * 365),
  RETENTION_IMPORT_PREVIEW_HOURS: int(24, 1, 24 * 365),
  RETENTION_ACCESS_LOG_DAYS: int(730, 30, 365 * 30),
  RETENTION_AUDIT_LOG_DAYS: int(1825, 365, 365 * 30),
  RETENTION_PURGE_INTERVAL_MINUTES: int(60, 0, 24 * 60),
  RETENTION_MAIL_DAYS: int(90, 7, 365 * 10),
  // Learning reminders (src/learning): due in 7 days, overdue, the HR digest.
  REMINDER_INTERVAL_MINUTES: int(60, 0, 24 * 60),
  // Mail (src/mail): SMTP server, sender, the queue worker; links that set a password (src/password-links).
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('BinaASN Kota Medan <binaasn@pemkomedan.go.id>'),
  MAIL_WORKER: bool(true),
  MAIL_POLL_SECONDS: int(5, 1, 3600),
  MAIL_MAX_ATTEMPTS: int(12, 1, 100),
  INVITATION_DAYS: int(7, 1, 60),
  PASSWORD_RESET_MINUTES: int(60, 5, 24 * 60),
  PASSWORD_RESET_MAX_PER_ACCOUNT: int(3, 1, 100),
  // Certificates (src/certificates): number pattern, the Ed25519 key of the signed content, the
  // PKCS#12 of the PDF signature (PAdES), the place printed on them and the verification limit.
  CERTIFICATE_NUMBER_PATTERN: z
    .string()
    .max(100)
    .refine(
      (v) => /\{seq(:\d)?\}/.test(v) && /\{year\}/.test(v),
      'must contain {seq} (or {seq:4}) and {year}',
    )
    .default('800/{seq}/BKPSDM/{year}'),
  CERTIFICATE_SIGNING_KEY: z.string().optional(),
  CERTIFICATE_SIGNING_KEY_FILE: z.string().optional(),
  CERTIFICATE_PREVIOUS_PUBLIC_KEYS_FILE: z.string().optional(),
  // The RSA key of the Open Badges VC-JWT export (RS256, the one algorithm OB 3.0 verifiers must support).
  CERTIFICATE_JWT_KEY: z.string().optional(),
  CERTIFICATE_JWT_KEY_FILE: z.string().optional(),
  CERTIFICATE_JWT_PREVIOUS_PUBLIC_KEYS_FILE: z.string().optional(),
  CERTIFICATE_P12_FILE: z.string().optional(),
  CERTIFICATE_P12_PASSWORD: z.string().default(''),
  CERTIFICATE_PLACE: z.string().min(1).max(60).default('Medan'),
  VERIFY_MAX_PER_MINUTE: int(30, 1, 10000),
  // The public satisfaction survey (src/evaluation): posts per hour from one address and to one unit.
  SURVEY_IP_MAX_PER_HOUR: int(20, 1, 10_000_000),
  SURVEY_UNIT_MAX_PER_HOUR: int(2000, 1, 10_000_000),
});

export interface PasswordPolicy {
  minLength: number;
  requireClasses: boolean; // upper, lower, digit and symbol
}

export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  isProduction: boolean;
  port: number;
  host: string;
  baseUrl: string;
  mongodbUri?: string;
  dbName: string;
  /** Journal directory of the embedded engine; undefined keeps its data in memory. */
  embeddedDataDir?: string;
  /** Where the embedded engine runs: its own worker thread (default) or the app's event loop (tests' default: faster start). */
  embeddedThread: 'worker' | 'main';
  sessionSecret: string;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** `Secure` cookies with the `__Host-` prefix: on in production unless SECURE_COOKIES=false (plain-HTTP benchmarks). */
  secureCookies: boolean;
  /** Express `trust proxy` value: false, a hop count, or a list of addresses/subnets. */
  trustProxy: boolean | number | string[];
  passwordPolicy: PasswordPolicy;
  login: { maxFailures: number; failureWindowMinutes: number; lockMinutes: number; ipMaxAttempts: number };
  mfaRequired: boolean;
  /** 32 bytes; the second factor derives its encryption key and recovery-code pepper from it. Never log it. */
  mfaEncryptionKey: Buffer;
  privacyOfficer: { name: string; email: string };
  logLevel: string;
  seedDemoData: boolean;
  /** multer's staging folder; its files are purged after `retention.stagingUploadsHours`. */
  uploadsDir: string;
  retention: RetentionSettings;
  mail: MailSettings;
  /** How often the server sends learning reminders (due soon, overdue, HR digest); 0 = never (`npm run reminders`). */
  reminderIntervalMinutes: number;
  /** Limits of the public satisfaction survey: posts per hour per address and per unit. */
  survey: { perAddressPerHour: number; perUnitPerHour: number };
  certificates: CertificateSettings;
}

export interface CertificateSettings {
  /** `800/{seq}/BKPSDM/{year}`: {seq} the gap-free sequence of the year ({seq:4} zero-padded), {year} the WIB year of issue. */
  numberPattern: string;
  /** Ed25519 private key (PKCS#8 PEM) that signs the canonical content; never log it. Unset outside production: generated (keys.ts). */
  signingKeyPem?: string;
  /** PEM public keys of earlier signing keys, so certificates signed before a rotation still verify. */
  previousPublicKeysPem: string[];
  /** RSA private key (PKCS#8 PEM, at least 2048 bits) that signs the Open Badges VC-JWT export (RS256). Unset outside production: generated. */
  jwtKeyPem?: string;
  /** PEM public keys of earlier VC-JWT keys, so badges exported before a rotation still verify. */
  previousJwtPublicKeysPem: string[];
  /** PKCS#12 (certificate and key) of the PDF signature; unset outside production: a generated self-signed one. */
  p12?: Buffer;
  p12Password: string;
  /** Place of issue printed before the date ("Medan, 1 Desember 2026"). */
  place: string;
  /** Where generated development keys are kept (the data folder), if anywhere. */
  keyFolder?: string;
  /** Verification requests per IP per minute (the public page and its NIP check). */
  verifyMaxPerMinute: number;
}

export interface MailSettings {
  /** SMTP server (`smtp://user:pass@host:587`); unset outside production: mails stay in the admin outbox. Never log it. */
  smtpUrl?: string;
  /** Sender address of every mail. */
  from: string;
  /** Whether this instance runs the queue worker (any number of instances may; each mail is claimed once). */
  runWorker: boolean;
  pollSeconds: number;
  /** Attempts per mail before it is marked failed (retries back off from 30 s to 1 hour). */
  maxAttempts: number;
  invitationDays: number;
  passwordResetMinutes: number;
  /** Forgotten-password requests per account per hour that send a mail (more are answered alike, unsent). */
  passwordResetMaxPerAccount: number;
}

export interface RetentionSettings {
  stagingUploadsHours: number;
  importPreviewHours: number;
  accessLogDays: number;
  auditLogDays: number;
  /** How often the server runs the purge job; 0 = never (run `npm run purge` instead). */
  purgeIntervalMinutes: number;
  /** Mails (queue and outbox) older than this are deleted. */
  mailDays: number;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// Tests without a data folder use fixed values, so a test can sign cookies the app accepts; the
// strings are public, which is why nothing else uses them.
const TEST_SECRETS: LocalSecrets = {
  sessionSecret: 'binaasn-test-session-secret-not-for-any-real-use',
  mfaEncryptionKey: crypto.createHash('sha256').update('binaasn-test-mfa-key-not-for-any-real-use').digest(),
};

/**
 * Where SESSION_SECRET and MFA_ENCRYPTION_KEY come from outside production when they are not
 * configured: generated once per data folder and kept in it (owner-only); per process when the
 * data stays in memory; fixed values in tests without a data folder.
 */
function unconfiguredSecrets(nodeEnv: Config['nodeEnv'], dataDir: string | undefined): LocalSecrets {
  if (dataDir) return dataFolderSecrets(dataDir);
  return nodeEnv === 'test' ? TEST_SECRETS : processSecrets();
}

/** 32 bytes written as 64 hex digits or as base64 (standard or URL-safe); undefined otherwise. */
export function parseKey32(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === 32 ? bytes : undefined;
}

function parseTrustProxy(value: string): boolean | number | string[] {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'false') return false;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Parses the environment; throws a ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // `VAR=` (as env files and CI often write it) means "not set".
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const problems: string[] = [];
  if (isProduction && !e.MONGODB_URI)
    problems.push('MONGODB_URI: required in production (the embedded engine is for development and tests)');
  if (isProduction && !e.SESSION_SECRET)
    problems.push('SESSION_SECRET: required in production (at least 32 characters)');
  const mfaKey = e.MFA_ENCRYPTION_KEY === undefined ? undefined : parseKey32(e.MFA_ENCRYPTION_KEY);
  if (e.MFA_ENCRYPTION_KEY !== undefined && !mfaKey)
    problems.push(
      'MFA_ENCRYPTION_KEY: must be 32 bytes, as 64 hex digits or 44 base64 characters (e.g. `openssl rand -base64 32`)',
    );
  else if (isProduction && !mfaKey)
    problems.push(
      'MFA_ENCRYPTION_KEY: required in production (32 bytes, base64 or hex; it encrypts the second-factor secrets)',
    );
  if (isProduction && !e.SMTP_URL)
    problems.push('SMTP_URL: required in production (invitations and forgotten passwords are sent by mail)');
  const certificates = certificateSettings(e, isProduction, problems);
  if (e.TRUST_PROXY.trim() === 'true')
    problems.push('TRUST_PROXY: name the proxy hops (a number or addresses), not "true"');
  if (problems.length > 0) throw new ConfigError(problems);
  const local =
    e.SESSION_SECRET === undefined || mfaKey === undefined
      ? unconfiguredSecrets(e.NODE_ENV, e.EMBEDDED_DATA_DIR)
      : undefined;
  return {
    nodeEnv: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    baseUrl: (e.BASE_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`).replace(
      /\/$/,
      '',
    ),
    mongodbUri: e.MONGODB_URI,
    dbName: e.DB_NAME,
    embeddedDataDir: e.EMBEDDED_DATA_DIR,
    embeddedThread: e.EMBEDDED_THREAD ?? (e.NODE_ENV === 'test' ? 'main' : 'worker'),
    sessionSecret: e.SESSION_SECRET ?? local!.sessionSecret,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: e.SESSION_ABSOLUTE_HOURS,
    secureCookies:
      e.SECURE_COOKIES === undefined ? isProduction : ['true', '1', 'yes'].includes(e.SECURE_COOKIES),
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    passwordPolicy: { minLength: e.PASSWORD_MIN_LENGTH, requireClasses: e.PASSWORD_REQUIRE_CLASSES },
    login: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      failureWindowMinutes: e.LOGIN_FAILURE_WINDOW_MINUTES,
      lockMinutes: e.LOGIN_LOCK_MINUTES,
      ipMaxAttempts: e.LOGIN_IP_MAX_ATTEMPTS,
    },
    mfaRequired: e.MFA_REQUIRED === undefined ? isProduction : ['true', '1', 'yes'].includes(e.MFA_REQUIRED),
    mfaEncryptionKey: mfaKey ?? local!.mfaEncryptionKey,
    privacyOfficer: { name: e.PRIVACY_OFFICER_NAME, email: e.PRIVACY_OFFICER_EMAIL },
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    seedDemoData: e.SEED_DEMO_DATA,
    uploadsDir: e.UPLOADS_DIR,
    retention: {
      stagingUploadsHours: e.RETENTION_STAGING_HOURS,
      importPreviewHours: e.RETENTION_IMPORT_PREVIEW_HOURS,
      accessLogDays: e.RETENTION_ACCESS_LOG_DAYS,
      auditLogDays: e.RETENTION_AUDIT_LOG_DAYS,
      purgeIntervalMinutes: e.RETENTION_PURGE_INTERVAL_MINUTES,
      mailDays: e.RETENTION_MAIL_DAYS,
    },
    reminderIntervalMinutes: e.REMINDER_INTERVAL_MINUTES,
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      runWorker: e.MAIL_WORKER,
      pollSeconds: e.MAIL_POLL_SECONDS,
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
      invitationDays: e.INVITATION_DAYS,
      passwordResetMinutes: e.PASSWORD_RESET_MINUTES,
      passwordResetMaxPerAccount: e.PASSWORD_RESET_MAX_PER_ACCOUNT,
    },
    certificates,
    survey: { perAddressPerHour: e.SURVEY_IP_MAX_PER_HOUR, perUnitPerHour: e.SURVEY_UNIT_MAX_PER_HOUR },
  };
}

/* eslint-disable security/detect-non-literal-fs-filename -- key files named by the operator's configuration */
function readConfigFile(name: string, file: string, problems: string[]): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    problems.push(`${name}: cannot read ${file}`);
    return undefined;
  }
}
/* eslint-enable security/detect-non-literal-fs-filename */

function certificateSettings(
  e: z.infer<typeof envSchema>,
  isProduction: boolean,
  problems: string[],
): CertificateSettings {
  const keyText =
    e.CERTIFICATE_SIGNING_KEY ??
    (e.CERTIFICATE_SIGNING_KEY_FILE
      ? readConfigFile('CERTIFICATE_SIGNING_KEY_FILE', e.CERTIFICATE_SIGNING_KEY_FILE, problems)?.toString(
          'utf8',
        )
      : undefined);
  let signingKeyPem: string | undefined;
  if (keyText !== undefined) {
    try {
      const key = crypto.createPrivateKey(
        keyText.includes('BEGIN') ? keyText : Buffer.from(keyText, 'base64').toString('utf8'),
      );
      if (key.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
      signingKeyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
    } catch {
      problems.push(
        'CERTIFICATE_SIGNING_KEY: must be an Ed25519 private key in PKCS#8 PEM (`openssl genpkey -algorithm ed25519`)',
      );
    }
  } else if (isProduction)
    problems.push(
      'CERTIFICATE_SIGNING_KEY or CERTIFICATE_SIGNING_KEY_FILE: required in production (Ed25519, PKCS#8 PEM)',
    );
  const jwt = jwtKeySettings(e, isProduction, problems);
  const previous = e.CERTIFICATE_PREVIOUS_PUBLIC_KEYS_FILE
    ? (readConfigFile(
        'CERTIFICATE_PREVIOUS_PUBLIC_KEYS_FILE',
        e.CERTIFICATE_PREVIOUS_PUBLIC_KEYS_FILE,
        problems,
      )?.toString('utf8') ?? '')
    : '';
  const previousPublicKeysPem =
    previous.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
  const p12 = e.CERTIFICATE_P12_FILE
    ? readConfigFile('CERTIFICATE_P12_FILE', e.CERTIFICATE_P12_FILE, problems)
    : undefined;
  if (!e.CERTIFICATE_P12_FILE && isProduction)
    problems.push(
      'CERTIFICATE_P12_FILE: required in production (the PKCS#12 that signs certificate PDFs, e.g. from BSrE)',
    );
  return {
    numberPattern: e.CERTIFICATE_NUMBER_PATTERN,
    signingKeyPem,
    previousPublicKeysPem,
    ...jwt,
    p12,
    p12Password: e.CERTIFICATE_P12_PASSWORD,
    place: e.CERTIFICATE_PLACE,
    keyFolder: e.EMBEDDED_DATA_DIR,
    verifyMaxPerMinute: e.VERIFY_MAX_PER_MINUTE,
  };
}

/** The smallest RSA modulus the VC-JWT key may have (OB 3.0 points to SEC-11 §6.1: RSA keys of at least 2048 bits). */
export const JWT_KEY_MIN_BITS = 2048;

const PUBLIC_KEY_PEM = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

function jwtKeySettings(
  e: z.infer<typeof envSchema>,
  isProduction: boolean,
  problems: string[],
): Pick<CertificateSettings, 'jwtKeyPem' | 'previousJwtPublicKeysPem'> {
  const keyText =
    e.CERTIFICATE_JWT_KEY ??
    (e.CERTIFICATE_JWT_KEY_FILE
      ? readConfigFile('CERTIFICATE_JWT_KEY_FILE', e.CERTIFICATE_JWT_KEY_FILE, problems)?.toString('utf8')
      : undefined);
  let jwtKeyPem: string | undefined;
  if (keyText !== undefined) {
    try {
      const key = crypto.createPrivateKey(
        keyText.includes('BEGIN') ? keyText : Buffer.from(keyText, 'base64').toString('utf8'),
      );
      if (
        key.asymmetricKeyType !== 'rsa' ||
        (key.asymmetricKeyDetails?.modulusLength ?? 0) < JWT_KEY_MIN_BITS
      )
        throw new Error('not rsa');
      jwtKeyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
    } catch {
      problems.push(
        `CERTIFICATE_JWT_KEY: must be an RSA private key of at least ${JWT_KEY_MIN_BITS} bits in PEM (\`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072\`)`,
      );
    }
  } else if (isProduction)
    problems.push(
      'CERTIFICATE_JWT_KEY or CERTIFICATE_JWT_KEY_FILE: required in production (RSA, at least 2048 bits, PEM)',
    );
  const previous = e.CERTIFICATE_JWT_PREVIOUS_PUBLIC_KEYS_FILE
    ? (readConfigFile(
        'CERTIFICATE_JWT_PREVIOUS_PUBLIC_KEYS_FILE',
        e.CERTIFICATE_JWT_PREVIOUS_PUBLIC_KEYS_FILE,
        problems,
      )?.toString('utf8') ?? '')
    : '';
  return { jwtKeyPem, previousJwtPublicKeysPem: previous.match(PUBLIC_KEY_PEM) ?? [] };
}

/**
 * The configuration of `npm start`: like loadConfig, but outside production the embedded engine
 * keeps its data in ./data and an empty database gets the demo data, unless the environment says otherwise.
 */
export function loadServerConfig(env: NodeJS.ProcessEnv = process.env): Config {
  if (env.NODE_ENV === 'production') return loadConfig(env);
  return loadConfig({ EMBEDDED_DATA_DIR: './data', SEED_DEMO_DATA: 'true', ...env });
}
