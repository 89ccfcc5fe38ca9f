// A collection's documents by id, held outside the V8 heap: per document a row of typed-array
// columns (where its bytes are, its size and version, where its id key is) and a slot in an
// open-addressing hash table, with the id keys themselves in one byte arena. A Map of handles
// cost about 140 bytes of heap per document (the handle, its id string, the map's entry), which
// the garbage collector then had to walk and keep room for; this costs about 55 bytes outside it
// (70 with the columns' room to grow).
//
// Rows are kept in insertion order, as a Map keeps its entries, and an iteration survives writes
// between its steps the way a Map's does (collection scans resume after yielding): rows deleted
// meanwhile are skipped, rows added are reached, and when the table compacts its rows an
// iteration in progress finds its place again through the compaction's list of survivors.
import { Slabs, StoredDoc, keyIn } from './stored';

const MIN_ROWS = 16;
/** Deleted rows are compacted away once they are this many and at least half of the rows. */
const COMPACT_AFTER = 1024;
/** Rows are moved out of sparse slabs once the buffers held exceed twice the live bytes by this much. */
const SPARSE_SLACK = 1024 * 1024;

/** A compaction's map from old rows to new: the old row numbers of the rows kept, in order. */
interface Generation {
  survivors: Int32Array | null;
  next: Generation | null;
}

function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}

function isNarrow(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

/** Number of entries of a sorted list below `v`. */
function countBelow(list: Int32Array, v: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An iteration over a table's rows (a class rather than a generator: scans are hot paths). */
class Walk<T> implements IterableIterator<T> {
  private generation: Generation;
  private position = 0;
  /** Once at the end it stays there, as a Map's iterator does. */
  private finished = false;

  constructor(
    private readonly table: DocTable,
    private readonly make: (row: number) => T,
  ) {
    this.generation = table.currentGeneration;
  }

  next(): IteratorResult<T> {
    if (this.finished) return { done: true, value: undefined };
    // Rows compacted since the last step: find the place again.
    while (this.generation.next) {
      this.position = countBelow(this.generation.survivors!, this.position);
      this.generation = this.generation.next;
    }
    const row = this.table.nextLive(this.position);
    if (row >= this.table.rowCount) {
      this.finished = true;
      return { done: true, value: undefined };
    }
    this.position = row + 1;
    return { done: false, value: this.make(row) };
  }

  return(): IteratorResult<T> {
    this.finished = true;
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): this {
    return this;
  }
}

export class DocTable {
  /** Rows handed out (live and deleted), and live ones. */
  private rows = 0;
  private live = 0;
  /** Per row: its buffer's number in `buffers` (-1 once deleted), offset, size, version. */
  private buffer = new Int32Array(0);
  private offset = new Int32Array(0);
  private sizes = new Int32Array(0);
  private versions = new Float64Array(0);
  /** Per row: where its id key is in `arena`, its length in characters × 2 (+1 when stored as UTF-16), its hash. */
  private keyAt = new Int32Array(0);
  private keyShape = new Int32Array(0);
  private hashes = new Int32Array(0);
  /** Row + 1 per slot (0: empty), linear probing; at most half full. */
  private slots = new Int32Array(0);
  private arena = Buffer.alloc(0);
  private keysUsed = 0;
  /** The buffers rows point into, how many live rows point into each, and free numbers. */
  private buffers: (ArrayBufferLike | undefined)[] = [];
  private users: number[] = [];
  /** Per buffer, the bytes of live rows in it; and in all, with the buffers' whole sizes. */
  private liveIn: number[] = [];
  private liveBytes = 0;
  private heldBytes = 0;
  private readonly slabs = new Slabs();
  private movingRows = false;
  private bufferNumbers = new Map<ArrayBufferLike, number>();
  private freeNumbers: number[] = [];
  private generation: Generation = { survivors: null, next: null };
  /** How many times deleted rows were compacted away. */
  compactions = 0;

  get size(): number {
    return this.live;
  }

  has(id: string): boolean {
    return this.find(id, hashOf(id)) >= 0;
  }

  get(id: string): StoredDoc | undefined {
    const row = this.find(id, hashOf(id));
    return row < 0 ? undefined : this.docAt(row, id);
  }

  /** Stores `doc` as the document `id`, in its old row if it had one; its bytes move into this table's slabs. */
  set(id: string, doc: StoredDoc): void {
    const hash = hashOf(id);
    doc.settle(this.slabs);
    const held = this.hold(doc.bytes, doc.size);
    let row = this.find(id, hash);
    const added = row < 0;
    const previous = added ? -1 : this.buffer[row];
    const previousSize = added ? 0 : this.sizes[row];
    if (added) {
      if (this.rows === this.buffer.length) this.makeRoom();
      row = this.rows++;
      this.live++;
      this.hashes[row] = hash;
      this.storeKey(row, id);
    }
    this.buffer[row] = held;
    this.offset[row] = doc.offset;
    this.sizes[row] = doc.size;
    this.versions[row] = doc.ver;
    // Released once the row no longer points there (releasing may move rows between slabs).
    if (!added) return this.release(previous, previousSize);
    if (this.live * 2 > this.slots.length) this.rehash(Math.max(MIN_ROWS * 2, this.slots.length * 2));
    else this.place(row);
  }

  delete(id: string): boolean {
    const hash = hashOf(id);
    const row = this.find(id, hash);
    if (row < 0) return false;
    const n = this.buffer[row];
    this.buffer[row] = -1;
    this.live--;
    this.unplace(row);
    this.release(n, this.sizes[row]);
    const dead = this.rows - this.live;
    if (dead >= COMPACT_AFTER && dead * 2 >= this.rows) this.compact();
    return true;
  }

  /** The ids, in insertion order. */
  keys(): IterableIterator<string> {
    return this.walk((row) => this.keyOf(row));
  }

  /** The documents, in insertion order (a new handle for each, reading its id when asked). */
  values(): IterableIterator<StoredDoc> {
    return this.walk(
      (row) =>
        new StoredDoc(
          undefined,
          this.buffers[this.buffer[row]]!,
          this.offset[row],
          this.sizes[row],
          this.versions[row],
          this.arena,
          this.keyAt[row],
          this.keyShape[row],
        ),
    );
  }

  [Symbol.iterator](): IterableIterator<StoredDoc> {
    return this.values();
  }

  private walk<T>(make: (row: number) => T): IterableIterator<T> {
    return new Walk(this, make);
  }

  /** The next live row at or after `next` in the current generation (this.rows when none). */
  nextLive(next: number): number {
    while (next < this.rows && this.buffer[next] < 0) next++;
    return next;
  }

  get currentGeneration(): Generation {
    return this.generation;
  }

  get rowCount(): number {
    return this.rows;
  }

  private docAt(row: number, id: string): StoredDoc {
    return new StoredDoc(
      id,
      this.buffers[this.buffer[row]]!,
      this.offset[row],
      this.sizes[row],
      this.versions[row],
    );
  }

  // ---- the hash table ------------------------------------------------------------------------

  private find(id: string, hash: number): number {
    const mask = this.slots.length - 1;
    if (mask < 0) return -1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const entry = this.slots[at];
      if (entry === 0) return -1;
      const row = entry - 1;
      if (this.hashes[row] === hash && this.keyEquals(row, id)) return row;
    }
  }

  private place(row: number): void {
    const mask = this.slots.length - 1;
    let at = this.hashes[row] & mask;
    while (this.slots[at] !== 0) at = (at + 1) & mask;
    this.slots[at] = row + 1;
  }

  /** Removes a row's slot, moving later entries of its probe run back (no tombstones). */
  private unplace(row: number): void {
    const mask = this.slots.length - 1;
    let hole = this.hashes[row] & mask;
    while (this.slots[hole] !== row + 1) hole = (hole + 1) & mask;
    for (let at = (hole + 1) & mask; this.slots[at] !== 0; at = (at + 1) & mask) {
      const home = this.hashes[this.slots[at] - 1] & mask;
      // The entry may move into the hole unless its home lies cyclically in (hole, at].
      if (((at - home) & mask) >= ((at - hole) & mask)) {
        this.slots[hole] = this.slots[at];
        hole = at;
      }
    }
    this.slots[hole] = 0;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size);
    for (let row = 0; row < this.rows; row++) if (this.buffer[row] >= 0) this.place(row);
  }

  // ---- id keys ---------------------------------------------------------------------------------

  private storeKey(row: number, id: string): void {
    const narrow = isNarrow(id);
    const bytes = narrow ? id.length : id.length * 2;
    if (this.keysUsed + bytes > this.arena.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(4096, (this.keysUsed + bytes) * 2));
      this.arena.copy(grown, 0, 0, this.keysUsed);
      this.arena = grown;
    }
    this.arena.write(id, this.keysUsed, narrow ? 'latin1' : 'utf16le');
    this.keyAt[row] = this.keysUsed;
    this.keyShape[row] = (id.length << 1) | (narrow ? 0 : 1);
    this.keysUsed += bytes;
  }

  private keyBytes(row: number): number {
    const shape = this.keyShape[row];
    return shape & 1 ? shape - 1 : shape >>> 1;
  }

  private keyOf(row: number): string {
    return keyIn(this.arena, this.keyAt[row], this.keyShape[row]);
  }

  private keyEquals(row: number, id: string): boolean {
    const shape = this.keyShape[row];
    if (shape >>> 1 !== id.length) return false;
    const at = this.keyAt[row];
    const keys = this.arena;
    if (shape & 1) {
      for (let i = 0; i < id.length; i++)
        if (keys.readUInt16LE(at + 2 * i) !== id.charCodeAt(i)) return false;
    } else {
      for (let i = 0; i < id.length; i++) if (keys[at + i] !== id.charCodeAt(i)) return false;
    }
    return true;
  }

  // ---- the buffers rows point into ---------------------------------------------------------

  private hold(bytes: ArrayBufferLike, size: number): number {
    let n = this.bufferNumbers.get(bytes);
    if (n === undefined) {
      n = this.freeNumbers.pop() ?? this.buffers.length;
      this.buffers[n] = bytes;
      this.users[n] = 0;
      this.liveIn[n] = 0;
      this.bufferNumbers.set(bytes, n);
      this.heldBytes += bytes.byteLength;
    }
    this.users[n]++;
    this.liveIn[n] += size;
    this.liveBytes += size;
    return n;
  }

  /** Forgets a buffer once no row points into it (a handle still reading it keeps it alive). */
  private release(n: number, size: number): void {
    this.liveIn[n] -= size;
    this.liveBytes -= size;
    if (--this.users[n] === 0) {
      const bytes = this.buffers[n]!;
      this.bufferNumbers.delete(bytes);
      this.buffers[n] = undefined;
      this.freeNumbers.push(n);
      this.heldBytes -= bytes.byteLength;
    }
    if (this.heldBytes > 2 * this.liveBytes + SPARSE_SLACK && !this.movingRows) this.moveOutOfSparseSlabs();
  }

  /** Bytes held in buffers (whole slabs), and the bytes of live rows in them. */
  get bytesHeld(): { held: number; live: number } {
    return { held: this.heldBytes, live: this.liveBytes };
  }

  /**
   * Copies the rows of slabs less than half used into new slabs, so that the sparse ones are
   * freed: a slab is otherwise kept whole by its last live row (documents written at one time and
   * replaced at different times). Runs once the buffers held exceed twice the live bytes by a
   * margin, so its cost (a pass over the rows, and copying at most the live bytes) is spread over
   * at least that margin of bytes written.
   */
  private moveOutOfSparseSlabs(): void {
    this.movingRows = true;
    const current = this.slabs.current;
    const sparse = this.buffers.map(
      (b, n) => b !== undefined && b !== current && this.liveIn[n] * 2 < b.byteLength,
    );
    for (let row = 0; row < this.rows; row++) {
      const n = this.buffer[row];
      if (n < 0 || !sparse[n]) continue;
      const size = this.sizes[row];
      const kept = this.slabs.copy(Buffer.from(this.buffers[n]!, this.offset[row], size));
      const moved = this.hold(kept.buffer, size);
      this.release(n, size);
      this.buffer[row] = moved;
      this.offset[row] = kept.byteOffset;
    }
    this.slabMoves++;
    this.movingRows = false;
  }

  /** How many times rows were moved out of sparse slabs. */
  slabMoves = 0;

  // ---- room for rows -------------------------------------------------------------------------

  private makeRoom(): void {
    if (this.rows - this.live >= COMPACT_AFTER && (this.rows - this.live) * 2 >= this.rows) this.compact();
    else this.resize(Math.max(MIN_ROWS, this.buffer.length * 2));
  }

  private resize(capacity: number): void {
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a.subarray(0, Math.min(this.rows, capacity)));
      return b;
    };
    const ints = (n: number) => new Int32Array(n);
    this.buffer = grow(this.buffer, ints);
    this.offset = grow(this.offset, ints);
    this.sizes = grow(this.sizes, ints);
    this.versions = grow(this.versions, (n) => new Float64Array(n));
    this.keyAt = grow(this.keyAt, ints);
    this.keyShape = grow(this.keyShape, ints);
    this.hashes = grow(this.hashes, ints);
  }

  /** Drops deleted rows (keeping the others' order) and their keys; iterations in progress follow. */
  private compact(): void {
    const survivors = new Int32Array(this.live);
    // The kept keys go to a new arena: handles made before may still read theirs from the old one.
    let keysLive = 0;
    for (let row = 0; row < this.rows; row++) if (this.buffer[row] >= 0) keysLive += this.keyBytes(row);
    const arena = Buffer.allocUnsafeSlow(Math.max(4096, keysLive * 2));
    let kept = 0;
    let keysUsed = 0;
    for (let row = 0; row < this.rows; row++) {
      if (this.buffer[row] < 0) continue;
      survivors[kept] = row;
      const bytes = this.keyBytes(row);
      this.arena.copy(arena, keysUsed, this.keyAt[row], this.keyAt[row] + bytes);
      if (kept !== row) {
        this.buffer[kept] = this.buffer[row];
        this.offset[kept] = this.offset[row];
        this.sizes[kept] = this.sizes[row];
        this.versions[kept] = this.versions[row];
        this.keyShape[kept] = this.keyShape[row];
        this.hashes[kept] = this.hashes[row];
      }
      this.keyAt[kept] = keysUsed;
      keysUsed += bytes;
      kept++;
    }
    this.rows = kept;
    this.arena = arena;
    this.keysUsed = keysUsed;
    if (this.buffer.length > 4 * Math.max(MIN_ROWS, kept)) this.resize(Math.max(MIN_ROWS, kept * 2));
    let slots = MIN_ROWS * 2;
    while (slots < kept * 2) slots *= 2;
    this.rehash(slots);
    const next: Generation = { survivors: null, next: null };
    this.generation.survivors = survivors;
    this.generation.next = next;
    this.generation = next;
    this.compactions++;
  }
}
