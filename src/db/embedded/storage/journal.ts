// Durability: an append-only journal of full-document writes and catalog changes, fsynced before
// a write is acknowledged (one fsync serves every write that arrived meanwhile: group commit),
// replayed at start on top of the last snapshot, and compacted into a new snapshot when it grows.
// Every record is a complete state (a whole document, a drop), so replaying a journal over a newer
// snapshot is harmless: that is what makes the snapshot-then-truncate step crash safe.
// Compaction runs in the background: the journal is first set aside as journal.prev.bson (new
// writes go to a fresh journal), the snapshot is written in chunks between which other work runs
// (it may catch writes made meanwhile: they are in the new journal too), then renamed into place,
// and only then is the set-aside journal removed. Start-up replays snapshot, prev, journal.
/* eslint-disable security/detect-non-literal-fs-filename -- every path is inside the data directory the operator configured */
import fs from 'fs';
import path from 'path';
import { BSON, Document } from 'bson';
import { RawDocWriter } from '../bson/raw';
import { makeFilePrivate, preparePrivateDirectory } from './data-dir';

export const JOURNAL_FILE = 'journal.bson';
export const SNAPSHOT_FILE = 'snapshot.bson';
/** A background compaction writes the snapshot in pieces of this size, serving other clients between them. */
const SNAPSHOT_CHUNK = 256 * 1024;
export const PREVIOUS_JOURNAL_FILE = 'journal.prev.bson';

export type JournalRecord =
  | { o: 'p'; ns: string; d: Buffer } // put (insert or replace) a raw document
  | { o: 'd'; ns: string; id: unknown } // delete by _id
  | { o: 'c'; ns: string; options: Document } // create collection
  | { o: 'x'; ns: string } // drop collection
  | { o: 'X'; db: string } // drop database
  | { o: 'i'; ns: string; spec: Document } // create index
  | { o: 'di'; ns: string; name: string } // drop index
  | { o: 't'; ops: JournalRecord[] }; // transaction: all or nothing

export function encodeRecord(r: JournalRecord): Buffer {
  switch (r.o) {
    case 'p':
      return new RawDocWriter().string('o', 'p').string('ns', r.ns).doc('d', r.d).finish();
    case 't':
      return new RawDocWriter().string('o', 't').array('ops', r.ops.map(encodeRecord)).finish();
    default:
      return Buffer.from(BSON.serialize(r as Document));
  }
}

export function decodeRecord(doc: Document, raw: Buffer): JournalRecord {
  if (doc.o === 'p') {
    // Keep the stored document's exact bytes: find the `d` element in the raw record.
    return { o: 'p', ns: doc.ns, d: rawSub(raw, 'd') };
  }
  if (doc.o === 't') {
    const opsRaw = rawSub(raw, 'ops');
    const out: JournalRecord[] = [];
    let pos = 4;
    let i = 0;
    while (pos < opsRaw.length - 1) {
      const nameEnd = opsRaw.indexOf(0, pos + 1);
      const size = opsRaw.readInt32LE(nameEnd + 1);
      const sub = opsRaw.subarray(nameEnd + 1, nameEnd + 1 + size);
      out.push(decodeRecord((doc.ops as Document[])[i++], sub));
      pos = nameEnd + 1 + size;
    }
    return { o: 't', ops: out };
  }
  return doc as JournalRecord;
}

function rawSub(raw: Buffer, name: string): Buffer {
  let pos = 4;
  while (pos < raw.length - 1) {
    const type = raw[pos];
    const nameEnd = raw.indexOf(0, pos + 1);
    const key = raw.toString('utf8', pos + 1, nameEnd);
    const start = nameEnd + 1;
    let size: number;
    if (type === 0x02) size = 4 + raw.readInt32LE(start);
    else if (type === 0x03 || type === 0x04) size = raw.readInt32LE(start);
    else throw new Error(`unexpected journal element type ${type}`);
    if (key === name) return Buffer.from(raw.subarray(start, start + size));
    pos = start + size;
  }
  throw new Error(`journal record without ${name}`);
}

/** Reads a file of concatenated BSON records; stops at a torn tail and reports where it ends. */
export function readRecords(file: string): { records: JournalRecord[]; validLength: number } {
  if (!fs.existsSync(file)) return { records: [], validLength: 0 };
  const buf = fs.readFileSync(file);
  const records: JournalRecord[] = [];
  let pos = 0;
  while (pos + 4 <= buf.length) {
    const size = buf.readInt32LE(pos);
    if (size < 5 || pos + size > buf.length || buf[pos + size - 1] !== 0) break;
    const raw = buf.subarray(pos, pos + size);
    try {
      records.push(decodeRecord(BSON.deserialize(raw), raw));
    } catch {
      break;
    }
    pos += size;
  }
  return { records, validLength: pos };
}

export interface JournalOptions {
  dir: string;
  /** Compact when the journal exceeds this many bytes. */
  compactBytes?: number;
}

export class Journal {
  private fd: number;
  private pending: Buffer[] = [];
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private flushing = false;
  private size: number;
  private readonly file: string;
  private readonly compactBytes: number;
  private snapshotSource: (() => Iterable<Buffer>) | null = null;
  /** A background compaction in progress. */
  private compacting: Promise<void> | null = null;
  /** Size of the last snapshot: the journal may grow to that size too before compacting again, so compaction costs stay proportional to the writes. */
  private snapshotBytes = 0;
  private closed = false;

  /** The caller holds the directory's lock (lockDataDirectory): two writers would corrupt it. */
  constructor(private readonly options: JournalOptions) {
    preparePrivateDirectory(options.dir);
    this.file = path.join(options.dir, JOURNAL_FILE);
    this.compactBytes = options.compactBytes ?? 64 * 1024 * 1024;
    const { validLength } = readRecords(this.file);
    if (fs.existsSync(this.file) && fs.statSync(this.file).size !== validLength)
      fs.truncateSync(this.file, validLength);
    this.fd = fs.openSync(this.file, 'a', 0o600);
    this.size = validLength;
    const snapshot = path.join(options.dir, SNAPSHOT_FILE);
    for (const file of [this.file, snapshot, path.join(options.dir, PREVIOUS_JOURNAL_FILE)])
      makeFilePrivate(file);
    if (fs.existsSync(snapshot)) this.snapshotBytes = fs.statSync(snapshot).size;
  }

  /** Loads the snapshot and journal records, in the order they must be applied. */
  static load(dir: string): JournalRecord[] {
    const snap = readRecords(path.join(dir, SNAPSHOT_FILE)).records;
    const prev = readRecords(path.join(dir, PREVIOUS_JOURNAL_FILE)).records;
    const jour = readRecords(path.join(dir, JOURNAL_FILE)).records;
    return [...snap, ...prev, ...jour];
  }

  /** Sets the function that lists the records of a full snapshot of the current state. */
  setSnapshotSource(fn: () => Iterable<Buffer>): void {
    this.snapshotSource = fn;
  }

  append(record: JournalRecord): void {
    if (this.closed) return;
    const buf = encodeRecord(record);
    this.pending.push(buf);
  }

  /** Resolves once everything appended so far is on disk. */
  commit(): Promise<void> {
    if (this.pending.length === 0 && !this.flushing) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.flushing) void this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    this.flushing = true;
    try {
      while (this.waiters.length > 0) {
        const batch = this.pending;
        const waiters = this.waiters;
        this.pending = [];
        this.waiters = [];
        try {
          if (batch.length > 0) {
            const data = Buffer.concat(batch);
            await writeAll(this.fd, data);
            await new Promise<void>((res, rej) => fs.fdatasync(this.fd, (e) => (e ? rej(e) : res())));
            this.size += data.length;
          }
          for (const w of waiters) w.resolve();
        } catch (e) {
          for (const w of waiters) w.reject(e as Error);
        }
        if (!this.compacting && this.size > Math.max(this.compactBytes, this.snapshotBytes))
          this.compacting = this.compactInBackground().finally(() => (this.compacting = null));
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Sets the journal aside, writes a snapshot in chunks while other work goes on, then drops the old journal. */
  private async compactInBackground(): Promise<void> {
    if (!this.snapshotSource || this.closed) return;
    const dir = this.options.dir;
    const prev = path.join(dir, PREVIOUS_JOURNAL_FILE);
    if (fs.existsSync(prev)) {
      this.compact(); // left by an interrupted compaction: one synchronous pass settles it
      return;
    }
    fs.closeSync(this.fd);
    fs.renameSync(this.file, prev);
    this.fd = fs.openSync(this.file, 'a', 0o600);
    this.size = 0;
    // Every step from here is asynchronous (a synchronous fsync of the directory, or removing a
    // journal of many megabytes, held every other client for hundreds of milliseconds on a busy disk).
    await fsyncDirAsync(dir);
    const tmp = path.join(dir, SNAPSHOT_FILE + '.tmp');
    const handle = await fs.promises.open(tmp, 'w', 0o600);
    let total = 0;
    try {
      if (process.platform !== 'win32') await handle.chmod(0o600); // a leftover .tmp keeps its old mode
      let chunk: Buffer[] = [];
      let chunkSize = 0;
      for (const rec of this.snapshotSource()) {
        chunk.push(rec);
        chunkSize += rec.length;
        if (chunkSize >= SNAPSHOT_CHUNK) {
          await handle.write(Buffer.concat(chunk));
          total += chunkSize;
          chunk = [];
          chunkSize = 0;
          await new Promise((r) => setImmediate(r));
        }
      }
      if (chunk.length) await handle.write(Buffer.concat(chunk));
      total += chunkSize;
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (this.closed) return;
    await fs.promises.rename(tmp, path.join(dir, SNAPSHOT_FILE));
    await fsyncDirAsync(dir);
    if (this.closed) return; // a clean stop's own compaction has settled the files meanwhile
    await fs.promises.rm(prev, { force: true });
    this.snapshotBytes = total;
  }

  /** Writes a snapshot of the current state and starts an empty journal. Synchronous (clean stop). */
  compact(): void {
    if (!this.snapshotSource || this.closed) return;
    const tmp = path.join(this.options.dir, SNAPSHOT_FILE + '.tmp');
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      if (process.platform !== 'win32') fs.fchmodSync(fd, 0o600); // a leftover .tmp keeps its old mode
      let chunk: Buffer[] = [];
      let chunkSize = 0;
      let total = 0;
      for (const rec of this.snapshotSource()) {
        chunk.push(rec);
        chunkSize += rec.length;
        total += rec.length;
        if (chunkSize > 4 * 1024 * 1024) {
          fs.writeSync(fd, Buffer.concat(chunk));
          chunk = [];
          chunkSize = 0;
        }
      }
      if (chunk.length) fs.writeSync(fd, Buffer.concat(chunk));
      fs.fsyncSync(fd);
      this.snapshotBytes = total;
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(this.options.dir, SNAPSHOT_FILE));
    fsyncDir(this.options.dir);
    fs.ftruncateSync(this.fd, 0);
    fs.fsyncSync(this.fd);
    fs.rmSync(path.join(this.options.dir, PREVIOUS_JOURNAL_FILE), { force: true });
    this.size = 0;
  }

  /** Flushes, compacts and closes the journal (clean stop). */
  async close(): Promise<void> {
    await this.commit();
    while (this.flushing) await new Promise((r) => setImmediate(r));
    if (this.compacting) await this.compacting;
    this.compact();
    this.closed = true;
    fs.closeSync(this.fd);
  }

  get bytes(): number {
    return this.size;
  }
}

function writeAll(fd: number, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (offset: number) => {
      fs.write(fd, data, offset, data.length - offset, null, (err, written) => {
        if (err) return reject(err);
        if (offset + written < data.length) step(offset + written);
        else resolve();
      });
    };
    step(0);
  });
}

async function fsyncDirAsync(dir: string): Promise<void> {
  try {
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}
