// A collection: documents keyed by their `_id` (stored as the exact BSON bytes the client sent plus
// a deserialised copy for matching), and its indexes. Each index keeps a hash map for equality on
// its leading field, a map of full keys when unique, and a lazily sorted list for ranges and sorts.
import { randomUUID } from 'crypto';
import { Document } from 'bson';
import { Query } from 'mingo';
import { ErrorCodes, MongoServerError } from '../errors';
import { bsonCompare, keyOf, typeRank, valuesAtPath } from './values';

export interface StoredDoc {
  /** keyOf(_id) */
  id: string;
  raw: Buffer;
  obj: Document;
  /** Bumped on every write; transactions use it to detect write conflicts. */
  ver: number;
}

let versionCounter = 1;
export function nextVersion(): number {
  return versionCounter++;
}

/** The newest version handed out so far: a transaction's snapshot. */
export function currentVersion(): number {
  return versionCounter - 1;
}

export interface IndexSpec {
  v?: number;
  key: Record<string, unknown>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

interface IndexEntries {
  lead: unknown[];
  full: { key: string; values: unknown[] }[];
}

interface SortedEntry {
  v: unknown;
  id: string;
}

const MAX_KEYS_PER_DOC = 10_000;

export class Index {
  readonly spec: IndexSpec;
  readonly fields: string[];
  readonly isId: boolean;
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly partial?: Query;
  /** leading-field key → id, or ids when several documents share it (not kept for single-field unique indexes: `full` serves) */
  private eq = new Map<string, string | Set<string>>();
  /** full key → id (unique indexes only) */
  private full = new Map<string, string>();
  private sorted: SortedEntry[] | null = [];
  /** Entries added out of order since the last ordered read. */
  private pending: SortedEntry[] = [];
  private readonly singleUnique: boolean;
  /** Some document has several keys in this index (an array on an indexed path). */
  private multikey = false;
  /** The last document whose entries were computed (a uniqueness check is followed by an add). */
  private memo: { obj: Document; e: IndexEntries | null } | null = null;

  constructor(
    spec: IndexSpec,
    private readonly collection: Collection,
  ) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    this.isId = spec.name === '_id_';
    this.unique = this.isId || spec.unique === true;
    this.sparse = spec.sparse === true;
    this.singleUnique = this.unique && this.fields.length === 1;
    if (spec.partialFilterExpression)
      this.partial = new Query(spec.partialFilterExpression, { scriptEnabled: false });
  }

  get isTextOrSpecial(): boolean {
    return Object.values(this.spec.key).some((v) => typeof v === 'string');
  }

  /** Index entries of a document: its leading-field values and full keys, or null when not indexed. */
  entries(obj: Document): IndexEntries | null {
    if (this.memo?.obj === obj) return this.memo.e;
    const e = this.computeEntries(obj);
    this.memo = { obj, e };
    return e;
  }

  private computeEntries(obj: Document): IndexEntries | null {
    const perField = this.fields.map((f) => valuesAtPath(obj, f));
    if (this.sparse && perField.every((vals) => vals.length === 1 && vals[0] === undefined)) return null;
    if (this.partial && !this.partial.test(obj)) return null;
    const lead = dedupe(perField[0]);
    const full: { key: string; values: unknown[] }[] = [];
    if (this.unique) {
      if (perField.length === 1) {
        for (const v of lead) full.push({ key: keyOf(v), values: [v] });
      } else {
        let combos: unknown[][] = [[]];
        for (const vals of perField) {
          const next: unknown[][] = [];
          for (const c of combos)
            for (const v of dedupe(vals)) if (next.length < MAX_KEYS_PER_DOC) next.push([...c, v]);
          combos = next;
        }
        for (const c of combos) full.push({ key: c.map(keyOf).join('|'), values: c });
      }
    }
    return { lead, full };
  }

  add(doc: StoredDoc): void {
    if (this.isId) {
      this.addSorted(doc.obj._id, doc.id);
      return;
    }
    const e = this.entries(doc.obj);
    if (!e) return;
    if (e.lead.length > 1) this.multikey = true;
    if (!this.singleUnique)
      for (const v of e.lead) {
        const k = keyOf(v);
        const cur = this.eq.get(k);
        if (cur === undefined) this.eq.set(k, doc.id);
        else if (typeof cur === 'string') {
          if (cur !== doc.id) this.eq.set(k, new Set([cur, doc.id]));
        } else cur.add(doc.id);
      }
    for (const v of e.lead) this.addSorted(v === undefined ? null : v, doc.id);
    for (const f of e.full) this.full.set(f.key, doc.id);
  }

  remove(doc: StoredDoc): void {
    if (this.isId) {
      this.removeSorted(doc.obj._id, doc.id);
      return;
    }
    const e = this.entries(doc.obj);
    if (!e) return;
    if (!this.singleUnique)
      for (const v of e.lead) {
        const k = keyOf(v);
        const cur = this.eq.get(k);
        if (cur === doc.id) this.eq.delete(k);
        else if (cur instanceof Set) {
          cur.delete(doc.id);
          if (cur.size === 1) this.eq.set(k, cur.values().next().value as string);
        }
      }
    for (const f of e.full) if (this.full.get(f.key) === doc.id) this.full.delete(f.key);
    for (const v of e.lead) this.removeSorted(v === undefined ? null : v, doc.id);
  }

  private removeSorted(v: unknown, id: string): void {
    const s = this.sorted;
    if (!s) return;
    for (let i = lowerBound(s, v, false); i < s.length && bsonCompare(s[i].v, v) === 0; i++) {
      if (s[i].id === id) {
        s.splice(i, 1);
        return;
      }
    }
    const p = this.pending.findIndex((e) => e.id === id && bsonCompare(e.v, v) === 0);
    if (p >= 0) this.pending.splice(p, 1);
    else this.dropSorted();
  }

  /** Appends in order when it can; otherwise parks the entry until the next ordered read merges it in. */
  private addSorted(v: unknown, id: string): void {
    const s = this.sorted;
    if (!s) return;
    if (this.pending.length === 0 && (s.length === 0 || bsonCompare(s[s.length - 1].v, v) <= 0))
      s.push({ v, id });
    else if (this.pending.length < Math.max(1024, s.length)) this.pending.push({ v, id });
    else this.dropSorted(); // a bulk load: one full sort later is cheaper than merging
  }

  private dropSorted(): void {
    this.sorted = null;
    this.pending = [];
  }

  /** The id of another document holding the same unique key, with the key, or null. */
  findConflict(
    obj: Document,
    selfId: string,
    isVisible: (id: string) => boolean = () => true,
  ): { id: string; values: unknown[] } | null {
    if (!this.unique) return null;
    if (this.isId) return null;
    const e = this.entries(obj);
    if (!e) return null;
    for (const f of e.full) {
      const other = this.full.get(f.key);
      if (other !== undefined && other !== selfId && isVisible(other)) return { id: other, values: f.values };
    }
    return null;
  }

  duplicateKeyError(ns: string, values: unknown[]): MongoServerError {
    const keyPattern: Record<string, unknown> = {};
    const keyValue: Record<string, unknown> = {};
    this.fields.forEach((f, i) => {
      keyPattern[f] = this.spec.key[f];
      keyValue[f] = values[i] === undefined ? null : values[i];
    });
    const shown = this.fields.map((f, i) => `${f}: ${formatValue(keyValue[f], i)}`).join(', ');
    return new MongoServerError(
      ErrorCodes.DuplicateKey,
      `E11000 duplicate key error collection: ${ns} index: ${this.spec.name} dup key: { ${shown} }`,
      {
        keyPattern,
        keyValue,
      },
    );
  }

  /** Ids whose leading field equals v (null also finds missing fields). */
  lookupEq(v: unknown): Iterable<string> {
    const k = keyOf(v);
    if (this.isId) return this.collection.docs.has(k) ? [k] : [];
    if (this.singleUnique) {
      const id = this.full.get(k);
      return id === undefined ? [] : [id];
    }
    const cur = this.eq.get(k);
    return cur === undefined ? [] : typeof cur === 'string' ? [cur] : cur;
  }

  private sortedEntries(): SortedEntry[] {
    if (!this.sorted) {
      const list: SortedEntry[] = [];
      if (this.isId) for (const d of this.collection.docs.values()) list.push({ v: d.obj._id, id: d.id });
      else
        for (const d of this.collection.docs.values()) {
          const e = this.entries(d.obj);
          if (e) for (const v of e.lead) list.push({ v: v === undefined ? null : v, id: d.id });
        }
      list.sort((a, b) => bsonCompare(a.v, b.v));
      this.sorted = list;
      this.pending = [];
    } else if (this.pending.length > 0) {
      const add = this.pending.sort((a, b) => bsonCompare(a.v, b.v));
      const cur = this.sorted;
      const merged: SortedEntry[] = new Array(cur.length + add.length);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < cur.length && j < add.length)
        merged[k++] = bsonCompare(cur[i].v, add[j].v) <= 0 ? cur[i++] : add[j++];
      while (i < cur.length) merged[k++] = cur[i++];
      while (j < add.length) merged[k++] = add[j++];
      this.sorted = merged;
      this.pending = [];
    }
    return this.sorted;
  }

  /** Ids with a leading value within the bounds, of the bounds' BSON type (type bracketing). */
  lookupRange(
    lo: { v: unknown; inclusive: boolean } | null,
    hi: { v: unknown; inclusive: boolean } | null,
  ): string[] {
    const s = this.sortedEntries();
    const rank = typeRank((lo ?? hi)!.v);
    const start = lo ? lowerBound(s, lo.v, !lo.inclusive) : lowerBoundRank(s, rank);
    const out: string[] = [];
    for (let i = start; i < s.length; i++) {
      const e = s[i];
      if (typeRank(e.v) !== rank) break;
      if (hi) {
        const c = bsonCompare(e.v, hi.v);
        if (c > 0 || (c === 0 && !hi.inclusive)) break;
      }
      out.push(e.id);
    }
    return this.multikey ? [...new Set(out)] : out;
  }

  /** All indexed ids in leading-field order (ascending or descending), each once. */
  *scanOrdered(direction: number): Generator<string> {
    const s = this.sortedEntries();
    const seen = this.multikey ? new Set<string>() : null;
    const n = s.length;
    for (let k = 0; k < n; k++) {
      const e = s[direction >= 0 ? k : n - 1 - k];
      if (seen) {
        if (seen.has(e.id)) continue;
        seen.add(e.id);
      }
      yield e.id;
    }
  }

  get entryCount(): number {
    return this.isId ? this.collection.docs.size : this.singleUnique ? this.full.size : this.eq.size;
  }
}

function lowerBound(s: SortedEntry[], v: unknown, strict: boolean): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = bsonCompare(s[mid].v, v);
    if (c < 0 || (strict && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lowerBoundRank(s: SortedEntry[], rank: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (typeRank(s[mid].v) < rank) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function dedupe(vals: unknown[]): unknown[] {
  if (vals.length <= 1) return vals;
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const v of vals) {
    const k = keyOf(v);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }
  return out;
}

function formatValue(v: unknown, _i: number): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  const t = (v as { _bsontype?: string })?._bsontype;
  if (t === 'ObjectId') return `ObjectId('${String(v)}')`;
  if (typeof v === 'object') {
    try {
      return JSON.stringify(v);
    } catch {
      return String(v);
    }
  }
  return String(v);
}

export class Collection {
  readonly docs = new Map<string, StoredDoc>();
  readonly indexes: Index[] = [];
  options: Document;
  readonly uuid: Buffer;

  constructor(
    readonly db: string,
    readonly name: string,
    options: Document = {},
    uuid?: Buffer,
  ) {
    this.options = options;
    this.uuid = uuid ?? randomUuid();
    this.indexes.push(new Index({ v: 2, key: { _id: 1 }, name: '_id_' }, this));
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  index(name: string): Index | undefined {
    return this.indexes.find((i) => i.spec.name === name);
  }

  addIndex(spec: IndexSpec): Index {
    const idx = new Index(spec, this);
    // Build, failing on duplicates like MongoDB does for a new unique index.
    const seen = new Map<string, string>();
    for (const d of this.docs.values()) {
      if (!idx.unique) break;
      const e = idx.entries(d.obj);
      if (!e) continue;
      for (const f of e.full) {
        const other = seen.get(f.key);
        if (other !== undefined && other !== d.id) throw idx.duplicateKeyError(this.ns, f.values);
        seen.set(f.key, d.id);
      }
    }
    for (const d of this.docs.values()) idx.add(d);
    this.indexes.push(idx);
    return idx;
  }

  dropIndex(name: string): void {
    const i = this.indexes.findIndex((x) => x.spec.name === name);
    if (i > 0) this.indexes.splice(i, 1);
  }

  /** Throws E11000 if `obj` would break a unique index (ignoring the document `selfId` itself). */
  checkUnique(obj: Document, selfId: string, isVisible?: (id: string) => boolean): void {
    for (const idx of this.indexes) {
      const c = idx.findConflict(obj, selfId, isVisible);
      if (c) throw idx.duplicateKeyError(this.ns, c.values);
    }
  }

  /** Inserts or replaces a document (uniqueness must already be checked). */
  /** Told about every document version that a write replaces or deletes (transactions' snapshots keep them). */
  onSupersede?: (coll: Collection, old: StoredDoc, at: number) => void;

  put(doc: StoredDoc): void {
    const old = this.docs.get(doc.id);
    if (old) this.onSupersede?.(this, old, doc.ver);
    if (old) for (const idx of this.indexes) idx.remove(old);
    this.docs.set(doc.id, doc);
    for (const idx of this.indexes) idx.add(doc);
  }

  delete(id: string): StoredDoc | undefined {
    const old = this.docs.get(id);
    if (!old) return undefined;
    this.onSupersede?.(this, old, nextVersion());
    for (const idx of this.indexes) idx.remove(old);
    this.docs.delete(id);
    return old;
  }

  dataSize(): number {
    let n = 0;
    for (const d of this.docs.values()) n += d.raw.length;
    return n;
  }
}

function randomUuid(): Buffer {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
}
