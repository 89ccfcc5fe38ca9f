// The public verification of a certificate by its random code (SECURITY.md "Certificates"): valid,
// revoked (date and reason) or unknown (404, the same page as any missing page), the facts to compare
// with the paper and a masked NIP; "cocok / tidak cocok" for a typed NIP; whether an uploaded PDF
// is byte for byte the issued file. The content's Ed25519 signature is checked on every view, so a
// certificate changed in the database shows as not valid.
import crypto from 'node:crypto';
import { maskNip } from '../users';
import { Certificate } from './certificate.model';
import { isOwnKey, verifyContent, type CertificateContent } from './content';
import { canonicalJson } from './canonical';
import { keyOfVerificationMethod, saltOf, unsignedCredential, verifyCredentialProof } from './openbadge';
import { jwtCredential, keyUrl, JWT_ALG, looksLikeJwt, parseJws, verifyJwt } from './openbadge-jwt';
import { jwtPublicKey, jwtPublicKeys, publicJwk } from './jwt-keys';
import { certificateRuntime } from './settings';
import { parseJsonObject } from './bounded-json';

export interface VerificationView {
  status: 'valid' | 'revoked' | 'superseded' | 'tampered';
  number: string;
  name: string;
  maskedNip: string;
  courseTitle: string;
  partnerName: string;
  competencyType: string;
  jp: number;
  startedAt?: string;
  completedAt: string;
  issuedAt: string;
  revokedAt?: Date;
  revokedReason?: string;
  supersededByNumber?: string;
  supersededAt?: Date;
  /** The number of the certificate this one replaces (a reissue). */
  replaces?: string;
  keyId: string;
}

async function byCode(code: string) {
  return Certificate.findOne({ code })
    .select('content signature status revokedAt revokedReason supersededByNumber supersededAt file')
    .lean();
}

/** What the public page shows of the certificate with this code; undefined for an unknown code. */
export async function verify(code: string): Promise<VerificationView | undefined> {
  const certificate = await byCode(code);
  if (!certificate) return undefined;
  const content = certificate.content as CertificateContent;
  const signed = await verifyContent(content, certificate.signature, certificateRuntime().keys);
  const status = !signed || content.code !== code ? 'tampered' : (certificate.status ?? 'valid');
  return {
    status,
    number: content.number,
    name: content.person.name,
    maskedNip: maskNip(content.person.nip),
    courseTitle: content.course.title,
    partnerName: content.course.partner.name,
    competencyType: content.course.competencyType,
    jp: content.jp,
    startedAt: content.startedAt,
    completedAt: content.completedAt,
    issuedAt: content.issuedAt,
    revokedAt: certificate.revokedAt ?? undefined,
    revokedReason: certificate.revokedReason ?? undefined,
    supersededByNumber: certificate.supersededByNumber ?? undefined,
    supersededAt: certificate.supersededAt ?? undefined,
    replaces: content.replaces,
    keyId: certificate.signature?.keyId ?? '',
  };
}

/** Whether a typed NIP is the certificate's; undefined for an unknown code. */
export async function nipMatches(code: string, nip: string): Promise<boolean | undefined> {
  const certificate = await byCode(code);
  if (!certificate) return undefined;
  const stored = (certificate.content as CertificateContent).person.nip;
  const a = crypto.createHash('sha256').update(stored).digest();
  const b = crypto.createHash('sha256').update(nip).digest();
  return crypto.timingSafeEqual(a, b);
}

/** Whether these bytes are exactly the issued PDF; undefined for an unknown code. */
export async function fileMatches(code: string, bytes: Buffer): Promise<boolean | undefined> {
  const certificate = await byCode(code);
  if (!certificate) return undefined;
  if (!certificate.file) return false;
  return crypto.createHash('sha256').update(bytes).digest('hex') === certificate.file.sha256;
}

/** How deep a credential's JSON may nest: an Open Badges 3.0 credential needs about six levels. */
export const CREDENTIAL_MAX_DEPTH = 32;

/**
 * An uploaded credential's JSON object, or undefined when it cannot be one: not valid UTF-8 JSON,
 * not an object, or nested deeper than CREDENTIAL_MAX_DEPTH (which would only exhaust the stack).
 */
export function parseCredential(bytes: Buffer): Record<string, unknown> | undefined {
  return parseJsonObject(bytes, CREDENTIAL_MAX_DEPTH);
}

/**
 * Whether this credential (see parseCredential) is an Open Badges credential exported for this
 * certificate: its proof holds with one of this installation's keys and everything it states is
 * what the certificate states. Undefined for an unknown code; false for anything else (another
 * certificate, changed, signed elsewhere).
 */
export async function credentialMatches(
  code: string,
  credential: Record<string, unknown>,
): Promise<boolean | undefined> {
  const certificate = await Certificate.findOne({ code }).select('content signature').lean();
  if (!certificate) return undefined;
  const key = verifyCredentialProof(credential);
  const runtime = certificateRuntime();
  if (!key || !(await isOwnKey(key, runtime.keys))) return false;
  const { proof: _proof, ...document } = credential;
  const expected = unsignedCredential(
    certificate.content as CertificateContent,
    saltOf(certificate.signature.value),
    runtime.baseUrl(),
    key,
  );
  return canonicalJson(document) === canonicalJson(expected);
}

/** Whether an uploaded file is JSON (an Open Badges credential) rather than a PDF. */
export function looksLikeJson(bytes: Buffer): boolean {
  const first = bytes.subarray(0, 64).toString('utf8').trimStart()[0];
  return first === '{';
}

/**
 * Whether this text is a VC-JWT exported for this certificate (openbadge-jwt.ts): its RS256
 * signature holds with one of this installation's VC-JWT keys, its claims are the credential's,
 * its issuer is one of this installation's certificate keys and everything it states is what the
 * certificate states. Undefined for an unknown code; 'unreadable' when it cannot be a compact JWS
 * (too long, bad base64url, a huge or deeply nested header or payload); false for anything else.
 */
export async function jwtMatches(
  code: string,
  text: string,
  now: Date,
): Promise<boolean | 'unreadable' | undefined> {
  const jws = parseJws(text);
  const certificate = await Certificate.findOne({ code }).select('content signature').lean();
  if (!certificate) return undefined;
  if (!jws) return 'unreadable';
  const runtime = certificateRuntime();
  const credential = await verifyJwt(jws, (t) => jwtPublicKey(runtime.settings, t), now);
  if (!credential) return false;
  const did = (credential.issuer as { id?: unknown } | undefined)?.id;
  const issuerKey =
    typeof did === 'string' && did.startsWith('did:key:')
      ? keyOfVerificationMethod(`${did}#${did.slice('did:key:'.length)}`)
      : undefined;
  if (!issuerKey || !(await isOwnKey(issuerKey, runtime.keys))) return false;
  const expected = jwtCredential(
    certificate.content as CertificateContent,
    saltOf(certificate.signature.value),
    runtime.baseUrl(),
    issuerKey,
  );
  return canonicalJson(credential) === canonicalJson(expected);
}

/** A published public JWK: the RSA members, its `kid` URL (the JOSE header's), RS256, for signatures. */
const published = (key: crypto.KeyObject, thumbprint: string) => ({
  ...publicJwk(key),
  kid: keyUrl(certificateRuntime().baseUrl(), thumbprint),
  alg: JWT_ALG,
  use: 'sig',
});

/** The JWK Set of every key that signs or signed this installation's VC-JWTs (current, earlier, remembered). */
export async function jwks(): Promise<{ keys: Array<ReturnType<typeof published>> }> {
  const keys = await jwtPublicKeys(certificateRuntime().settings);
  return { keys: [...keys].map(([thumbprint, key]) => published(key, thumbprint)) };
}

/** The public JWK a VC-JWT's `kid` names; undefined when this installation never signed with it. */
export async function jwk(thumbprint: string): Promise<ReturnType<typeof published> | undefined> {
  const key = await jwtPublicKey(certificateRuntime().settings, thumbprint);
  return key && published(key, thumbprint);
}

/** What a verifier's upload showed: the PDF is the issued one, the credential holds, or why it is unreadable. */
export interface UploadCheck {
  fileResult?: boolean;
  credentialResult?: boolean;
  /** A message key: the upload cannot be a credential. */
  fileError?: string;
}

/**
 * Compares an uploaded PDF byte by byte, or an uploaded Open Badges credential (JSON with its
 * Data Integrity proof, or a VC-JWT) by its proof and content. Undefined for an unknown code.
 */
export async function checkUpload(code: string, bytes: Buffer, now: Date): Promise<UploadCheck | undefined> {
  if (looksLikeJwt(bytes)) {
    const same = await jwtMatches(code, bytes.toString('latin1'), now);
    if (same === 'unreadable') return { fileError: 'certificates.verify.jwtUnreadable' };
    return same === undefined ? undefined : { credentialResult: same };
  }
  if (!looksLikeJson(bytes)) {
    const same = await fileMatches(code, bytes);
    return same === undefined ? undefined : { fileResult: same };
  }
  const credential = parseCredential(bytes);
  if (!credential) return { fileError: 'certificates.verify.credentialUnreadable' };
  const same = await credentialMatches(code, credential);
  return same === undefined ? undefined : { credentialResult: same };
}
