// Course files in GridFS: one bucket per kind (images, videos, downloads), each file stored under a
// random id with its metadata (course, uploader, original name, size, sha256, sniffed type). The
// type is read from the bytes (file-type; SVG by its text) and must be on the kind's allow-list and
// agree with the name's extension; the name is sanitised. Files are streamed in and out, never
// held whole in memory, and never changed once stored.
/* eslint-disable security/detect-non-literal-fs-filename -- paths are multer's staging files, never taken from a request */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import FileType from 'file-type';
import mongoose, { Types } from 'mongoose';
import { GridFSBucket } from 'mongodb';
import type { FileRef } from './course.model';

export const FILE_KINDS = ['image', 'video', 'file'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** Largest upload per kind (also multer's limit on the route that takes it). */
export const MAX_BYTES: Record<FileKind, number> = {
  image: 5 * 1024 * 1024,
  video: 500 * 1024 * 1024,
  file: 50 * 1024 * 1024,
};

export const BUCKETS: Record<FileKind, string> = {
  image: 'courseImages',
  video: 'courseVideos',
  file: 'courseFiles',
};

interface AllowedType {
  mime: string;
  extensions: string[];
}

/** What each kind may hold, by the type found in the bytes; the extensions a name may carry for it. */
export const ALLOWED_TYPES: Record<FileKind, AllowedType[]> = {
  image: [
    { mime: 'image/png', extensions: ['png'] },
    { mime: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
    { mime: 'image/webp', extensions: ['webp'] },
    { mime: 'image/gif', extensions: ['gif'] },
    { mime: 'image/svg+xml', extensions: ['svg'] },
  ],
  video: [
    { mime: 'video/mp4', extensions: ['mp4', 'm4v'] },
    { mime: 'video/webm', extensions: ['webm'] },
  ],
  file: [
    { mime: 'application/pdf', extensions: ['pdf'] },
    {
      mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      extensions: ['pptx'],
    },
    { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'] },
    { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'] },
    { mime: 'application/vnd.oasis.opendocument.presentation', extensions: ['odp'] },
    { mime: 'application/vnd.oasis.opendocument.spreadsheet', extensions: ['ods'] },
    { mime: 'application/vnd.oasis.opendocument.text', extensions: ['odt'] },
  ],
};

/** Why a file was refused: a message key of the courses catalog. */
export class FileRejected extends Error {
  constructor(
    public readonly messageKey: string,
    public readonly params: Record<string, string> = {},
  ) {
    super(messageKey);
    this.name = 'FileRejected';
  }
}

/** A file name as stored and sent: letters, digits, dot, dash, underscore; no path; at most 120 characters. */
export function sanitiseFileName(original: string, fallback = 'berkas'): string {
  const base = original.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+/, '')
    .slice(-120);
  return cleaned && /[A-Za-z0-9]/.test(cleaned) ? cleaned : fallback;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * SVG is text, so file-type does not name it: an SVG is UTF-8 text whose first element is <svg>,
 * without a DTD (no entities) and without a NUL byte.
 */
export function looksLikeSvg(head: Buffer): boolean {
  const text = head.toString('utf8');
  if (text.includes('\u0000') || /<!DOCTYPE|<!ENTITY/i.test(text)) return false;
  let rest = text
    .replace(/^\uFEFF/, '')
    .replace(/^\s*<\?xml[^>]*\?>/, '')
    .trimStart();
  while (rest.startsWith('<!--')) {
    const end = rest.indexOf('-->');
    if (end < 0) return false;
    rest = rest.slice(end + 3).trimStart();
  }
  const withoutProlog = rest;
  return /^<svg[\s>]/.test(withoutProlog);
}

/** The allowed type the bytes hold for this kind and name, or FileRejected saying why not. */
export async function sniff(kind: FileKind, head: Buffer, name: string): Promise<AllowedType> {
  const found = await FileType.fromBuffer(head);
  // file-type names an SVG with an XML declaration "application/xml", and one without it nothing.
  const textual = !found || found.mime === 'application/xml';
  const mime = textual ? (kind === 'image' && looksLikeSvg(head) ? 'image/svg+xml' : undefined) : found.mime;
  const allowed = ALLOWED_TYPES[kind].find((t) => t.mime === mime);
  const accepted = ALLOWED_TYPES[kind].flatMap((t) => t.extensions).join(', ');
  if (!allowed) throw new FileRejected('courses.files.errors.type', { name, accepted });
  if (!allowed.extensions.includes(extensionOf(name)))
    throw new FileRejected('courses.files.errors.mismatch', { name, actual: allowed.extensions[0] });
  return allowed;
}

function bucket(kind: FileKind): GridFSBucket {
  const db = mongoose.connection.db;
  if (!db) throw new Error('database not connected');
  return new GridFSBucket(db as never, { bucketName: BUCKETS[kind] });
}

export interface StoreInput {
  kind: FileKind;
  name: string;
  courseId: Types.ObjectId | string;
  uploaderId?: Types.ObjectId | string;
}

const HEAD_BYTES = 4100;

async function readHead(path: string): Promise<Buffer> {
  const handle = await fs.promises.open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Streams `source` into GridFS, hashing on the way; the stored file's reference. */
async function storeStream(
  source: NodeJS.ReadableStream,
  input: StoreInput,
  type: AllowedType,
  name: string,
): Promise<FileRef> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  const id = new Types.ObjectId();
  const upload = bucket(input.kind).openUploadStreamWithId(id as never, name, {
    metadata: {
      course: new Types.ObjectId(String(input.courseId)),
      uploader: input.uploaderId ? new Types.ObjectId(String(input.uploaderId)) : undefined,
      kind: input.kind,
      contentType: type.mime,
      originalName: input.name.slice(0, 300),
    },
  });
  try {
    await pipeline(source, counter, upload);
  } catch (error) {
    await bucket(input.kind)
      .delete(id as never)
      .catch(() => undefined);
    throw error;
  }
  const sha256 = hash.digest('hex');
  const db = mongoose.connection.db!;
  await db
    .collection(`${BUCKETS[input.kind]}.files`)
    .updateOne({ _id: id as never }, { $set: { 'metadata.sha256': sha256, 'metadata.size': size } });
  return { id, bucket: BUCKETS[input.kind], name, contentType: type.mime, size, sha256 };
}

/** Checks and stores a staged upload (multer's file on disk). Throws FileRejected when refused. */
export async function storeStagedFile(path: string, input: StoreInput): Promise<FileRef> {
  const stat = await fs.promises.stat(path);
  if (stat.size === 0) throw new FileRejected('courses.files.errors.empty', { name: input.name });
  if (stat.size > MAX_BYTES[input.kind]) throw new FileRejected('courses.files.errors.tooLarge');
  const name = sanitiseFileName(input.name);
  const type = await sniff(input.kind, await readHead(path), name);
  return storeStream(fs.createReadStream(path), input, type, name);
}

/** Stores bytes already in memory (a package entry), after the same checks. */
export async function storeBytes(bytes: Buffer, input: StoreInput): Promise<FileRef> {
  if (bytes.length === 0) throw new FileRejected('courses.files.errors.empty', { name: input.name });
  if (bytes.length > MAX_BYTES[input.kind]) throw new FileRejected('courses.files.errors.tooLarge');
  const name = sanitiseFileName(input.name);
  const type = await sniff(input.kind, bytes.subarray(0, HEAD_BYTES), name);
  return storeStream(Readable.from([bytes]), input, type, name);
}

function kindOfBucket(bucketName: string): FileKind | undefined {
  return FILE_KINDS.find((k) => BUCKETS[k] === bucketName);
}

/** Deletes stored files (ignoring ones already gone). */
export async function deleteFiles(refs: Array<Pick<FileRef, 'id' | 'bucket'>>): Promise<void> {
  for (const ref of refs) {
    const kind = kindOfBucket(ref.bucket);
    if (!kind) continue;
    await bucket(kind)
      .delete(ref.id as never)
      .catch(() => undefined);
  }
}

/** Chunks read per round trip while streaming a file out (255 kB each: about 2 MB in memory at once). */
const CHUNKS_PER_BATCH = 8;

/**
 * The bytes of a stored file, or of a range of it (end exclusive), read from the bucket's chunks a
 * few at a time. (The driver's GridFS stream asks for its chunks in batches of up to 101, about
 * 25 MB, even for a small range; a video seek would load that much per request.)
 */
async function* fileBytes(ref: Pick<FileRef, 'id' | 'bucket'>, range?: { start: number; end: number }) {
  const db = mongoose.connection.db;
  if (!db || !kindOfBucket(ref.bucket)) throw new Error(`unknown bucket ${ref.bucket}`);
  const id = new Types.ObjectId(String(ref.id));
  const file = await db
    .collection(`${ref.bucket}.files`)
    .findOne({ _id: id }, { projection: { length: 1, chunkSize: 1 } });
  if (!file) throw new Error(`stored file ${String(ref.id)} is missing`);
  const chunkSize = Number(file.chunkSize);
  const start = range?.start ?? 0;
  const end = Math.min(range?.end ?? Number(file.length), Number(file.length));
  if (end <= start) return;
  const first = Math.floor(start / chunkSize);
  const last = Math.floor((end - 1) / chunkSize);
  const chunks = db
    .collection(`${ref.bucket}.chunks`)
    .find({ files_id: id, n: { $gte: first, $lte: last } }, { projection: { n: 1, data: 1 } })
    .sort({ n: 1 })
    .batchSize(CHUNKS_PER_BATCH);
  let expected = first;
  for await (const chunk of chunks) {
    if (chunk.n !== expected) throw new Error(`stored file ${String(ref.id)} misses chunk ${expected}`);
    expected++;
    const data = (chunk.data as { buffer: Uint8Array }).buffer;
    const offset = chunk.n * chunkSize;
    const from = Math.max(0, start - offset);
    const to = Math.min(data.length, end - offset);
    yield Buffer.from(data.buffer, data.byteOffset + from, to - from);
  }
  if (expected !== last + 1) throw new Error(`stored file ${String(ref.id)} ends early`);
}

/** A byte range of a stored file (end exclusive), or the whole file, as a stream. */
export function openDownload(
  ref: Pick<FileRef, 'id' | 'bucket'>,
  range?: { start: number; end: number },
): Readable {
  return Readable.from(fileBytes(ref, range), { objectMode: false });
}

/** All bytes of a stored file (package export of small files, tests). */
export async function readAll(ref: Pick<FileRef, 'id' | 'bucket'>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of openDownload(ref)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The stored files of a course in one bucket (orphan clean-up, tests). */
export async function storedFileIds(kind: FileKind, courseId?: Types.ObjectId | string): Promise<string[]> {
  const filter = courseId ? { 'metadata.course': new Types.ObjectId(String(courseId)) } : {};
  const files = await bucket(kind).find(filter).project({ _id: 1 }).toArray();
  return files.map((f) => String(f._id));
}
