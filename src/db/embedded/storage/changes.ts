// The change log behind change streams: every committed write (insert, update, replace, delete, a
// dropped collection or database) in commit order, kept for a bounded window so that a client that
// reconnects can resume after its last resume token. Events hold references to the stored BSON
// bytes (no copies); event documents are built only when a stream reads them.
import { randomBytes } from 'crypto';
import { BSON, Document, Long, Timestamp } from 'bson';

export type ChangeOp = 'insert' | 'update' | 'replace' | 'delete' | 'drop' | 'dropDatabase';

/** A document's bytes: a Buffer, or a stored document (a view of its bytes is made when an event is read). */
export type StoredBytes = Buffer | { readonly raw: Buffer; readonly size: number };

export function bytesOf(b: StoredBytes): Buffer {
  return Buffer.isBuffer(b) ? b : b.raw;
}

function sizeOf(b: StoredBytes | undefined): number {
  return b === undefined ? 0 : Buffer.isBuffer(b) ? b.length : b.size;
}

/** A write as the write paths report it. */
export interface PendingChange {
  op: ChangeOp;
  db: string;
  coll?: string;
  /** The document before the write (update, replace, delete). */
  before?: StoredBytes;
  /** The document after the write (insert, update, replace). */
  after?: StoredBytes;
}

/**
 * A logged write. The change log keeps up to 100,000 of them, so an event holds its cluster time
 * as two small integers and its wall time as a number (a Timestamp and a Date each would cost more
 * than the rest of the event); `clusterTime` and `wallTime` are made when a stream reads it.
 */
export class Change implements PendingChange {
  constructor(
    readonly op: ChangeOp,
    readonly db: string,
    readonly coll: string | undefined,
    readonly before: StoredBytes | undefined,
    readonly after: StoredBytes | undefined,
    readonly seq: number,
    /** The cluster time's seconds and increment. */
    readonly seconds: number,
    readonly increment: number,
    /** Milliseconds since the epoch. */
    readonly wallMillis: number,
    readonly lsid?: Document,
    readonly txnNumber?: Long,
  ) {}

  get clusterTime(): Timestamp {
    return new Timestamp({ t: this.seconds, i: this.increment });
  }

  get wallTime(): Date {
    return new Date(this.wallMillis);
  }
}

/** Where a stream resumes: after `seq` of this engine's run; `invalidate` marks an invalidate event's token. */
export interface ResumePoint {
  seq: number;
  invalidate: boolean;
}

const DEFAULT_MAX_EVENTS = 100_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export class ChangeLog {
  /** Tokens of another run of the engine (before a restart) cannot be resumed: their history is gone. */
  readonly incarnation = randomBytes(8).toString('hex');
  private events: Change[] = [];
  private bytes = 0;
  private lastSeq = 0;
  private lastSecond = 0;
  private counter = 0;
  private waiters = new Set<() => void>();
  /** Off while the journal is replayed at start-up: history starts with this run. */
  recording = true;

  constructor(
    private readonly maxEvents = DEFAULT_MAX_EVENTS,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {}

  /** The sequence number of the newest event (0 before the first). */
  get latest(): number {
    return this.lastSeq;
  }

  /** The oldest sequence number a stream can still resume after. */
  get oldestResumable(): number {
    return this.events.length ? this.events[0].seq - 1 : this.lastSeq;
  }

  /** A cluster time for now: seconds, and an increment within the second. */
  tick(): Timestamp {
    this.advance(Date.now());
    return new Timestamp({ t: this.lastSecond, i: this.counter });
  }

  private advance(now: number): void {
    const second = Math.floor(now / 1000);
    if (second > this.lastSecond) {
      this.lastSecond = second;
      this.counter = 0;
    }
    this.counter += 1;
  }

  /** Appends committed writes (one command's, or a whole transaction's) and wakes the waiting streams. */
  append(changes: PendingChange[], txn?: { lsid?: Document; txnNumber?: Long }): void {
    if (!this.recording || changes.length === 0) return;
    const now = Date.now();
    this.advance(now);
    for (const c of changes) {
      this.lastSeq += 1;
      this.events.push(
        new Change(
          c.op,
          c.db,
          c.coll,
          c.before,
          c.after,
          this.lastSeq,
          this.lastSecond,
          this.counter,
          now,
          txn?.lsid,
          txn?.txnNumber,
        ),
      );
      this.bytes += sizeOf(c.before) + sizeOf(c.after) + 64;
    }
    this.trim();
    if (this.waiters.size === 0) return;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }

  private trim(): void {
    if (this.events.length <= this.maxEvents && this.bytes <= this.maxBytes) return;
    // Drop the oldest quarter at once, so trimming costs O(1) per event on average.
    let drop = Math.max(this.events.length - this.maxEvents, Math.ceil(this.events.length / 4));
    drop = Math.min(drop, this.events.length);
    for (let i = 0; i < drop; i++)
      this.bytes -= sizeOf(this.events[i].before) + sizeOf(this.events[i].after) + 64;
    this.events = this.events.slice(drop);
  }

  /** Events after `seq`, oldest first (a stream checks `oldestResumable` before asking). */
  *after(seq: number): Generator<Change> {
    if (this.events.length === 0) return;
    let i = Math.max(0, seq - this.events[0].seq + 1);
    while (i < this.events.length) yield this.events[i++];
  }

  /** The first event whose cluster time is at or after `time`. */
  seqAtOrAfter(time: Timestamp): number | undefined {
    const t = time.getHighBits();
    const inc = time.getLowBits();
    for (const e of this.events) {
      if (e.seconds > t || (e.seconds === t && e.increment >= inc)) return e.seq;
    }
    return undefined;
  }

  /** Resolves on the next append, or after `ms`. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve();
      }, ms);
      this.waiters.add(wake);
    });
  }

  // ---- resume tokens -----------------------------------------------------------------------

  /** `{ _data: hex }` as MongoDB shapes it: opaque to clients, ordered by position. */
  token(seq: number, invalidate = false): Document {
    return { _data: `82${this.incarnation}${seq.toString(16).padStart(16, '0')}${invalidate ? '01' : '00'}` };
  }

  /** The position a token names; undefined when it is not one of this run's tokens. */
  parseToken(token: unknown): ResumePoint | undefined {
    const data = (token as { _data?: unknown } | null)?._data;
    if (typeof data !== 'string' || !/^82[0-9a-f]{16}[0-9a-f]{16}0[01]$/.test(data)) return undefined;
    if (data.slice(2, 18) !== this.incarnation) return undefined;
    return { seq: parseInt(data.slice(18, 34), 16), invalidate: data.endsWith('01') };
  }
}

/** `_id` of a stored document, read from its bytes. */
export function idOf(raw: Buffer): unknown {
  return BSON.deserialize(raw, { promoteValues: false, validation: { utf8: false } })._id;
}

function same(a: unknown, b: unknown): boolean {
  return Buffer.from(BSON.serialize({ v: a })).equals(Buffer.from(BSON.serialize({ v: b })));
}

function isSubDocument(v: unknown): v is Document {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v as { _bsontype?: unknown })._bsontype &&
    !(v instanceof Date) &&
    !(v instanceof RegExp) &&
    !Buffer.isBuffer(v)
  );
}

/**
 * What an update changed, as MongoDB's `updateDescription`: changed or added fields by dotted path
 * (sub-documents compared field by field, arrays as a whole) and removed fields.
 */
export function describeUpdate(before: Buffer, after: Buffer): Document {
  const options = { promoteValues: false, validation: { utf8: false } } as const;
  const a = BSON.deserialize(before, options);
  const b = BSON.deserialize(after, options);
  const updatedFields: Document = {};
  const removedFields: string[] = [];
  const walk = (x: Document, y: Document, prefix: string) => {
    for (const [k, v] of Object.entries(y)) {
      const path = prefix + k;
      if (!(k in x)) updatedFields[path] = v;
      else if (isSubDocument(x[k]) && isSubDocument(v)) walk(x[k] as Document, v, `${path}.`);
      else if (!same(x[k], v)) updatedFields[path] = v;
    }
    for (const k of Object.keys(x)) if (!(k in y)) removedFields.push(prefix + k);
  };
  walk(a, b, '');
  return { updatedFields, removedFields, truncatedArrays: [] };
}
