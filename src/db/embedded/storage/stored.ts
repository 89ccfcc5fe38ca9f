// One stored version of a document, and where stored bytes live. The bytes of every stored
// version sit in its collection's slabs outside the V8 heap; a StoredDoc is a small handle on
// them, made afresh each time a collection's table is read (doctable.ts), and parsed copies live
// only in a small cache keyed by where the bytes are.
import { Document } from 'bson';
import { deserializeDocument } from '../bson/dbref';

const PARSE_OPTIONS = { validation: { utf8: false } } as const;
/** How many parsed documents are kept (a ring: the oldest parse is dropped first). */
const PARSED_CACHE = 2048;

// Stored bytes live in slabs of their own. Node's shared pool for small buffers would mix them
// with short-lived allocations (ObjectId bytes, names, replies), and a stored document then keeps
// a whole 8 KiB pool page alive: about three times the data. Each collection has its own slabs
// (see doctable.ts: it moves documents out of slabs that have become sparse).
const MIN_SLAB = 16 * 1024;
const MAX_SLAB = 256 * 1024;
/** A document bigger than this gets a buffer of its own. */
const OWN_BUFFER = 16 * 1024;
/** Each buffer holding stored bytes (a slab, or a big document's own buffer), with its serial number. */
const serials = new WeakMap<ArrayBufferLike, number>();
let lastSerial = 0;

function register(buffer: ArrayBufferLike): void {
  serials.set(buffer, ++lastSerial);
}

/** A collection's slabs: the bytes of its stored versions, appended; each new slab twice the last, up to 256 KiB. */
export class Slabs {
  private slab: Buffer | undefined;
  private used = 0;
  private nextSize = MIN_SLAB;

  /** The slab being filled (never counted as sparse: the table does not move documents out of it). */
  get current(): ArrayBufferLike | undefined {
    return this.slab?.buffer;
  }

  /** A copy of `raw` in a slab, or in a buffer of its own when it is big. */
  copy(raw: Buffer): Buffer {
    if (raw.length > OWN_BUFFER) {
      const own = Buffer.allocUnsafeSlow(raw.length);
      raw.copy(own);
      register(own.buffer);
      return own;
    }
    if (!this.slab || this.used + raw.length > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(this.nextSize);
      register(this.slab.buffer);
      this.used = 0;
      this.nextSize = Math.min(MAX_SLAB, this.nextSize * 2);
    }
    this.slab.set(raw, this.used);
    const kept = this.slab.subarray(this.used, this.used + raw.length);
    this.used += raw.length;
    return kept;
  }
}

/**
 * A string built by concatenation is a tree of its pieces (each piece a string of its own, kept
 * alive by it): reading a character makes V8 flatten it into one, and the pieces are collected.
 */
function flatten(s: string): string {
  s.charCodeAt(0);
  return s;
}

/**
 * Parsed copies of the most recently parsed versions, oldest first. A stored version is known by
 * where its bytes are (a slab's serial number and the offset in it: two handles on the same
 * version share the parse); a version not stored yet by its handle.
 */
const parsedCache = new Map<number | StoredDoc, Document>();

/**
 * Where a document's id key is kept in a table's key arena: the arena (never written over once a
 * key is in it, so a handle can read its key later), the offset, and the key's length in
 * characters × 2, + 1 when it is stored as UTF-16 (otherwise one byte per character).
 */
export function keyIn(arena: Buffer, at: number, shape: number): string {
  return shape & 1
    ? arena.toString('utf16le', at, at + shape - 1)
    : arena.toString('latin1', at, at + (shape >>> 1));
}

/** One version of a document: its bytes, its id key and its version; parsed on demand. */
export class StoredDoc {
  // Fields are declared, and all set by the constructor in one order: handles are made by the
  // hundred thousand in a scan, and V8 builds objects with class field initialisers more slowly.
  /** keyOf(_id), once known (a handle made by a table scan reads it from the arena when asked). */
  declare private key: string | undefined;
  declare private arena: Buffer | undefined;
  declare private keyAt: number;
  declare private keyShape: number;
  /**
   * The top-level fields a write may have changed from the version it replaces, when the write
   * knows them exactly (an in-place `$inc`): indexes on other fields are then left alone without
   * comparing the two versions' bytes.
   */
  declare touched: ReadonlySet<string> | undefined;
  /**
   * Where the bytes are: a buffer and an offset in it (not a Buffer view per document, which
   * costs more than a small document's bytes; `raw` makes a view when asked). Until the version
   * is stored (`settle`) they are the caller's own buffer: a version that is never stored (an
   * insert refused as a duplicate, an update that fails) takes no slab space.
   */
  declare bytes: ArrayBufferLike;
  declare offset: number;
  /** The document's size in bytes. */
  declare readonly size: number;
  /** Bumped on every write; transactions use it to detect write conflicts. */
  declare readonly ver: number;

  constructor(
    id: string | undefined,
    bytes: ArrayBufferLike,
    offset: number,
    size: number,
    ver: number,
    /** Where a table keeps the id key, when `id` is not given (see keyIn). */
    arena?: Buffer,
    keyAt = 0,
    keyShape = 0,
  ) {
    this.key = id;
    this.arena = arena;
    this.keyAt = keyAt;
    this.keyShape = keyShape;
    this.touched = undefined;
    this.bytes = bytes;
    this.offset = offset;
    this.size = size;
    this.ver = ver;
  }

  /** keyOf(_id) */
  get id(): string {
    return (this.key ??= keyIn(this.arena!, this.keyAt, this.keyShape));
  }

  /** A version made of `raw` (the caller must not change those bytes afterwards). */
  static of(id: string, raw: Buffer, ver: number, obj?: Document): StoredDoc {
    const doc = new StoredDoc(flatten(id), raw.buffer, raw.byteOffset, raw.length, ver);
    if (obj) doc.remember(obj);
    return doc;
  }

  /** Moves the bytes into one of `slabs` unless they are stored already: called when the version is stored. */
  settle(slabs: Slabs): void {
    if (serials.has(this.bytes)) return;
    this.moveTo(slabs.copy(this.raw));
  }

  /** Points the handle at a copy of its bytes (the parse it had is kept). */
  moveTo(kept: Buffer): void {
    const parsed = parsedCache.get(this.cacheKey);
    if (parsed) parsedCache.delete(this.cacheKey);
    this.bytes = kept.buffer;
    this.offset = kept.byteOffset;
    if (parsed) this.remember(parsed);
  }

  /** Whether the bytes are in a slab (the version was stored). */
  get settled(): boolean {
    return serials.has(this.bytes);
  }

  /** The stored bytes (a new view of them on each call). */
  get raw(): Buffer {
    return Buffer.from(this.bytes, this.offset, this.size);
  }

  /** The document, deserialised (promoted values); kept while it is among the recently parsed. */
  get obj(): Document {
    return parsedCache.get(this.cacheKey) ?? this.remember(deserializeDocument(this.raw, PARSE_OPTIONS));
  }

  private get cacheKey(): number | StoredDoc {
    const serial = serials.get(this.bytes);
    return serial === undefined ? this : serial * MAX_SLAB + this.offset;
  }

  private remember(obj: Document): Document {
    const key = this.cacheKey;
    if (!parsedCache.has(key) && parsedCache.size >= PARSED_CACHE)
      parsedCache.delete(parsedCache.keys().next().value!);
    parsedCache.set(key, obj);
    return obj;
  }

  /**
   * Whether two handles of one collection name the same version (handles are made afresh on each
   * read, and a version's bytes may move to another slab; versions are numbered by write).
   */
  sameVersion(other: StoredDoc): boolean {
    return this === other || (this.ver === other.ver && this.id === other.id);
  }

  /** The same bytes as a new version. */
  withVersion(ver: number): StoredDoc {
    return new StoredDoc(this.id, this.bytes, this.offset, this.size, ver);
  }
}

let versionCounter = 1;
export function nextVersion(): number {
  return versionCounter++;
}

/** The newest version handed out so far: a transaction's snapshot. */
export function currentVersion(): number {
  return versionCounter - 1;
}
