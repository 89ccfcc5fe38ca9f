// A certificate's Open Badges 3.0 credential in the JSON Web Token proof format (OB 3.0 §8.2
// "JSON Web Token Proof Format", VC-JWT), the proof every conforming OB 3.0 verifier must accept:
// - JOSE header `{"alg":"RS256","typ":"JWT","kid":…,"jwk":…}` and nothing else (the section allows
//   no other header). RS256 because it is the one algorithm the spec requires every verifier to
//   support; `kid` is a URL under BASE_URL that answers the public JWK, and `jwk` carries the same
//   public key (n and e only), so a wallet can check offline and an online verifier can dereference.
// - payload: the OpenBadgeCredential itself (VC Data Model 2.0, no `vc` wrapper) with the claims
//   `iss` = issuer.id, `jti` = id, `sub` = credentialSubject.id, `nbf` and `iat` = validFrom (the
//   issue time, to the second, so `nbf` converts back to exactly validFrom); no `exp`: a training
//   certificate does not expire (no validUntil).
// - the credential is the one of the JSON export (openbadge.ts) with two differences the JWT rules
//   need: validFrom without milliseconds, and a credentialSubject.id for `sub` — a pseudonymous
//   `urn:uuid:` fixed per certificate (the learner has no DID; the name and the salted NIP hash in
//   `identifier` say who it is), so nothing links one learner's badges to each other.
// - compact JWS: BASE64URL(header) . BASE64URL(payload) . BASE64URL(RSASSA-PKCS1-v1_5 SHA-256).
// Signing is deterministic, so one certificate always exports the same token.
// Checking an uploaded token trusts nothing it says about keys: only RS256, only a key of this
// installation found by the thumbprint in `kid`/`jwk`, bounded sizes, strict base64url.
import crypto, { type KeyObject } from 'node:crypto';
import { parseJsonObject } from './bounded-json';
import type { CertificateContent } from './content';
import { jwkThumbprint, publicJwk, type JwtSigningKey } from './jwt-keys';
import { unsignedCredential } from './openbadge';

export const JWT_ALG = 'RS256';
/** Where the public keys are published under BASE_URL: `/openbadges/kunci` and `/openbadges/kunci/:kid`. */
export const JWT_KEYS_PATH = '/openbadges';
/** The longest token the verification page reads (an export is about 5 KB). */
export const JWT_MAX_LENGTH = 64 * 1024;
/** The largest decoded JOSE header (alg, typ, kid and a 4096-bit public JWK fit in 1 KB). */
export const JWT_HEADER_MAX_BYTES = 4096;
const HEADER_MAX_DEPTH = 2;
const PAYLOAD_MAX_DEPTH = 32;
const HEADER_MEMBERS = new Set(['alg', 'typ', 'kid', 'jwk']);
const CLAIMS = ['iss', 'jti', 'sub', 'nbf', 'iat', 'exp'] as const;
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

export const keyUrl = (baseUrl: string, thumbprint: string): string =>
  `${baseUrl}${JWT_KEYS_PATH}/kunci/${thumbprint}`;

/** The pseudonymous subject id of a certificate's badge: a UUID (RFC 9562 version 8) from its salt. */
export function subjectIdOf(salt: string): string {
  const bytes = crypto.createHash('sha256').update(`ob3-subject:${salt}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const toSecond = (iso: string) =>
  new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** The credential a VC-JWT carries for this certificate (see the head of this file). */
export function jwtCredential(
  content: CertificateContent,
  salt: string,
  baseUrl: string,
  issuerKey: KeyObject,
): Record<string, unknown> {
  const credential = unsignedCredential(content, salt, baseUrl, issuerKey);
  const subject = credential.credentialSubject as Record<string, unknown>;
  return {
    ...credential,
    validFrom: toSecond(content.issuedAt),
    credentialSubject: { id: subjectIdOf(salt), ...subject },
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const issuerIdOf = (credential: Record<string, unknown>): unknown => {
  const issuer = credential.issuer;
  return issuer && typeof issuer === 'object' ? (issuer as { id?: unknown }).id : issuer;
};
const subjectIdIn = (credential: Record<string, unknown>): unknown =>
  (credential.credentialSubject as { id?: unknown } | undefined)?.id;
const seconds = (iso: unknown) => (typeof iso === 'string' ? Date.parse(iso) / 1000 : NaN);

/** The compact JWS of a credential (from jwtCredential), signed RS256 with this key. */
export function signJwt(credential: Record<string, unknown>, key: JwtSigningKey, baseUrl: string): string {
  const header = {
    alg: JWT_ALG,
    typ: 'JWT',
    kid: keyUrl(baseUrl, key.thumbprint),
    jwk: publicJwk(key.publicKey),
  };
  const nbf = Math.floor(seconds(credential.validFrom));
  const payload = {
    iss: issuerIdOf(credential),
    jti: credential.id,
    sub: subjectIdIn(credential),
    nbf,
    iat: nbf,
    ...(typeof credential.validUntil === 'string' ? { exp: Math.floor(seconds(credential.validUntil)) } : {}),
    ...credential,
  };
  const signingInput = `${b64(header)}.${b64(payload)}`;
  const signature = crypto.sign('sha256', Buffer.from(signingInput, 'ascii'), {
    key: key.privateKey,
    padding: crypto.constants.RSA_PKCS1_PADDING,
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}

export interface ParsedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/** Strict base64url (no padding, no stray characters, canonical trailing bits); undefined otherwise. */
function fromBase64url(part: string, maxBytes: number): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(part) || part.length % 4 === 1 || (part.length * 3) / 4 > maxBytes + 2)
    return undefined;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.length <= maxBytes && bytes.toString('base64url') === part ? bytes : undefined;
}

/** Whether an uploaded file or pasted text is a compact JWS (rather than JSON or a PDF). */
export function looksLikeJwt(bytes: Buffer): boolean {
  return /^\s*eyJ/.test(bytes.subarray(0, 16).toString('latin1'));
}

/**
 * The parts of a compact JWS, or undefined when it cannot be one: too long, not three strict
 * base64url parts, a header over JWT_HEADER_MAX_BYTES, or a header or payload that is not a JSON
 * object of bounded depth.
 */
export function parseJws(text: string): ParsedJws | undefined {
  const token = text.trim();
  if (token.length > JWT_MAX_LENGTH) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const headerBytes = fromBase64url(parts[0], JWT_HEADER_MAX_BYTES);
  const payloadBytes = fromBase64url(parts[1], JWT_MAX_LENGTH);
  const signature = fromBase64url(parts[2], 1024);
  if (!headerBytes || !payloadBytes || !signature) return undefined;
  const header = parseJsonObject(headerBytes, HEADER_MAX_DEPTH);
  const payload = parseJsonObject(payloadBytes, PAYLOAD_MAX_DEPTH);
  if (!header || !payload) return undefined;
  return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature };
}

/**
 * The thumbprint of the key a header names: from `kid` (a URL ending in /kunci/<thumbprint>) and
 * `jwk` (public RSA members only); both, when present, must name the same key. Undefined for
 * anything else (no key named, a private or non-RSA JWK, a header member OB 3.0 does not allow).
 */
function namedThumbprint(header: Record<string, unknown>): string | undefined {
  if (Object.keys(header).some((k) => !HEADER_MEMBERS.has(k))) return undefined;
  if (header.alg !== JWT_ALG || (header.typ !== undefined && header.typ !== 'JWT')) return undefined;
  const named: string[] = [];
  if (header.kid !== undefined) {
    const match = typeof header.kid === 'string' ? /\/kunci\/([A-Za-z0-9_-]{43})$/.exec(header.kid) : null;
    if (!match) return undefined;
    named.push(match[1]);
  }
  if (header.jwk !== undefined) {
    const jwk = header.jwk as Record<string, unknown> | null;
    if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) return undefined;
    if (Object.keys(jwk).some((k) => !['kty', 'n', 'e', 'kid', 'alg', 'use'].includes(k))) return undefined;
    if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') return undefined;
    named.push(jwkThumbprint({ n: jwk.n, e: jwk.e }));
  }
  const [first] = named;
  return first && THUMBPRINT.test(first) && named.every((t) => t === first) ? first : undefined;
}

/**
 * The credential of a VC-JWT whose RS256 signature holds with one of this installation's keys
 * (found by `keyOf` from the thumbprint the header names, never from the header's key material)
 * and whose claims are the credential's (OB 3.0 "Verify a Credential VC-JWT Signature");
 * undefined otherwise.
 */
export async function verifyJwt(
  jws: ParsedJws,
  keyOf: (thumbprint: string) => Promise<KeyObject | undefined>,
  now: Date,
): Promise<Record<string, unknown> | undefined> {
  const thumbprint = namedThumbprint(jws.header);
  const key = thumbprint ? await keyOf(thumbprint) : undefined;
  if (!key || key.asymmetricKeyType !== 'rsa') return undefined;
  const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (jws.signature.length !== modulusBytes) return undefined;
  const signed = crypto.verify(
    'sha256',
    Buffer.from(jws.signingInput, 'ascii'),
    { key, padding: crypto.constants.RSA_PKCS1_PADDING },
    jws.signature,
  );
  if (!signed) return undefined;
  const { payload } = jws;
  const credential = Object.fromEntries(
    Object.entries(payload).filter(([k]) => !(CLAIMS as readonly string[]).includes(k)),
  );
  const validFrom = seconds(credential.validFrom);
  const claimsHold =
    typeof payload.iss === 'string' &&
    payload.iss === issuerIdOf(credential) &&
    typeof payload.jti === 'string' &&
    payload.jti === credential.id &&
    typeof payload.sub === 'string' &&
    payload.sub === subjectIdIn(credential) &&
    typeof payload.nbf === 'number' &&
    payload.nbf === validFrom &&
    payload.nbf <= now.getTime() / 1000 &&
    (payload.exp === undefined ||
      (typeof payload.exp === 'number' &&
        payload.exp === seconds(credential.validUntil) &&
        payload.exp > now.getTime() / 1000));
  return claimsHold ? credential : undefined;
}
