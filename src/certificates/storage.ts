// The stored certificate PDFs (GridFS bucket `certificates`): rendered and signed once, then the
// same bytes for every download. A render started right after issue and one started by a download
// of a certificate whose file is missing share one promise in this process; between processes the
// first to record its file wins and the other removes its upload.
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import mongoose, { Types } from 'mongoose';
import { GridFSBucket } from 'mongodb';
import { certificateLogos } from '../institutions';
import { Certificate, RETIRED_INDEXES } from './certificate.model';
import { announceIssued } from './events';
import type { CertificateContent } from './content';
import { renderCertificatePdf } from './pdf';
import { signPdf } from './pdf-signature';
import { resultsOf } from './results';
import { certificateRuntime } from './settings';

export const BUCKET = 'certificates';

export interface StoredFile {
  id: Types.ObjectId;
  size: number;
  sha256: string;
}

function bucket(): GridFSBucket {
  return new GridFSBucket(mongoose.connection.db!, { bucketName: BUCKET });
}

export function verificationUrl(code: string): string {
  return `${certificateRuntime().baseUrl()}/verifikasi/${code}`;
}

/** The signed PDF of a certificate's content (no storage): what the bench measures. */
export async function buildPdf(
  content: CertificateContent,
  enrolmentId: string,
  now = new Date(),
): Promise<Buffer> {
  const { keys } = certificateRuntime();
  const [results, logos] = await Promise.all([
    resultsOf(enrolmentId).catch(() => undefined),
    certificateLogos(content.course.partner.code),
  ]);
  const pdf = await renderCertificatePdf(content, verificationUrl(content.code), results, logos);
  return signPdf(pdf, keys.pdf, { reason: `Sertifikat ${content.number}`, signingTime: now });
}

async function upload(bytes: Buffer, certificateId: string, number: string): Promise<Types.ObjectId> {
  const id = new Types.ObjectId();
  await new Promise<void>((resolve, reject) => {
    const stream = bucket().openUploadStreamWithId(id, `${number.replace(/[^A-Za-z0-9]+/g, '-')}.pdf`, {
      metadata: { certificate: certificateId, contentType: 'application/pdf' },
    });
    stream.once('finish', () => resolve()).once('error', reject);
    stream.end(bytes);
  });
  return id;
}

const inFlight = new Map<string, Promise<StoredFile | undefined>>();

async function render(id: string): Promise<StoredFile | undefined> {
  const certificate = await Certificate.findById(id).lean();
  if (!certificate) return undefined; // the completion rolled back
  if (certificate.file) return certificate.file;
  const bytes = await buildPdf(certificate.content as CertificateContent, certificate.enrolmentId);
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const fileId = await upload(bytes, id, certificate.number);
  const file = { id: fileId, size: bytes.length, sha256, renderedAt: new Date() };
  const claimed = await Certificate.updateOne({ _id: id, file: null }, { $set: { file } });
  if (claimed.modifiedCount === 1) return file;
  await bucket()
    .delete(fileId)
    .catch(() => undefined); // another process stored its render first
  return (await Certificate.findById(id, { file: 1 }).lean())?.file ?? undefined;
}

/** The certificate's stored PDF, rendering and storing it first when it is missing. */
export function ensureFile(id: string): Promise<StoredFile | undefined> {
  let pending = inFlight.get(id);
  if (!pending) {
    pending = render(id).finally(() => inFlight.delete(id));
    inFlight.set(id, pending);
  }
  return pending;
}

/**
 * Renders in the background after a committed issue, then tells the listeners the certificate is
 * ready (events.ts); a failed render is logged and retried on download. Resolves when both are done.
 */
export function renderSoon(id: string): Promise<void> {
  const done = ensureFile(id)
    .then(
      () => undefined,
      (error: unknown) => {
        certificateRuntime().logger?.error({ err: error, certificate: id }, 'certificate PDF render failed');
      },
    )
    .then(() => announceIssued(id))
    .catch((error: unknown) => {
      certificateRuntime().logger?.error({ err: error, certificate: id }, 'certificate announcement failed');
    })
    .finally(() => afterIssue.delete(id));
  afterIssue.set(id, done);
  return done;
}

const afterIssue = new Map<string, Promise<void>>();

/** Resolves once what follows the issue of this certificate in this process (PDF, listeners) is done. */
export function afterIssueSettled(id: string): Promise<void> {
  return afterIssue.get(id) ?? Promise.resolve();
}

export function openFile(fileId: Types.ObjectId): Readable {
  return bucket().openDownloadStream(fileId);
}

export async function readFile(fileId: Types.ObjectId): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of openFile(fileId)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Drops the indexes of earlier releases from a database written by them (one certificate per
 * enrolment ever, which a reissue must be free of); a no-op once done. In the background, at start.
 */
export function retireOldIndexes(): void {
  for (const name of RETIRED_INDEXES) void Certificate.collection.dropIndex(name).catch(() => undefined); // absent: nothing to do
}
