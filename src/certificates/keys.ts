// The keys of certificates:
// - the Ed25519 key that signs the canonical content (configured; outside production, generated on
//   first start and kept in the data folder, or per process without one, with a warning), and the
//   public keys of earlier keys (configured, and every key this database has signed with), so a
//   rotation keeps old certificates verifiable;
// - the PKCS#12 certificate and key of the PDF signature (configured, e.g. from BSrE; outside
//   production a generated self-signed one). node-forge reads (and for the demo makes) the PKCS#12
//   once; signing each PDF then uses Node's own crypto (pdf-signature.ts).
import crypto, { type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { CertificateSettings } from '../config';
import { dataFolderFile } from '../db/data-folder';

export const KEYS_FILE = 'certificate-keys.json';

export interface PdfSigningIdentity {
  key: KeyObject;
  /** DER of the signer's X.509 certificate, then any chain certificates from the PKCS#12. */
  certificates: Buffer[];
  subject: string;
}

export interface CertificateKeys {
  signingKey: KeyObject;
  keyId: string;
  publicKeyPem: string;
  /** Configured public keys (current and previous) by key id. */
  known: Map<string, KeyObject>;
  pdf: PdfSigningIdentity;
  /** What was generated rather than configured (the app warns about it). */
  generated: string[];
}

interface StoredKeys {
  ed25519Pkcs8Pem: string;
  p12Base64: string;
  p12Password: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** A self-signed RSA certificate and key as PKCS#12, for development and the demo only. */
export function selfSignedP12(commonName: string, password: string): Buffer {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forgeKey = forge.pki.privateKeyFromPem(
    privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  );
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `01${crypto.randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 24 * 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * 3_600_000);
  const attrs = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'Pemerintah Kota Medan (demo)' },
    { name: 'countryName', value: 'ID' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());
  const asn1 = forge.pkcs12.toPkcs12Asn1(forgeKey, [cert], password, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** The key and certificates of a PKCS#12; throws when the password is wrong or no key matches. */
export function readP12(p12: Buffer, password: string): PdfSigningIdentity {
  const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString('binary')), password);
  const keyBags = [
    ...(parsed.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ??
      []),
    ...(parsed.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const forgeKey = keyBags.find((b) => b.key)?.key;
  if (!forgeKey) throw new Error('the PKCS#12 holds no private key');
  const key = crypto.createPrivateKey(forge.pki.privateKeyToPem(forgeKey));
  const certs = (parsed.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [])
    .map((b) => b.cert)
    .filter((c): c is forge.pki.Certificate => !!c);
  const spki = crypto.createPublicKey(key).export({ type: 'spki', format: 'der' });
  const ders = certs.map((c) => ({
    cert: c,
    der: Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes(), 'binary'),
  }));
  const own = ders.find((d) =>
    crypto
      .createPublicKey(forge.pki.publicKeyToPem(d.cert.publicKey as forge.pki.PublicKey))
      .export({ type: 'spki', format: 'der' })
      .equals(spki),
  );
  if (!own) throw new Error('the PKCS#12 holds no certificate for its key');
  return {
    key,
    certificates: [own.der, ...ders.filter((d) => d !== own).map((d) => d.der)],
    subject: String(own.cert.subject.getField('CN')?.value ?? ''),
  };
}

function generateStored(): StoredKeys {
  const password = crypto.randomBytes(18).toString('base64url');
  return {
    ed25519Pkcs8Pem: crypto
      .generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
    p12Base64: selfSignedP12('BinaASN Kota Medan (demo, self-signed)', password).toString('base64'),
    p12Password: password,
  };
}

const isStored = (v: unknown) =>
  typeof (v as StoredKeys)?.ed25519Pkcs8Pem === 'string' &&
  typeof (v as StoredKeys)?.p12Base64 === 'string' &&
  typeof (v as StoredKeys)?.p12Password === 'string';

let perProcess: StoredKeys | undefined;
const resolved = new WeakMap<CertificateSettings, CertificateKeys>();

/** The keys for these settings, generating (and keeping) the missing ones outside production. */
export function certificateKeys(settings: CertificateSettings): CertificateKeys {
  const known = resolved.get(settings);
  if (known) return known;
  const needsGenerated = !settings.signingKeyPem || !settings.p12;
  const stored = !needsGenerated
    ? undefined
    : settings.keyFolder
      ? dataFolderFile(settings.keyFolder, KEYS_FILE, generateStored, isStored)
      : (perProcess ??= generateStored());
  const generated: string[] = [];
  if (!settings.signingKeyPem) generated.push('CERTIFICATE_SIGNING_KEY');
  if (!settings.p12) generated.push('CERTIFICATE_P12_FILE');
  if (!settings.jwtKeyPem) generated.push('CERTIFICATE_JWT_KEY'); // made on first use (jwt-keys.ts)
  const signingKey = crypto.createPrivateKey(settings.signingKeyPem ?? stored!.ed25519Pkcs8Pem);
  const publicKey = crypto.createPublicKey(signingKey);
  const keyId = keyIdOf(publicKey);
  const knownKeys = new Map<string, KeyObject>([[keyId, publicKey]]);
  for (const pem of settings.previousPublicKeysPem) {
    const key = crypto.createPublicKey(pem);
    knownKeys.set(keyIdOf(key), key);
  }
  const pdf = settings.p12
    ? readP12(settings.p12, settings.p12Password)
    : readP12(Buffer.from(stored!.p12Base64, 'base64'), stored!.p12Password);
  const keys: CertificateKeys = {
    signingKey,
    keyId,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    known: knownKeys,
    pdf,
    generated,
  };
  resolved.set(settings, keys);
  return keys;
}
