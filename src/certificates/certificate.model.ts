// Certificates: one per completed enrolment, issued in the completion's transaction.
// - `content` is the canonical content as issued (the person as they were, the course version, JP,
//   dates, signatories, outline): the PDF and the verification page are made from it, never from
//   today's person or course, and `signature` is Ed25519 over its canonical JSON (canonical.ts).
// - `number` comes from the gap-free sequence of the WIB year of issue (CertificateCounter, bumped
//   in the same transaction, so an aborted completion leaves no hole).
// - `code` is the random public verification code (QR, /verifikasi/:code); never the number.
// - a reissue (a corrected name, rank or course fact) writes a new certificate for the same
//   enrolment with a new number and code; the old one is kept, `superseded`, naming its successor
//   (`supersededBy`), and still verifies as "replaced by <number>". One current certificate per
//   enrolment: the unique index is on (enrolmentId, supersededBy), and only a current certificate
//   has no `supersededBy`.
// - `file` is the stored PDF in GridFS (bucket `certificates`): rendered right after the
//   transaction commits, or on first download when missing; the stored bytes are what everyone gets.
import { Schema, model, type InferSchemaType } from 'mongoose';

export const CERTIFICATE_STATUSES = ['valid', 'revoked', 'superseded'] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

const counterSchema = new Schema({
  _id: { type: String, required: true }, // the year, e.g. "2026"
  seq: { type: Number, required: true, default: 0 },
});

const fileSchema = new Schema(
  {
    id: { type: Schema.Types.ObjectId, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    renderedAt: { type: Date, required: true },
  },
  { _id: false },
);

const signatureSchema = new Schema(
  {
    alg: { type: String, required: true, enum: ['Ed25519'] },
    keyId: { type: String, required: true },
    value: { type: String, required: true }, // base64url
  },
  { _id: false },
);

const certificateSchema = new Schema(
  {
    enrolmentId: { type: String, required: true, maxlength: 64 },
    person: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    course: { type: Schema.Types.ObjectId, ref: 'Course', required: true },
    courseVersion: { type: Number, required: true },
    /** The person's OPD at issue (HR scope reads the person's current OPD through users.peopleScope). */
    opd: { type: Schema.Types.ObjectId, ref: 'Institution' },
    number: { type: String, required: true },
    year: { type: Number, required: true },
    seq: { type: Number, required: true },
    code: { type: String, required: true, match: /^[A-Z2-7]{20}$/ },
    issuedAt: { type: Date, required: true },
    content: { type: Schema.Types.Mixed, required: true },
    signature: { type: signatureSchema, required: true },
    status: { type: String, enum: CERTIFICATE_STATUSES, default: 'valid' },
    revokedAt: { type: Date },
    revokedReason: { type: String, maxlength: 500 },
    revokedBy: { type: Schema.Types.ObjectId, ref: 'User' },
    /** Set when a reissue replaced this certificate: the new one, its number, when and why. */
    supersededBy: { type: Schema.Types.ObjectId, ref: 'Certificate' },
    supersededByNumber: { type: String },
    supersededAt: { type: Date },
    reissueReason: { type: String, maxlength: 500 },
    /** On a reissued certificate: the one it replaces. */
    replaces: { type: Schema.Types.ObjectId, ref: 'Certificate' },
    file: { type: fileSchema, required: false },
  },
  { timestamps: true, minimize: false },
);

// One current certificate per enrolment (a current one has no supersededBy, indexed as null); the
// superseded ones each name a different successor.
certificateSchema.index(
  { enrolmentId: 1, supersededBy: 1 },
  { unique: true, name: 'one_current_per_enrolment' },
);
/** The index of the first release (one certificate per enrolment, ever), dropped at start. */
export const RETIRED_INDEXES = ['enrolmentId_1'];
certificateSchema.index({ code: 1 }, { unique: true });
certificateSchema.index({ year: 1, seq: 1 }, { unique: true });
certificateSchema.index({ person: 1, issuedAt: -1 });
certificateSchema.index({ issuedAt: -1 });

/** Public keys of the signing keys this installation used, so rotation keeps old certificates verifiable. */
const signingKeySchema = new Schema({
  _id: { type: String, required: true }, // keyId
  publicKeyPem: { type: String, required: true },
  firstUsedAt: { type: Date, required: true },
});

export type CertificateFields = InferSchemaType<typeof certificateSchema>;
export const Certificate = model('Certificate', certificateSchema);
export const CertificateCounter = model('CertificateCounter', counterSchema);
export const CertificateSigningKey = model('CertificateSigningKey', signingKeySchema);

/** Public keys of the RSA keys that signed Open Badges VC-JWT exports (by RFC 7638 thumbprint), published in the JWKS. */
const jwtKeySchema = new Schema({
  _id: { type: String, required: true }, // JWK thumbprint
  publicKeyPem: { type: String, required: true },
  firstUsedAt: { type: Date, required: true },
});
export const OpenBadgeJwtKey = model('OpenBadgeJwtKey', jwtKeySchema);
