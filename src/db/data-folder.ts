// The app's secrets on development and demo machines: outside production, a SESSION_SECRET or
// MFA_ENCRYPTION_KEY that is not configured is generated once per data folder and kept there
// (app-secrets.json, 0600, in the 0700 folder the embedded engine also uses), so sessions and
// sealed second factors survive restarts while no two machines share a key anyone could read in
// the source. Production configures both (loadConfig refuses to start otherwise).
import crypto from 'node:crypto';
import path from 'node:path';
import { readOrCreateSecrets } from './embedded/storage/data-dir';

export const APP_SECRETS_FILE = 'app-secrets.json';

export interface LocalSecrets {
  sessionSecret: string;
  /** 32 bytes. */
  mfaEncryptionKey: Buffer;
}

interface StoredSecrets {
  sessionSecret: string;
  mfaEncryptionKey: string; // base64
}

function generate(): StoredSecrets {
  return {
    sessionSecret: crypto.randomBytes(48).toString('base64url'),
    mfaEncryptionKey: crypto.randomBytes(32).toString('base64'),
  };
}

const isStoredSecrets = (v: unknown): boolean =>
  typeof (v as StoredSecrets)?.sessionSecret === 'string' &&
  (v as StoredSecrets).sessionSecret.length >= 32 &&
  typeof (v as StoredSecrets)?.mfaEncryptionKey === 'string' &&
  Buffer.from((v as StoredSecrets).mfaEncryptionKey, 'base64').length === 32;

/** The secrets kept in a data folder, made on first use. */
export function dataFolderSecrets(dir: string): LocalSecrets {
  const stored = readOrCreateSecrets(path.join(dir, APP_SECRETS_FILE), generate, isStoredSecrets);
  return {
    sessionSecret: stored.sessionSecret,
    mfaEncryptionKey: Buffer.from(stored.mfaEncryptionKey, 'base64'),
  };
}

let perProcess: LocalSecrets | undefined;

/** Secrets for an app without a data folder (everything in memory): new with every process. */
export function processSecrets(): LocalSecrets {
  if (!perProcess) {
    const made = generate();
    perProcess = {
      sessionSecret: made.sessionSecret,
      mfaEncryptionKey: Buffer.from(made.mfaEncryptionKey, 'base64'),
    };
  }
  return perProcess;
}

/**
 * Another file of generated development secrets in the data folder (owner-only, made on first
 * use): the certificates' signing keys use it, as the session secret uses app-secrets.json.
 */
export function dataFolderFile<T>(
  dir: string,
  name: string,
  create: () => T,
  isValid: (v: unknown) => boolean,
): T {
  return readOrCreateSecrets(path.join(dir, name), create, isValid);
}
