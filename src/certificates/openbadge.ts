// A certificate as an Open Badges 3.0 credential (1EdTech OB 3.0: a W3C Verifiable Credential of
// type OpenBadgeCredential) that the learner takes to other platforms and wallets:
// - the issuer Profile is BKPSDM Kota Medan, identified by a `did:key` of the installation's Ed25519
//   certificate key, so a verifier resolves the key from the credential itself, offline;
// - the AchievementSubject names the learner (in plain text) and their NIP only as a salted SHA-256
//   hash (a platform that knows the NIP can check it; nobody can read it), with the training dates;
// - the Achievement is the course version: title, competency type, JP, partner as creator, criteria;
// - the credential's `id` is the certificate's public verification address, which answers valid,
//   revoked or replaced for it;
// - the proof is an embedded W3C Data Integrity proof, cryptosuite `eddsa-jcs-2022` (Ed25519 over
//   the SHA-256 of the JSON Canonicalization Scheme form of the proof options and the document).
// Everything comes from the signed content of the certificate; signing is deterministic (Ed25519,
// `created` = the issue time), so the same certificate always exports the same bytes.
import crypto, { type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical';
import type { CertificateContent } from './content';

export const OB3_CONTEXT = [
  'https://www.w3.org/ns/credentials/v2',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
];
export const OB3_SCHEMA =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';
const CRYPTOSUITE = 'eddsa-jcs-2022';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

export function base58btc(bytes: Uint8Array): string {
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
  let out = '';
  while (n > 0n) {
    out = BASE58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const byte of bytes) {
    if (byte !== 0) break;
    out = `1${out}`;
  }
  return out;
}

export function fromBase58btc(text: string): Buffer {
  let n = 0n;
  for (const char of text) {
    const digit = BASE58.indexOf(char);
    if (digit < 0) throw new Error('not base58');
    n = n * 58n + BigInt(digit);
  }
  const hex = n === 0n ? '' : n.toString(16);
  const body = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  const zeros = text.length - text.replace(/^1+/, '').length;
  return Buffer.concat([Buffer.alloc(zeros), body]);
}

const ED25519_MULTICODEC = Buffer.from([0xed, 0x01]);
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The multibase (base58btc) Ed25519 public key, e.g. z6Mk…, as did:key and Multikey write it. */
export function multibaseKey(publicKey: KeyObject): string {
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(ED25519_SPKI_PREFIX.length);
  return `z${base58btc(Buffer.concat([ED25519_MULTICODEC, raw]))}`;
}

/** The Ed25519 public key of a did:key verification method (did:key:z6Mk…#z6Mk…); undefined otherwise. */
export function keyOfVerificationMethod(method: unknown): KeyObject | undefined {
  if (typeof method !== 'string') return undefined;
  const match = /^did:key:(z[1-9A-HJ-NP-Za-km-z]+)#(z[1-9A-HJ-NP-Za-km-z]+)$/.exec(method);
  if (!match || match[1] !== match[2]) return undefined;
  const bytes = fromBase58btc(match[1].slice(1));
  if (bytes.length !== 34 || !bytes.subarray(0, 2).equals(ED25519_MULTICODEC)) return undefined;
  return crypto.createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, bytes.subarray(2)]),
    format: 'der',
    type: 'spki',
  });
}

const COMPETENCY: Record<string, string> = {
  teknis: 'teknis',
  manajerial: 'manajerial',
  sosial_kultural: 'sosial kultural',
};

/** The NIP as OB 3.0 hashes an identity: `sha256$` + hex SHA-256 of the value and a salt. */
export function identityHash(value: string, salt: string): string {
  return `sha256$${crypto
    .createHash('sha256')
    .update(value + salt)
    .digest('hex')}`;
}

/**
 * The credential without its proof. `salt` hides the NIP (derived from the certificate's signature,
 * so the export is stable); `publicKey` names the issuer's key.
 */
export function unsignedCredential(
  content: CertificateContent,
  salt: string,
  baseUrl: string,
  publicKey: KeyObject,
): Record<string, unknown> {
  const did = `did:key:${multibaseKey(publicKey)}`;
  const c = content.course;
  const competency = COMPETENCY[c.competencyType] ?? c.competencyType;
  const jp = String(content.jp).replace('.', ',');
  return {
    '@context': OB3_CONTEXT,
    id: `${baseUrl}/verifikasi/${content.code}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `Sertifikat ${c.title}`,
    description: `Sertifikat pelatihan nomor ${content.number}, diterbitkan oleh BKPSDM Kota Medan.`,
    issuer: {
      id: did,
      type: ['Profile'],
      name: 'Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Kota Medan',
      url: baseUrl,
      address: {
        type: ['Address'],
        addressLocality: 'Medan',
        addressRegion: 'Sumatera Utara',
        addressCountry: 'Indonesia',
        addressCountryCode: 'ID',
      },
    },
    validFrom: content.issuedAt,
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [
        { type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: content.person.name },
        ...(content.person.nip
          ? [
              {
                type: 'IdentityObject',
                identityType: 'identifier',
                hashed: true,
                identityHash: identityHash(content.person.nip, salt),
                salt,
              },
            ]
          : []),
      ],
      ...(content.startedAt ? { activityStartDate: content.startedAt } : {}),
      activityEndDate: content.completedAt,
      achievement: {
        id: `${baseUrl}/kursus/${c.id}`,
        type: ['Achievement'],
        achievementType: 'Course',
        name: c.title,
        description: `Pelatihan kompetensi ${competency} (${c.area}) selama ${jp} JP, diselenggarakan oleh BKPSDM Kota Medan bekerja sama dengan ${c.partner.name}.`,
        criteria: {
          narrative: `Menyelesaikan seluruh materi pelatihan "${c.title}" (versi ${c.version}) di BinaASN sesuai ketentuan kelulusannya.`,
        },
        humanCode: c.code,
        fieldOfStudy: c.area,
        inLanguage: 'id',
        creator: { id: `${baseUrl}#mitra-${c.partner.code}`, type: ['Profile'], name: c.partner.name },
      },
    },
    credentialSchema: [{ id: OB3_SCHEMA, type: '1EdTechJsonSchemaValidator2019' }],
  };
}

/** The bytes eddsa-jcs-2022 signs: SHA-256 of the canonical proof options, then of the document. */
function hashData(document: Record<string, unknown>, options: Record<string, unknown>): Buffer {
  const config = { ...options, '@context': document['@context'] };
  const sha = (value: unknown) => crypto.createHash('sha256').update(canonicalJson(value), 'utf8').digest();
  return Buffer.concat([sha(config), sha(document)]);
}

/** Adds the Data Integrity proof (eddsa-jcs-2022) made with this Ed25519 key at `created`. */
export function signCredential(
  document: Record<string, unknown>,
  privateKey: KeyObject,
  created: string,
): Record<string, unknown> {
  const key = multibaseKey(crypto.createPublicKey(privateKey));
  const options = {
    type: 'DataIntegrityProof',
    cryptosuite: CRYPTOSUITE,
    created: created.replace(/\.\d{3}Z$/, 'Z'),
    verificationMethod: `did:key:${key}#${key}`,
    proofPurpose: 'assertionMethod',
  };
  const signature = crypto.sign(null, hashData(document, options), privateKey);
  return { ...document, proof: { ...options, proofValue: `z${base58btc(signature)}` } };
}

/**
 * Whether a credential's eddsa-jcs-2022 proof verifies with the key its verification method names;
 * resolves that key (to check that it is one of ours) or undefined when the proof does not hold.
 */
export function verifyCredentialProof(credential: unknown): KeyObject | undefined {
  if (!credential || typeof credential !== 'object' || Array.isArray(credential)) return undefined;
  const { proof, ...document } = credential as Record<string, unknown>;
  if (!proof || typeof proof !== 'object' || Array.isArray(proof)) return undefined;
  const { proofValue, ...options } = proof as Record<string, unknown>;
  if (options.type !== 'DataIntegrityProof' || options.cryptosuite !== CRYPTOSUITE) return undefined;
  if (options.proofPurpose !== 'assertionMethod' || typeof proofValue !== 'string') return undefined;
  if ('@context' in options && canonicalJson(options['@context']) !== canonicalJson(document['@context']))
    return undefined;
  const key = keyOfVerificationMethod(options.verificationMethod);
  if (!key || !proofValue.startsWith('z')) return undefined;
  try {
    const signature = fromBase58btc(proofValue.slice(1));
    const { '@context': _context, ...rest } = options;
    return crypto.verify(null, hashData(document, rest), key, signature) ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The salt that hides the NIP in the export: fixed per certificate, derived from its signature. */
export function saltOf(signatureValue: string): string {
  return crypto.createHash('sha256').update(`ob3-identity:${signatureValue}`).digest('hex').slice(0, 32);
}
