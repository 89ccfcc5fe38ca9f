// An ordered set of index entries (key string, document id), kept as a list of sorted chunks of
// at most CHUNK entries: finding an entry is a binary search over chunks then within one, and
// an insert or removal shifts at most one chunk, so both cost O(log n + CHUNK) whatever the size
// (a plain sorted array shifts everything behind the entry). Appends in order, the usual case for
// ascending ids, dates and counters, fill chunks completely.
const CHUNK = 128;

interface Chunk {
  keys: string[];
  ids: string[];
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
    for (let i = 0; i < entries.length; i += CHUNK) {
      const part = entries.slice(i, i + CHUNK);
      s.chunks.push({ keys: part.map((e) => e.key), ids: part.map((e) => e.id) });
    }
    s.count = entries.length;
    return s;
  }

  /** The chunk that holds (or would hold) the entry: the last whose first entry is not after it. */
  private chunkFor(key: string, id: string): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const c = this.chunks[mid];
      if (cmp(c.keys[0], c.ids[0], key, id) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private static position(c: Chunk, key: string, id: string): number {
    let lo = 0;
    let hi = c.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(c.keys[mid], c.ids[mid], key, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(key: string, id: string): void {
    this.count++;
    if (this.chunks.length === 0) {
      this.chunks.push({ keys: [key], ids: [id] });
      return;
    }
    const ci = this.chunkFor(key, id);
    const c = this.chunks[ci];
    const n = c.keys.length;
    if (cmp(c.keys[n - 1], c.ids[n - 1], key, id) < 0) {
      // After the chunk's last entry: append, or open a new chunk when this is the last one and full.
      if (n >= CHUNK && ci === this.chunks.length - 1) {
        this.chunks.push({ keys: [key], ids: [id] });
        return;
      }
      c.keys.push(key);
      c.ids.push(id);
    } else {
      const p = SortedKeys.position(c, key, id);
      c.keys.splice(p, 0, key);
      c.ids.splice(p, 0, id);
    }
    if (c.keys.length > CHUNK * 2) {
      const half = c.keys.length >>> 1;
      this.chunks.splice(ci + 1, 0, { keys: c.keys.splice(half), ids: c.ids.splice(half) });
    }
  }

  remove(key: string, id: string): boolean {
    if (this.chunks.length === 0) return false;
    const ci = this.chunkFor(key, id);
    const c = this.chunks[ci];
    const p = SortedKeys.position(c, key, id);
    if (p >= c.keys.length || c.keys[p] !== key || c.ids[p] !== id) return false;
    c.keys.splice(p, 1);
    c.ids.splice(p, 1);
    this.count--;
    if (c.keys.length === 0) this.chunks.splice(ci, 1);
    else if (c.keys.length < CHUNK / 4 && ci + 1 < this.chunks.length) {
      const next = this.chunks[ci + 1];
      if (next.keys.length + c.keys.length <= CHUNK) {
        c.keys.push(...next.keys);
        c.ids.push(...next.ids);
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
      let p = SortedKeys.position(this.chunks[ci], k0, i0);
      if (after && p < this.chunks[ci].keys.length) {
        const c = this.chunks[ci];
        if (c.keys[p] === k0 && c.ids[p] === i0) p++;
      }
      for (; ci < this.chunks.length; ci++, p = 0) {
        const c = this.chunks[ci];
        for (; p < c.keys.length; p++) {
          if (c.keys[p] >= end) return;
          yield [c.keys[p], c.ids[p]];
        }
      }
    } else {
      const [k0, i0] = after && after[0] < end ? after : [end, ''];
      let ci = this.chunkFor(k0, i0);
      let p = SortedKeys.position(this.chunks[ci], k0, i0) - 1;
      for (; ci >= 0; ci--, p = ci >= 0 ? this.chunks[ci].keys.length - 1 : -1) {
        const c = this.chunks[ci];
        for (; p >= 0; p--) {
          if (c.keys[p] < start) return;
          yield [c.keys[p], c.ids[p]];
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
