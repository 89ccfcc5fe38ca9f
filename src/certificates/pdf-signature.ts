// The PDF signature (PAdES baseline B, SubFilter ETSI.CAdES.detached): @signpdf/placeholder-plain
// reserves the /Contents of a signature field, @signpdf/signpdf fills it with the CMS SignedData
// this signer builds. The CMS structure is written with @peculiar/asn1-cms; the signature itself is
// Node's native crypto (RSA PKCS#1 v1.5 or ECDSA, SHA-256), a few hundred microseconds per PDF.
// Signed attributes: content type, message digest and the ESS signing-certificate-v2 that PAdES
// requires; the signing time is the /M entry of the signature dictionary, as PAdES wants.
import crypto from 'node:crypto';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import signpdf from '@signpdf/signpdf';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
  DigestAlgorithmIdentifiers,
  id_data,
  id_signedData,
} from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import type { PdfSigningIdentity } from './keys';

const OID = {
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
};

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

/** DER of an OBJECT IDENTIFIER. */
function derOid(oid: string): Buffer {
  const [a, b, ...rest] = oid.split('.').map(Number);
  const bytes = [a * 40 + b];
  for (const n of rest) {
    const base128: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
}

const toArrayBuffer = (b: Buffer): ArrayBuffer =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, hash algorithm SHA-256 (the default, omitted). */
function signingCertificateV2(certDer: Buffer): Buffer {
  const hash = crypto.createHash('sha256').update(certDer).digest();
  return der(0x30, der(0x30, der(0x30, der(0x04, hash))));
}

/** A @signpdf signer on Node's crypto with a PKCS#12's key and certificates (read once, keys.ts). */
export class NativeCmsSigner extends Signer {
  private readonly certificates: Certificate[];
  private readonly signatureAlgorithm: string;

  constructor(private readonly identity: PdfSigningIdentity) {
    super();
    this.certificates = identity.certificates.map((d) => AsnConvert.parse(d, Certificate));
    const type = identity.key.asymmetricKeyType;
    if (type !== 'rsa' && type !== 'ec')
      throw new Error(`PDF signing key of type ${type} is not supported (RSA or EC)`);
    this.signatureAlgorithm = type === 'rsa' ? OID.rsaEncryption : OID.ecdsaWithSha256;
  }

  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    const digest = crypto.createHash('sha256').update(pdfBuffer).digest();
    const attributes = [
      new Attribute({ attrType: OID.contentType, attrValues: [toArrayBuffer(derOid(id_data))] }),
      new Attribute({
        attrType: OID.messageDigest,
        attrValues: [AsnConvert.serialize(new OctetString(digest))],
      }),
      new Attribute({
        attrType: OID.signingCertificateV2,
        attrValues: [toArrayBuffer(signingCertificateV2(this.identity.certificates[0]))],
      }),
    ]
      .map((a) => ({ a, bytes: Buffer.from(AsnConvert.serialize(a)) }))
      .sort((x, y) => Buffer.compare(x.bytes, y.bytes)); // DER: a SET OF is sorted
    const signedAttrsDer = der(0x31, ...attributes.map((x) => x.bytes));
    const signature = crypto.sign('sha256', signedAttrsDer, this.identity.key);
    const own = this.certificates[0];
    const signerInfo = new SignerInfo({
      version: 1,
      sid: new SignerIdentifier({
        issuerAndSerialNumber: new IssuerAndSerialNumber({
          issuer: own.tbsCertificate.issuer,
          serialNumber: own.tbsCertificate.serialNumber,
        }),
      }),
      digestAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha256 }),
      signedAttrs: attributes.map((x) => x.a),
      signatureAlgorithm: new AlgorithmIdentifier({
        algorithm: this.signatureAlgorithm,
        ...(this.signatureAlgorithm === OID.rsaEncryption ? { parameters: null } : {}),
      }),
      signature: new OctetString(signature),
    });
    const signedData = new SignedData({
      version: 1,
      digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: OID.sha256 })]),
      encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data }),
      certificates: new CertificateSet(
        this.certificates.map((c) => new CertificateChoices({ certificate: c })),
      ),
      signerInfos: new SignerInfos([signerInfo]),
    });
    const contentInfo = new ContentInfo({
      contentType: id_signedData,
      content: AsnConvert.serialize(signedData),
    });
    return Buffer.from(AsnConvert.serialize(contentInfo));
  }
}

const signers = new WeakMap<PdfSigningIdentity, NativeCmsSigner>();

/** The PDF with a PAdES signature by the configured identity. */
export async function signPdf(
  pdf: Buffer,
  identity: PdfSigningIdentity,
  details: { reason: string; signingTime: Date },
): Promise<Buffer> {
  let signer = signers.get(identity);
  if (!signer) {
    signer = new NativeCmsSigner(identity);
    signers.set(identity, signer);
  }
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: details.reason,
    contactInfo: 'bkpsdm@pemkomedan.go.id',
    name: identity.subject || 'BKPSDM Kota Medan',
    location: 'Medan',
    signingTime: details.signingTime,
    signatureLength: 8192,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    appName: 'BinaASN',
  });
  return signpdf.sign(withPlaceholder, signer, details.signingTime);
}
