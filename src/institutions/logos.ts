// Institution logos (the city's, on the city-wide HR OPD that issues certificates, and each partner
// university's), drawn on certificates. Uploaded by curators and admins: at most LOGO_MAX_BYTES, the
// type sniffed from the bytes (PNG or JPEG only, whatever the name or declared type say) and the
// image opened once to make sure a PDF can draw it (no markup, no appended second file, no
// decompression bomb); stored in GridFS under a random id; audited.
// The certificate PDF reads them through certificateLogos(), kept in memory until an institution
// changes (any write through the model, or the change stream of another instance).
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import mongoose, { trusted, Types } from 'mongoose';
import { GridFSBucket } from 'mongodb';
import PDFDocument from 'pdfkit';
import type { Actor } from '../core/actor';
import { audit, type AuditContext } from '../audit';
import { WatchedCache } from '../db/watched-cache';
import { Forbidden, NotFound, ValidationFailed } from '../web/errors';
import { Institution, institutionWrites } from './institution.model';
import { canManageInstitutions } from './institutions.service';

export const LOGO_MAX_BYTES = 512 * 1024;
const BUCKET = 'institutionLogos';

function bucket(): GridFSBucket {
  return new GridFSBucket(mongoose.connection.db!, { bucketName: BUCKET });
}

/** The image type of these bytes by their signature: PNG, JPEG, or undefined for anything else. */
export function sniffImage(bytes: Buffer): 'image/png' | 'image/jpeg' | undefined {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')))
    return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return undefined;
}

const MAX_SIDE = 4000;

/**
 * Markup or script a browser or another program could find in the file if it sniffed it. XML as
 * such is allowed: design tools write their XMP metadata (`<?xpacket`, `<?xml`, `<x:xmpmeta`).
 */
const MARKUP = /<(script|svg|html|body|iframe|object|embed|\?php|!doctype)|javascript:/i;

/**
 * A PNG's chunks, checked: nothing after IEND (where polyglots hide a second file), and the
 * compressed pixels inflate to no more than the declared size needs (a decompression bomb stops at
 * that bound instead of filling the memory when a certificate draws it).
 */
function isPlainPng(bytes: Buffer): boolean {
  let at = 8;
  let width = 0;
  let height = 0;
  let bitsPerPixel = 0;
  const idat: Buffer[] = [];
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    at += 12 + length;
    if (type === 'IHDR' && data.length >= 13) {
      [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
      bitsPerPixel = data[8] * ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[data[9]] ?? 4);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') return at === bytes.length && inflatesWithin(idat, width, height, bitsPerPixel);
  }
  return false;
}

function inflatesWithin(idat: Buffer[], width: number, height: number, bitsPerPixel: number): boolean {
  if (!width || !height || width > MAX_SIDE || height > MAX_SIDE || !idat.length) return false;
  // Adam7 interlacing adds at most a filter byte per row of each of its seven passes.
  const bound = height * (1 + Math.ceil((width * bitsPerPixel) / 8)) + 7 * height + 64;
  try {
    zlib.inflateSync(Buffer.concat(idat), { maxOutputLength: bound });
    return true;
  } catch {
    return false;
  }
}

/** A JPEG ends with its end-of-image marker: anything after it is a second file riding along. */
function isPlainJpeg(bytes: Buffer): boolean {
  return bytes.length > 4 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
}

/**
 * Whether the bytes are only an image of the sniffed type: no markup or script anywhere, no second
 * file appended, no decompression bomb, at most MAX_SIDE pixels a side.
 */
function isPlainImage(bytes: Buffer, contentType: 'image/png' | 'image/jpeg'): boolean {
  if (MARKUP.test(bytes.toString('latin1'))) return false;
  return contentType === 'image/png' ? isPlainPng(bytes) : isPlainJpeg(bytes);
}

/** Whether pdfkit can draw the image (a truncated or exotic file fails here, not on a certificate). */
function isDrawable(bytes: Buffer): boolean {
  try {
    const doc = new PDFDocument({ autoFirstPage: false }) as unknown as {
      openImage(src: Buffer): { width: number; height: number };
    };
    const image = doc.openImage(bytes);
    return image.width > 0 && image.height > 0 && image.width <= MAX_SIDE && image.height <= MAX_SIDE;
  } catch {
    return false;
  }
}

async function store(bytes: Buffer, institutionId: string, contentType: string): Promise<Types.ObjectId> {
  const id = new Types.ObjectId();
  await new Promise<void>((resolve, reject) => {
    const stream = bucket().openUploadStreamWithId(id, `logo-${institutionId}`, {
      metadata: { institution: institutionId, contentType },
    });
    stream.once('finish', () => resolve()).once('error', reject);
    stream.end(bytes);
  });
  return id;
}

/**
 * Sets an institution's logo (curators, admins); a file that is not a drawable PNG or JPEG within
 * the size limit is refused with a message next to the field. The previous file is removed.
 */
export async function setLogo(
  actor: Actor,
  id: string,
  bytes: Buffer | undefined,
  context: AuditContext = {},
): Promise<void> {
  if (!canManageInstitutions(actor)) throw new Forbidden();
  const institution = Types.ObjectId.isValid(id) ? await Institution.findById(id) : null;
  if (!institution) throw new NotFound('institution');
  if (!bytes?.length) throw new ValidationFailed({ logo: 'institutions.errors.logoMissing' });
  if (bytes.length > LOGO_MAX_BYTES) throw new ValidationFailed({ logo: 'institutions.errors.logoTooLarge' });
  const contentType = sniffImage(bytes);
  if (!contentType || !isPlainImage(bytes, contentType) || !isDrawable(bytes))
    throw new ValidationFailed({ logo: 'institutions.errors.logoType' });
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const fileId = await store(bytes, id, contentType);
  const before = institution.logo?.sha256;
  const previous = institution.logo?.fileId;
  institution.logo = { fileId, contentType, size: bytes.length, sha256, uploadedAt: new Date() };
  await institution.save();
  if (previous)
    await bucket()
      .delete(previous)
      .catch(() => undefined);
  await audit.record(
    actor,
    {
      action: 'institution.logo',
      targetType: 'institution',
      targetId: institution._id,
      targetLabel: institution.name,
      before: { logo: before ?? null },
      after: { logo: sha256, contentType, size: bytes.length },
    },
    context,
  );
}

/** An institution's logo for its edit page (curators, admins); NotFound when it has none. */
export async function logoFile(
  actor: Actor,
  id: string,
): Promise<{ stream: Readable; contentType: string; size: number }> {
  if (!canManageInstitutions(actor)) throw new Forbidden();
  const institution = Types.ObjectId.isValid(id) ? await Institution.findById(id, { logo: 1 }).lean() : null;
  if (!institution?.logo) throw new NotFound('institution');
  return {
    stream: bucket().openDownloadStream(institution.logo.fileId),
    contentType: institution.logo.contentType,
    size: institution.logo.size,
  };
}

async function readLogo(fileId: Types.ObjectId): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of bucket().openDownloadStream(fileId)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const logos = new WatchedCache<Buffer | null>('institutions', 200);
let seenWrites = institutionWrites.version;

async function logoWhere(key: string, filter: Record<string, unknown>): Promise<Buffer | undefined> {
  if (seenWrites !== institutionWrites.version) {
    logos.clear();
    seenWrites = institutionWrites.version;
  }
  const found = await logos.get(key, async () => {
    const institution = await Institution.findOne(filter, { logo: 1 }).lean();
    return institution?.logo ? readLogo(institution.logo.fileId) : null;
  });
  return found ?? undefined;
}

/**
 * The logos a certificate shows: the city's (the logo of the city-wide HR OPD, BKPSDM, which issues
 * certificates) and the partner's (by its code); undefined where none was uploaded (the PDF then
 * draws its emblem).
 */
export async function certificateLogos(partnerCode: string): Promise<{ city?: Buffer; partner?: Buffer }> {
  const [city, partner] = await Promise.all([
    logoWhere('city', { kind: 'opd', cityWideHr: true, 'logo.fileId': trusted({ $exists: true }) }),
    partnerCode ? logoWhere(`partner:${partnerCode}`, { code: partnerCode }) : undefined,
  ]);
  return { city, partner };
}
