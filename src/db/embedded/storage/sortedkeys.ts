// An ordered set of index entries (key string, document id), kept as a list of sorted chunks of
// at most CHUNK entries: finding an entry is a binary search over chunks then within one, and
// an insert or removal shifts at most one chunk, so both cost O(log n + CHUNK) whatever the size
// (a plain sorted array shifts everything behind the entry). Appends in order, the usual case for
// ascending ids, dates and counters, fill chunks completely.
//
// A chunk holds its entries as bytes in a fixed-size block outside the V8 heap, not as a key
// string and an id slot each: per entry the heap would hold two objects' worth of memory that
// V8 sizes its old generation by (it grows to a multiple of the live heap before collecting), and
// growing chunk arrays left garbage there. Blocks never grow (a full chunk splits into a block of
// its own), so a growing index leaves no garbage behind. (A block is not reused once its chunk is
// dropped: a walk that is still reading it must not see another index's entries.) Key strings
// have code units 0-255 (keystring.ts) and are stored one byte each; document ids are stored
// one byte per unit when they fit, otherwise as UTF-16. Entries are compared unit by unit with
// the strings callers pass, so the order is the strings' order, bounds such as `prefix + AFTER`
// (a unit above 255) included.
const CHUNK = 512;
/** Bytes of a chunk's block: one page-friendly size, enough for CHUNK short entries. */
const BLOCK = 16 * 1024;

// An entry's bytes: the key's length (u32 LE), the key (one byte per unit), the id's form (0: one
// byte per unit, 1: UTF-16LE) and the id.
const KEY_AT = 4;

class Chunk {
  /** Entries, in order, back to back. */
  buf: Buffer;
  /** Where entry i starts in `buf`; starts[n] is the bytes used. */
  starts = new Uint32Array(CHUNK + 1);
  n = 0;

  constructor(buf: Buffer) {
    this.buf = buf;
  }

  get used(): number {
    return this.starts[this.n];
  }

  keyAt(i: number): string {
    const s = this.starts[i];
    const len = this.buf.readUInt32LE(s);
    return this.buf.toString('latin1', s + KEY_AT, s + KEY_AT + len);
  }

  idAt(i: number): string {
    const s = this.starts[i];
    const at = s + KEY_AT + this.buf.readUInt32LE(s);
    return this.buf.toString(this.buf[at] === 0 ? 'latin1' : 'utf16le', at + 1, this.starts[i + 1]);
  }

  /** Compares entry i's key with `key`, unit by unit (a shorter prefix sorts first). */
  compareKey(i: number, key: string): number {
    const b = this.buf;
    const s = this.starts[i] + KEY_AT;
    const len = b.readUInt32LE(s - KEY_AT);
    const m = Math.min(len, key.length);
    for (let k = 0; k < m; k++) {
      const d = b[s + k] - key.charCodeAt(k);
      if (d !== 0) return d;
    }
    return len - key.length;
  }

  /** Compares entry i with (key, id): by key, then by id, as strings compare. */
  compare(i: number, key: string, id: string): number {
    const c = this.compareKey(i, key);
    if (c !== 0) return c;
    const b = this.buf;
    const at = this.starts[i] + KEY_AT + b.readUInt32LE(this.starts[i]);
    const wide = b[at] !== 0;
    const s = at + 1;
    const len = wide ? (this.starts[i + 1] - s) >>> 1 : this.starts[i + 1] - s;
    const m = Math.min(len, id.length);
    for (let k = 0; k < m; k++) {
      const unit = wide ? b[s + 2 * k] | (b[s + 2 * k + 1] << 8) : b[s + k];
      const d = unit - id.charCodeAt(k);
      if (d !== 0) return d;
    }
    return len - id.length;
  }

  /** The first position whose entry is not before (key, id). */
  position(key: string, id: string): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(mid, key, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether an entry of `bytes` more fits. */
  fits(bytes: number): boolean {
    return this.n < CHUNK && this.used + bytes <= this.buf.length;
  }

  /** Writes (key, id) as entry p, moving the entries from p on (the caller checked `fits`). */
  insertAt(p: number, key: string, id: string, bytes: number): void {
    const s = this.starts[p];
    const used = this.used;
    if (p < this.n) this.buf.copyWithin(s + bytes, s, used);
    for (let i = this.n; i >= p; i--) this.starts[i + 1] = this.starts[i] + bytes;
    this.n++;
    writeEntry(this.buf, s, key, id);
  }

  removeAt(p: number): void {
    const s = this.starts[p];
    const bytes = this.starts[p + 1] - s;
    this.buf.copyWithin(s, s + bytes, this.used);
    for (let i = p; i < this.n; i++) this.starts[i] = this.starts[i + 1] - bytes;
    this.n--;
  }

  /** Appends entries [from, to) of `other` (the caller checked that they fit). */
  appendFrom(other: Chunk, from: number, to: number): void {
    const start = other.starts[from];
    const delta = this.used - start;
    other.buf.copy(this.buf, this.used, start, other.starts[to]);
    for (let i = from + 1; i <= to; i++) this.starts[this.n + i - from] = other.starts[i] + delta;
    this.n += to - from;
  }

  /** Drops the first k entries. */
  dropHead(k: number): void {
    const cut = this.starts[k];
    this.buf.copyWithin(0, cut, this.used);
    for (let i = 0; i + k <= this.n; i++) this.starts[i] = this.starts[i + k] - cut;
    this.n -= k;
  }

  /** Drops entries from `from` on. */
  truncate(from: number): void {
    this.n = from;
  }
}

/** An empty chunk whose block holds at least `bytes`. */
function newChunk(bytes = 0): Chunk {
  return new Chunk(Buffer.allocUnsafeSlow(Math.max(BLOCK, bytes)));
}

function isNarrow(id: string): boolean {
  for (let k = 0; k < id.length; k++) if (id.charCodeAt(k) > 0xff) return false;
  return true;
}

function entryBytes(key: string, id: string): number {
  return KEY_AT + key.length + 1 + (isNarrow(id) ? id.length : 2 * id.length);
}

function writeEntry(buf: Buffer, at: number, key: string, id: string): void {
  buf.writeUInt32LE(key.length, at);
  buf.write(key, at + KEY_AT, 'latin1');
  const idAt = at + KEY_AT + key.length;
  const narrow = isNarrow(id);
  buf[idAt] = narrow ? 0 : 1;
  buf.write(id, idAt + 1, narrow ? 'latin1' : 'utf16le');
}

function cmp(k1: string, i1: string, k2: string, i2: string): number {
  if (k1 !== k2) return k1 < k2 ? -1 : 1;
  return i1 === i2 ? 0 : i1 < i2 ? -1 : 1;
}

export class SortedKeys {
  private chunks: Chunk[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Builds from entries in any order (one sort instead of n inserts). */
  static from(entries: { key: string; id: string }[]): SortedKeys {
    entries.sort((a, b) => cmp(a.key, a.id, b.key, b.id));
    const s = new SortedKeys();
    for (const e of entries) s.append(e.key, e.id);
    return s;
  }

  /** Adds an entry after every other one. */
  private append(key: string, id: string): void {
    const bytes = entryBytes(key, id);
    let c = this.chunks[this.chunks.length - 1];
    if (!c || !c.fits(bytes)) {
      c = newChunk(bytes);
      this.chunks.push(c);
    }
    c.insertAt(c.n, key, id, bytes);
    this.count++;
  }

  /** The chunk that holds (or would hold) the entry: the last whose first entry is not after it. */
  private chunkFor(key: string, id: string): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.chunks[mid].compare(0, key, id) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  insert(key: string, id: string): void {
    if (this.chunks.length === 0) {
      this.append(key, id);
      return;
    }
    const bytes = entryBytes(key, id);
    let ci = this.chunkFor(key, id);
    let c = this.chunks[ci];
    let p = c.position(key, id);
    if (!c.fits(bytes)) {
      if (p === c.n && ci === this.chunks.length - 1) {
        // After the last entry of a full last chunk: open a new chunk (appends fill chunks).
        this.append(key, id);
        return;
      }
      if (ci > 0 && this.shiftToPrevious(ci, p, bytes)) {
        p = c.position(key, id);
      } else if (c.n >= 2) {
        // Split: the upper half moves into a block of its own.
        const half = c.n >>> 1;
        const upper = newChunk(c.starts[c.n] - c.starts[half] + bytes);
        upper.appendFrom(c, half, c.n);
        c.truncate(half);
        this.chunks.splice(ci + 1, 0, upper);
        if (p >= half) {
          ci++;
          c = upper;
          p -= half;
        }
      }
      if (!c.fits(bytes)) {
        // An entry too large for what is left of the block (a long key): a chunk of its own, the
        // entries after it in another.
        const own = newChunk(bytes);
        if (p < c.n) {
          const tail = newChunk(c.starts[c.n] - c.starts[p]);
          tail.appendFrom(c, p, c.n);
          c.truncate(p);
          this.chunks.splice(ci + 1, 0, tail);
        }
        if (c.n === 0) this.chunks[ci] = own;
        else this.chunks.splice(++ci, 0, own);
        c = own;
        p = 0;
      }
    }
    c.insertAt(p, key, id, bytes);
    this.count++;
  }

  /**
   * Makes room in full chunk ci by moving its first entries (those before p) into the previous
   * chunk, if that leaves room for `bytes`. An insertion point that moves forward through the
   * index (keys inserted in order between older ones) would otherwise leave every chunk it
   * passed half empty behind it; this way they are filled first.
   */
  private shiftToPrevious(ci: number, p: number, bytes: number): boolean {
    const prev = this.chunks[ci - 1];
    const c = this.chunks[ci];
    const room = prev.buf.length - prev.used;
    let k = 0;
    while (k < p && prev.n + k < CHUNK && c.starts[k + 1] <= room) k++;
    if (k === 0 || c.used - c.starts[k] + bytes > c.buf.length) return false;
    prev.appendFrom(c, 0, k);
    c.dropHead(k);
    return true;
  }

  remove(key: string, id: string): boolean {
    if (this.chunks.length === 0) return false;
    const ci = this.chunkFor(key, id);
    const c = this.chunks[ci];
    const p = c.position(key, id);
    if (p >= c.n || c.compare(p, key, id) !== 0) return false;
    c.removeAt(p);
    this.count--;
    if (c.n === 0) this.chunks.splice(ci, 1);
    else if (c.n < CHUNK / 4 && ci + 1 < this.chunks.length) {
      const next = this.chunks[ci + 1];
      if (next.n + c.n <= CHUNK && c.used + next.used <= c.buf.length) {
        c.appendFrom(next, 0, next.n);
        this.chunks.splice(ci + 1, 1);
      }
    }
    return true;
  }

  /**
   * Entries with start <= key < end, in order (or in reverse), as [key, id]. With `after`, the walk
   * resumes strictly past that entry (in the walk's direction), whether or not it is still there:
   * a scan that yields between slices picks up where it stopped after the set has changed.
   */
  *range(
    start: string,
    end: string,
    reverse = false,
    after?: readonly [string, string],
  ): Generator<[string, string]> {
    if (this.chunks.length === 0 || !(start < end)) return;
    if (!reverse) {
      const [k0, i0] = after && after[0] >= start ? after : [start, ''];
      let ci = this.chunkFor(k0, i0);
      let p = this.chunks[ci].position(k0, i0);
      if (after && p < this.chunks[ci].n && this.chunks[ci].compare(p, k0, i0) === 0) p++;
      for (; ci < this.chunks.length; ci++, p = 0) {
        const c = this.chunks[ci];
        for (; p < c.n; p++) {
          if (c.compareKey(p, end) >= 0) return;
          yield [c.keyAt(p), c.idAt(p)];
        }
      }
    } else {
      const [k0, i0] = after && after[0] < end ? after : [end, ''];
      let ci = this.chunkFor(k0, i0);
      let p = this.chunks[ci].position(k0, i0) - 1;
      for (; ci >= 0; ci--, p = ci >= 0 ? this.chunks[ci].n - 1 : -1) {
        const c = this.chunks[ci];
        for (; p >= 0; p--) {
          if (c.compareKey(p, start) < 0) return;
          yield [c.keyAt(p), c.idAt(p)];
        }
      }
    }
  }

  /** Whether an entry with exactly this key exists for a document other than `selfId` that `accept` takes. */
  findOther(key: string, selfId: string, accept: (id: string) => boolean): string | undefined {
    for (const [, id] of this.range(key, key + '\u0000')) if (id !== selfId && accept(id)) return id;
    return undefined;
  }
}
