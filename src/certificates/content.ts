// The content of a certificate as issued, and its Ed25519 signature. The signature covers the
// canonical JSON (canonical.ts) of everything the certificate states; `keyId` names the key, so a
// certificate signed before a key rotation verifies with the key it was signed with.
import crypto, { type KeyObject } from 'node:crypto';
import { canonicalBytes } from './canonical';
import { CertificateSigningKey } from './certificate.model';
import { keyIdOf, type CertificateKeys } from './keys';

export interface CertificateContent {
  format: 'binaasn.certificate.v1';
  number: string;
  code: string;
  enrolmentId: string;
  issuedAt: string;
  place: string;
  startedAt?: string;
  completedAt: string;
  jp: number;
  issuer: string;
  /** On a reissue: the number of the certificate this one replaces. */
  replaces?: string;
  person: {
    id: string;
    name: string;
    nip: string;
    employeeType: string;
    golongan: string;
    pangkat: string;
    jabatan: string;
    unitKerja: string;
    opd: { code: string; name: string };
  };
  course: {
    id: string;
    version: number;
    code: string;
    title: string;
    competencyType: string;
    area: string;
    jp: number;
    partner: { code: string; name: string };
    signatories: Array<{ name: string; nip: string; position: string }>;
    outline: Array<{ title: string; jp: number; lessons: string[] }>;
  };
}

export interface ContentSignature {
  alg: 'Ed25519';
  keyId: string;
  value: string;
}

export function signContent(content: CertificateContent, keys: CertificateKeys): ContentSignature {
  const value = crypto.sign(null, canonicalBytes(content), keys.signingKey).toString('base64url');
  return { alg: 'Ed25519', keyId: keys.keyId, value };
}

/** Records the current public key in the database (once), so it still verifies after a rotation. */
const remembered = new Set<string>();

export async function rememberSigningKey(keys: CertificateKeys, now: Date): Promise<void> {
  if (remembered.has(keys.keyId)) return;
  try {
    await CertificateSigningKey.updateOne(
      { _id: keys.keyId },
      { $setOnInsert: { publicKeyPem: keys.publicKeyPem, firstUsedAt: now } },
      { upsert: true },
    );
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error; // a concurrent issue stored it first
  }
  remembered.add(keys.keyId);
}

async function publicKeyFor(keyId: string, keys: CertificateKeys): Promise<KeyObject | undefined> {
  const known = keys.known.get(keyId);
  if (known) return known;
  const stored = await CertificateSigningKey.findById(keyId).lean();
  return stored ? crypto.createPublicKey(stored.publicKeyPem) : undefined;
}

/** Whether this public key is one this installation signs or signed certificates with. */
export async function isOwnKey(key: KeyObject, keys: CertificateKeys): Promise<boolean> {
  const known = await publicKeyFor(keyIdOf(key), keys);
  return (
    !!known &&
    known.export({ type: 'spki', format: 'der' }).equals(key.export({ type: 'spki', format: 'der' }))
  );
}

/** Whether the signature is a valid Ed25519 signature of this content by a key this installation used. */
export async function verifyContent(
  content: unknown,
  signature: { alg?: string | null; keyId?: string | null; value?: string | null } | null | undefined,
  keys: CertificateKeys,
): Promise<boolean> {
  if (!signature?.keyId || !signature.value || signature.alg !== 'Ed25519') return false;
  const key = await publicKeyFor(signature.keyId, keys);
  if (!key) return false;
  try {
    return crypto.verify(null, canonicalBytes(content), key, Buffer.from(signature.value, 'base64url'));
  } catch {
    return false;
  }
}
