// The change log behind change streams: every committed write (insert, update, replace, delete, a
// dropped collection or database) in commit order, kept for a bounded window so that a client that
// reconnects can resume after its last resume token. Events hold references to the stored BSON
// bytes (no copies); event documents are built only when a stream reads them.
import { randomBytes } from 'crypto';
import { BSON, Document, Long, Timestamp } from 'bson';

export type ChangeOp = 'insert' | 'update' | 'replace' | 'delete' | 'drop' | 'dropDatabase';

/** A document's bytes: a Buffer, or a stored document (a view of its bytes is made when an event is read). */
export type StoredBytes =
  | Buffer
  | { readonly raw: Buffer; readonly bytes: ArrayBufferLike; readonly offset: number; readonly size: number };

export function bytesOf(b: StoredBytes): Buffer {
  return Buffer.isBuffer(b) ? b : b.raw;
}

/**
 * Keeps where a document's bytes are (its buffer, returned, and offset and size at `places[2i]`)
 * rather than the object handed in: a stored document's handle costs more than that.
 */
function keep(b: StoredBytes | undefined, places: Int32Array, i: number): ArrayBufferLike | undefined {
  if (b === undefined) {
    places[2 * i] = places[2 * i + 1] = 0;
    return undefined;
  }
  if (Buffer.isBuffer(b)) {
    places[2 * i] = b.byteOffset;
    places[2 * i + 1] = b.length;
    return b.buffer;
  }
  places[2 * i] = b.offset;
  places[2 * i + 1] = b.size;
  return b.bytes;
}

function view(buffer: ArrayBufferLike | undefined, places: Int32Array, i: number): Buffer | undefined {
  return buffer && Buffer.from(buffer, places[2 * i], places[2 * i + 1]);
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
 * A logged write as a stream reads it (made from the log's columns on reading): the cluster time
 * as seconds and increment and the wall time as a number; `clusterTime` and `wallTime` make the
 * BSON values.
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

const OPS: ChangeOp[] = ['insert', 'update', 'replace', 'delete', 'drop', 'dropDatabase'];
const OP_CODES = new Map(OPS.map((op, i) => [op, i]));

/**
 * The log is a ring of columns (typed arrays for the op, namespace, times; two arrays of
 * references for the documents), not an object per event: about 40 bytes an event instead of
 * 130, and no garbage when the oldest events make room (the ring's slots are reused).
 */
export class ChangeLog {
  /** Tokens of another run of the engine (before a restart) cannot be resumed: their history is gone. */
  readonly incarnation = randomBytes(8).toString('hex');
  private capacity = 0;
  /** Ring index of the oldest event, and how many are held. */
  private head = 0;
  private count = 0;
  private ops = new Uint8Array(0);
  private spaces = new Int32Array(0);
  private seconds = new Uint32Array(0);
  private increments = new Uint32Array(0);
  private walls = new Float64Array(0);
  /** The documents before and after each write: the buffer holding the bytes, and where in it. */
  private befores: (ArrayBufferLike | undefined)[] = [];
  private afters: (ArrayBufferLike | undefined)[] = [];
  private placesBefore = new Int32Array(0);
  private placesAfter = new Int32Array(0);
  /** A transaction's session and number, by the sequence numbers of its events. */
  private txns = new Map<number, { lsid?: Document; txnNumber?: Long }>();
  private namespaces: { db: string; coll?: string }[] = [];
  private namespaceIds = new Map<string, number>();
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
    return this.lastSeq - this.count;
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

  private namespaceId(db: string, coll?: string): number {
    const key = coll === undefined ? db : `${db}.${coll}`;
    let id = this.namespaceIds.get(key);
    if (id === undefined) {
      id = this.namespaces.push({ db, coll }) - 1;
      this.namespaceIds.set(key, id);
    }
    return id;
  }

  /** Room for one more event: the ring grows (doubling) up to maxEvents, then drops the oldest. */
  private makeRoom(): void {
    if (this.count === this.maxEvents) this.dropOldest();
    if (this.count < this.capacity) return;
    const capacity = Math.min(this.maxEvents, Math.max(1024, this.capacity * 2));
    const order = (a: ArrayLike<number>, into: { set(a: ArrayLike<number>, o?: number): void }) => {
      const tail = Array.prototype.slice.call(a, this.head, this.capacity) as number[];
      into.set(tail, 0);
      into.set(Array.prototype.slice.call(a, 0, this.head) as number[], tail.length);
    };
    const grow = <T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(
      a: T,
      make: (n: number) => T,
    ): T => {
      const next = make(capacity);
      order(a, next);
      return next;
    };
    this.ops = grow(this.ops, (n) => new Uint8Array(n));
    this.spaces = grow(this.spaces, (n) => new Int32Array(n));
    this.seconds = grow(this.seconds, (n) => new Uint32Array(n));
    this.increments = grow(this.increments, (n) => new Uint32Array(n));
    this.walls = grow(this.walls, (n) => new Float64Array(n));
    // Two entries per event: offset and size.
    const pairs = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const next = new Int32Array(capacity * 2);
      next.set(a.subarray(this.head * 2));
      next.set(a.subarray(0, this.head * 2), a.length - this.head * 2);
      return next;
    };
    this.placesBefore = pairs(this.placesBefore);
    this.placesAfter = pairs(this.placesAfter);
    const rotate = <T>(a: T[]): T[] => {
      const next = [...a.slice(this.head), ...a.slice(0, this.head)];
      next.length = capacity;
      return next;
    };
    this.befores = rotate(this.befores);
    this.afters = rotate(this.afters);
    this.head = 0;
    this.capacity = capacity;
  }

  private dropOldest(): void {
    const i = this.head;
    this.bytes -= this.placesBefore[2 * i + 1] + this.placesAfter[2 * i + 1] + 64;
    this.befores[i] = undefined;
    this.afters[i] = undefined;
    if (this.txns.size > 0) this.txns.delete(this.lastSeq - this.count + 1);
    this.head = (this.head + 1) % this.capacity;
    this.count -= 1;
  }

  /** Appends committed writes (one command's, or a whole transaction's) and wakes the waiting streams. */
  append(changes: PendingChange[], txn?: { lsid?: Document; txnNumber?: Long }): void {
    if (!this.recording || changes.length === 0) return;
    const now = Date.now();
    this.advance(now);
    let space = -1;
    let last: PendingChange | undefined;
    for (const c of changes) {
      this.makeRoom();
      // One command's changes are mostly in one collection: its number is looked up once.
      if (!last || last.db !== c.db || last.coll !== c.coll) space = this.namespaceId(c.db, c.coll);
      last = c;
      const i = (this.head + this.count) % this.capacity;
      this.lastSeq += 1;
      this.count += 1;
      this.ops[i] = OP_CODES.get(c.op)!;
      this.spaces[i] = space;
      this.seconds[i] = this.lastSecond;
      this.increments[i] = this.counter;
      this.walls[i] = now;
      this.befores[i] = keep(c.before, this.placesBefore, i);
      this.afters[i] = keep(c.after, this.placesAfter, i);
      if (txn) this.txns.set(this.lastSeq, txn);
      this.bytes += this.placesBefore[2 * i + 1] + this.placesAfter[2 * i + 1] + 64;
    }
    while (this.bytes > this.maxBytes && this.count > 0) this.dropOldest();
    if (this.waiters.size === 0) return;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }

  /** The event with sequence number `seq` (one the log holds). */
  private event(seq: number): Change {
    const i = (this.head + (seq - (this.lastSeq - this.count) - 1)) % this.capacity;
    const ns = this.namespaces[this.spaces[i]];
    const txn = this.txns.get(seq);
    return new Change(
      OPS[this.ops[i]],
      ns.db,
      ns.coll,
      view(this.befores[i], this.placesBefore, i),
      view(this.afters[i], this.placesAfter, i),
      seq,
      this.seconds[i],
      this.increments[i],
      this.walls[i],
      txn?.lsid,
      txn?.txnNumber,
    );
  }

  /** Events after `seq`, oldest first (a stream checks `oldestResumable` before asking). */
  *after(seq: number): Generator<Change> {
    for (let s = Math.max(seq, this.oldestResumable) + 1; s <= this.lastSeq; s++) yield this.event(s);
  }

  /** The first event whose cluster time is at or after `time`. */
  seqAtOrAfter(time: Timestamp): number | undefined {
    const t = time.getHighBits() >>> 0;
    const inc = time.getLowBits() >>> 0;
    for (let n = 0; n < this.count; n++) {
      const i = (this.head + n) % this.capacity;
      if (this.seconds[i] > t || (this.seconds[i] === t && this.increments[i] >= inc))
        return this.oldestResumable + n + 1;
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
