// GridFS through the driver's GridFSBucket: a multi-megabyte upload, full and ranged downloads,
// listing by filename, and delete.
import { randomBytes } from 'crypto';
import { GridFSBucket, ObjectId } from 'mongodb';
import { Readable } from 'stream';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(async () => {
  await e.stop();
});

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('GridFS', () => {
  const data = randomBytes(5 * 1024 * 1024 + 12345);
  let id: ObjectId;
  const bucket = () => new GridFSBucket(e.db, { bucketName: 'materi' });

  it('uploads a 5 MiB file in 255 KiB chunks', async () => {
    const upload = bucket().openUploadStream('modul-1.pdf', {
      metadata: { course: 'c1' },
      contentType: 'application/pdf',
    } as never);
    id = upload.id as ObjectId;
    await new Promise<void>((resolve, reject) =>
      Readable.from([data.subarray(0, 1_000_000), data.subarray(1_000_000)])
        .pipe(upload)
        .on('finish', () => resolve())
        .on('error', reject),
    );
    const file = await e.db.collection('materi.files').findOne({ _id: id });
    expect(file).toMatchObject({
      _id: id,
      length: data.length,
      chunkSize: 255 * 1024,
      filename: 'modul-1.pdf',
      metadata: { course: 'c1' },
    });
    expect(await e.db.collection('materi.chunks').countDocuments({ files_id: id })).toBe(
      Math.ceil(data.length / (255 * 1024)),
    );
    const idx = (await e.db.collection('materi.chunks').indexes()).find(
      (i) => i.key.files_id === 1 && i.key.n === 1,
    );
    expect(idx?.unique).toBe(true);
  });

  it('downloads it byte for byte, by id and by name', async () => {
    expect((await collect(bucket().openDownloadStream(id))).equals(data)).toBe(true);
    expect((await collect(bucket().openDownloadStreamByName('modul-1.pdf'))).equals(data)).toBe(true);
  });

  it('serves a byte range across chunk boundaries', async () => {
    const start = 255 * 1024 - 10;
    const end = 3 * 255 * 1024 + 77;
    const part = await collect(bucket().openDownloadStream(id, { start, end }));
    expect(part.equals(data.subarray(start, end))).toBe(true);
  });

  it('lists files and deletes one with its chunks', async () => {
    const files = await bucket().find({ filename: 'modul-1.pdf' }).toArray();
    expect(files.map((f) => f._id.toHexString())).toEqual([id.toHexString()]);
    await bucket().delete(id);
    expect(await e.db.collection('materi.files').countDocuments()).toBe(0);
    expect(await e.db.collection('materi.chunks').countDocuments()).toBe(0);
    await expect(collect(bucket().openDownloadStream(id))).rejects.toThrow(/FileNotFound|not found/i);
  });
});
