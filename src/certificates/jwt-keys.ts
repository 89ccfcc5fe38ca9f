// The RSA key of the Open Badges VC-JWT export (openbadge-jwt.ts) and the public keys verifiers
// fetch: configured (CERTIFICATE_JWT_KEY) or, outside production, generated on first use (an RSA
// key takes a second to make: not at start) and kept in the data folder (per process without one),
// like the Ed25519 certificate key (keys.ts). A configured key is remembered in the database by its
// RFC 7638 thumbprint when the app starts (never by a GET), and earlier keys may be configured
// (CERTIFICATE_JWT_PREVIOUS_PUBLIC_KEYS_FILE); a generated development key lives as long as its
// data folder (or process), which holds the database too. The JWKS lists every one of them, so a
// rotation keeps every JWT exported before it verifiable.
import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CertificateSettings } from '../config';
import { dataFolderFile } from '../db/data-folder';
import { OpenBadgeJwtKey } from './certificate.model';

export const JWT_KEYS_FILE = 'openbadge-jwt-key.json';
/**
 * The size of a generated development key: OB 3.0's minimum, made in a fraction of a second (a
 * 3072-bit key takes seconds on a busy machine). Production configures its own (3072 recommended).
 */
const GENERATED_BITS = 2048;

export interface JwtSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** RFC 7638 JWK thumbprint (base64url SHA-256): the last segment of the `kid` URL. */
  thumbprint: string;
}

/** The public members of an RSA JWK: never `d` or the other private parts. */
export interface PublicRsaJwk {
  kty: 'RSA';
  n: string;
  e: string;
}

export function publicJwk(key: KeyObject): PublicRsaJwk {
  const jwk = (key.type === 'public' ? key : crypto.createPublicKey(key)).export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string')
    throw new Error('not an RSA key');
  return { kty: 'RSA', n: jwk.n, e: jwk.e };
}

/** RFC 7638: SHA-256 of the required members in lexicographic order, without whitespace. */
export function jwkThumbprint(jwk: { e: string; n: string }): string {
  return crypto
    .createHash('sha256')
    .update(`{"e":${JSON.stringify(jwk.e)},"kty":"RSA","n":${JSON.stringify(jwk.n)}}`)
    .digest('base64url');
}

export const thumbprintOf = (key: KeyObject): string => jwkThumbprint(publicJwk(key));

interface StoredJwtKey {
  rsaPkcs8Pem: string;
}

const generate = (): StoredJwtKey => ({
  rsaPkcs8Pem: crypto
    .generateKeyPairSync('rsa', { modulusLength: GENERATED_BITS })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString(),
});
const isStored = (v: unknown) => typeof (v as StoredJwtKey)?.rsaPkcs8Pem === 'string';

let perProcess: StoredJwtKey | undefined;
const resolved = new WeakMap<CertificateSettings, JwtSigningKey>();
/** The generated keys this process signed with (their database lives as long as they do). */
const generatedKeys = new Map<string, KeyObject>();

/** The generated development key kept in this data folder, if one was ever made there (never makes one). */
function keptInFolder(folder: string | undefined): KeyObject | undefined {
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the configured data folder
  if (!folder || !fs.existsSync(path.join(folder, JWT_KEYS_FILE))) return undefined;
  return crypto.createPublicKey(dataFolderFile(folder, JWT_KEYS_FILE, generate, isStored).rsaPkcs8Pem);
}

/** The VC-JWT signing key of these settings; generated (on first use, not at start) when not configured. */
export function jwtSigningKey(settings: CertificateSettings): JwtSigningKey {
  const known = resolved.get(settings);
  if (known) return known;
  const pem =
    settings.jwtKeyPem ??
    (settings.keyFolder
      ? dataFolderFile(settings.keyFolder, JWT_KEYS_FILE, generate, isStored)
      : (perProcess ??= generate())
    ).rsaPkcs8Pem;
  const privateKey = crypto.createPrivateKey(pem);
  const publicKey = crypto.createPublicKey(privateKey);
  const key = { privateKey, publicKey, thumbprint: thumbprintOf(publicKey) };
  if (!settings.jwtKeyPem) generatedKeys.set(key.thumbprint, publicKey);
  resolved.set(settings, key);
  return key;
}

const remembered = new Set<string>();

/** Records a configured key's public key in the database (once), so it stays published after a rotation. */
export async function rememberJwtKey(key: JwtSigningKey, now: Date): Promise<void> {
  if (remembered.has(key.thumbprint)) return;
  try {
    await OpenBadgeJwtKey.updateOne(
      { _id: key.thumbprint },
      {
        $setOnInsert: {
          publicKeyPem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          firstUsedAt: now,
        },
      },
      { upsert: true },
    );
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error; // a concurrent export stored it first
  }
  remembered.add(key.thumbprint);
}

const isRsa = (key: KeyObject) => key.asymmetricKeyType === 'rsa';

/**
 * Every public key a VC-JWT of this installation may be signed with, by thumbprint: the current
 * key, the configured earlier ones, every key remembered in the database and a generated
 * development key still in the data folder or in this process. Only RSA keys.
 */
export async function jwtPublicKeys(settings: CertificateSettings): Promise<Map<string, KeyObject>> {
  const keys = new Map<string, KeyObject>();
  const add = (key: KeyObject | undefined) => {
    if (key && isRsa(key)) keys.set(thumbprintOf(key), key);
  };
  const stored = await OpenBadgeJwtKey.find({}, { publicKeyPem: 1 }).sort({ firstUsedAt: 1 }).lean();
  for (const { publicKeyPem } of stored) add(crypto.createPublicKey(publicKeyPem));
  for (const pem of settings.previousJwtPublicKeysPem) add(crypto.createPublicKey(pem));
  for (const key of generatedKeys.values()) add(key);
  add(keptInFolder(settings.keyFolder));
  add(jwtSigningKey(settings).publicKey);
  return keys;
}

/** The public key with this thumbprint, if this installation signs or signed VC-JWTs with it. */
export async function jwtPublicKey(
  settings: CertificateSettings,
  thumbprint: string,
): Promise<KeyObject | undefined> {
  const current = jwtSigningKey(settings);
  if (current.thumbprint === thumbprint) return current.publicKey;
  const candidates = [
    ...settings.previousJwtPublicKeysPem.map((pem) => crypto.createPublicKey(pem)),
    generatedKeys.get(thumbprint),
    keptInFolder(settings.keyFolder),
  ];
  const found = candidates.find((key) => key && isRsa(key) && thumbprintOf(key) === thumbprint);
  if (found) return found;
  const stored = await OpenBadgeJwtKey.findById(thumbprint, { publicKeyPem: 1 }).lean();
  const key = stored ? crypto.createPublicKey(stored.publicKeyPem) : undefined;
  return key && isRsa(key) && thumbprintOf(key) === thumbprint ? key : undefined;
}
