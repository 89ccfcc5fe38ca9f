// A collection: documents keyed by their `_id` (stored as the exact BSON bytes the client sent;
// parsed copies live only in a small cache), and its indexes. Each index is an ordered set of
// (key string, document id) entries, the keys encoded so that string order is MongoDB's order
// (keystring.ts): equality, ranges, compound prefixes and sorts are all ranges of it.
import { randomUUID } from 'crypto';
import { Document } from 'bson';
import { Query } from 'mingo';
import { differingElements, findElement, sameBytes } from '../bson/raw';
import { ErrorCodes, MongoServerError } from '../errors';
import { AFTER, encodeField } from './keystring';
import { DocTable } from './doctable';
import { SortedKeys } from './sortedkeys';
import { StoredDoc, nextVersion } from './stored';
import { foldStrength, foldString, isCollated, keyOf, shellText, valuesAtPath } from './values';

export { StoredDoc, currentVersion, nextVersion } from './stored';

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

export interface IndexKey {
  /** The entry's key string. */
  key: string;
  /** The indexed values, in the key pattern's order (for duplicate key errors). */
  values: unknown[];
}

const MAX_KEYS_PER_DOC = 10_000;

export class Index {
  readonly spec: IndexSpec;
  readonly fields: string[];
  /** 1 or -1 per field (0 for text and other special fields). */
  readonly directions: number[];
  readonly isId: boolean;
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly partial?: Query;
  /** Top-level field names the entries depend on (key fields and the partial filter's fields). */
  readonly topFields: Set<string>;
  private topNames: Buffer[] = [];
  /** (key, id) entries; for `_id_` built on the first ordered read (the documents map serves equality). */
  private tree: SortedKeys | null;
  /** The index's collation as foldStrength gives it: its keys hold strings folded at that strength (1 or 2). */
  readonly foldStrength: number;
  /** Some document has several keys in this index (an array on an indexed path). */
  multikey = false;
  /** The last document whose keys were computed (a uniqueness check is followed by an add). */
  private memo: { obj: Document; keys: IndexKey[] | null } | null = null;

  constructor(
    spec: IndexSpec,
    private readonly collection: Collection,
  ) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    this.directions = this.fields.map((f) => {
      const d = spec.key[f];
      return typeof d === 'number' ? (d < 0 ? -1 : 1) : 0;
    });
    this.isId = spec.name === '_id_';
    this.unique = this.isId || spec.unique === true;
    this.sparse = spec.sparse === true;
    this.foldStrength = Math.max(0, foldStrength(spec.collation));
    // The `_id` index of a collection whose default collation folds strings keeps folded entries
    // (uniqueness and lookups by the collation); otherwise the documents map serves it.
    this.tree = this.isId && this.foldStrength === 0 ? null : new SortedKeys();
    this.topFields = new Set(this.fields.map((f) => f.split('.')[0]));
    if (spec.partialFilterExpression) {
      this.partial = new Query(spec.partialFilterExpression, { scriptEnabled: false });
      for (const f of filterFields(spec.partialFilterExpression)) this.topFields.add(f.split('.')[0]);
    }
  }

  get isTextOrSpecial(): boolean {
    return this.directions.includes(0);
  }

  /** The entries of a document (one per combination of array elements), or null when it is not indexed. */
  keysOf(obj: Document): IndexKey[] | null {
    if (this.memo?.obj === obj) return this.memo.keys;
    const keys = this.computeKeys(obj);
    this.memo = { obj, keys };
    return keys;
  }

  private computeKeys(obj: Document): IndexKey[] | null {
    if (this.isId) {
      const id: unknown = obj._id;
      const keyed = this.foldStrength && typeof id === 'string' ? foldString(id, this.foldStrength) : id;
      return [{ key: encodeField(keyed, 1), values: [id] }];
    }
    const perField = this.fields.map((f) => valuesAtPath(obj, f));
    if (this.sparse && perField.every((vals) => vals.length === 1 && vals[0] === undefined)) return null;
    if (this.partial && !this.partial.test(obj)) return null;
    let combos: { key: string; values: unknown[] }[] = [{ key: '', values: [] }];
    perField.forEach((vals, i) => {
      const next: IndexKey[] = [];
      const seen = vals.length > 1 ? new Set<string>() : null;
      for (const v of vals) {
        const keyed = this.foldStrength && typeof v === 'string' ? foldString(v, this.foldStrength) : v;
        const enc = encodeField(keyed === undefined ? null : keyed, this.directions[i] || 1);
        if (seen) {
          if (seen.has(enc)) continue;
          seen.add(enc);
        }
        for (const c of combos)
          if (next.length < MAX_KEYS_PER_DOC) next.push({ key: c.key + enc, values: [...c.values, v] });
      }
      combos = next;
    });
    return combos;
  }

  /** Whether two versions of a document have the same entries (their fields' bytes are equal). */
  sameKeys(a: Buffer, b: Buffer): boolean {
    if (this.isId) return true;
    if (this.topNames.length !== this.topFields.size)
      this.topNames = [...this.topFields].map((f) => Buffer.from(f));
    for (const name of this.topNames) {
      const x = findElement(a, name);
      const y = findElement(b, name);
      if (!x || !y) {
        if (x !== y) return false;
        continue;
      }
      if (x.type !== y.type || x.end - x.start !== y.end - y.start) return false;
      if (!sameBytes(a, x.start, b, y.start, x.end - x.start)) return false;
    }
    return true;
  }

  /** Whether two versions of a document may have different entries (see sameKeys and StoredDoc.touched). */
  mayDiffer(old: StoredDoc, next: StoredDoc): boolean {
    return next.touched ? touchesAny(this.topFields, next.touched) : !this.sameKeys(old.raw, next.raw);
  }

  add(doc: StoredDoc): void {
    if (!this.tree) return;
    const keys = this.keysOf(doc.obj);
    if (!keys) return;
    if (keys.length > 1) this.multikey = true;
    for (const k of keys) this.tree.insert(k.key, doc.id);
  }

  remove(doc: StoredDoc): void {
    if (!this.tree) return;
    const keys = this.keysOf(doc.obj);
    if (!keys) return;
    for (const k of keys) this.tree.remove(k.key, doc.id);
  }

  /** The id of another document holding the same unique key, with the key, or null. */
  findConflict(
    obj: Document,
    selfId: string,
    isVisible: (id: string) => boolean = () => true,
  ): { id: string; values: unknown[] } | null {
    if (!this.unique || (this.isId && this.foldStrength === 0)) return null;
    const keys = this.keysOf(obj);
    if (!keys) return null;
    for (const k of keys) {
      const other = this.tree!.findOther(k.key, selfId, isVisible);
      if (other !== undefined) return { id: other, values: k.values };
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
    const shown = this.fields.map((f) => `${f}: ${shellText(keyValue[f])}`).join(', ');
    return new MongoServerError(
      ErrorCodes.DuplicateKey,
      `E11000 duplicate key error collection: ${ns} index: ${this.spec.name} dup key: { ${shown} }`,
      {
        keyPattern,
        keyValue,
      },
    );
  }

  /** Indexes the collection's documents; with `checkUnique`, a duplicate key fails like MongoDB's build. */
  build(checkUnique: boolean): void {
    if (this.isId && this.foldStrength === 0) return;
    const entries: { key: string; id: string }[] = [];
    for (const d of this.collection.docs.values()) {
      const keys = this.keysOf(d.obj);
      if (!keys) continue;
      if (keys.length > 1) this.multikey = true;
      for (const k of keys) entries.push({ key: k.key, id: d.id });
    }
    this.tree = SortedKeys.from(entries);
    if (!checkUnique || !this.unique) return;
    for (let i = 1; i < entries.length; i++)
      if (entries[i].key === entries[i - 1].key && entries[i].id !== entries[i - 1].id) {
        const obj = this.collection.docs.get(entries[i].id)!.obj;
        const dup = this.keysOf(obj)!.find((k) => k.key === entries[i].key)!;
        throw this.duplicateKeyError(this.collection.ns, dup.values);
      }
  }

  private ordered(): SortedKeys {
    if (!this.tree) {
      const entries: { key: string; id: string }[] = [];
      for (const d of this.collection.docs.values()) {
        const k = this.keysOf(d.obj)![0];
        entries.push({ key: k.key, id: d.id });
      }
      this.tree = SortedKeys.from(entries);
    }
    return this.tree;
  }

  /** Ids whose leading field equals v (null also finds missing fields). */
  lookupEq(v: unknown): Iterable<string> {
    if (this.isId && (this.foldStrength === 0 || typeof v !== 'string')) {
      const k = keyOf(v);
      return this.collection.docs.has(k) ? [k] : [];
    }
    const keyed = this.foldStrength && typeof v === 'string' ? foldString(v, this.foldStrength) : v;
    const prefix = encodeField(keyed, this.directions[0]);
    return this.scan([[prefix, prefix + AFTER]], false);
  }

  /**
   * Ids of the entries within key ranges [start, end), range after range (in reverse when asked),
   * each id once; `examined` counts the entries read.
   */
  *scan(ranges: [string, string][], reverse: boolean, examined?: { keys: number }): Generator<string> {
    const tree = this.ordered();
    const seen = this.multikey || ranges.length > 1 ? new Set<string>() : null;
    const order = reverse ? [...ranges].reverse() : ranges;
    for (const [start, end] of order)
      for (const [, id] of tree.range(start, end, reverse)) {
        if (examined) examined.keys++;
        if (seen) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        yield id;
      }
  }

  /**
   * A scan over key ranges that can be resumed after the index has changed: each `take` reads up
   * to `max` further ids, starting past the last entry it returned (each id once per cursor when
   * the index is multikey or has several ranges). A statement that yields between slices uses it
   * instead of collecting every id first.
   */
  cursor(ranges: [string, string][], reverse: boolean): IdCursor {
    const order = reverse ? [...ranges].reverse() : ranges;
    const seen = this.multikey || ranges.length > 1 ? new Set<string>() : null;
    let r = 0;
    let last: [string, string] | undefined;
    return {
      take: (max: number): string[] => {
        const out: string[] = [];
        const tree = this.ordered();
        while (r < order.length && out.length < max) {
          const [start, end] = order[r];
          let ended = true;
          for (const entry of tree.range(start, end, reverse, last)) {
            last = entry;
            if (seen) {
              if (seen.has(entry[1])) continue;
              seen.add(entry[1]);
            }
            out.push(entry[1]);
            if (out.length >= max) {
              ended = false;
              break;
            }
          }
          if (ended) {
            r++;
            last = undefined;
          }
        }
        return out;
      },
    };
  }

  get entryCount(): number {
    return this.tree ? this.tree.size : this.collection.docs.size;
  }
}

/** Ids read slice by slice (see Index.cursor). */
export interface IdCursor {
  /** Up to `max` further ids; fewer (none) at the end. */
  take(max: number): string[];
}

function touchesAny(fields: ReadonlySet<string>, touched: ReadonlySet<string>): boolean {
  for (const f of fields) if (touched.has(f)) return true;
  return false;
}

/** Field names a filter refers to (for the partial filter of an index). */
function filterFields(filter: Document): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(filter)) {
    if (k.startsWith('$')) {
      if (Array.isArray(v))
        for (const sub of v) if (sub && typeof sub === 'object') out.push(...filterFields(sub));
    } else out.push(k);
  }
  return out;
}

export class Collection {
  /** The documents by id key (see doctable.ts: each read makes a new handle). */
  readonly docs = new DocTable();
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
    // The `_id` index takes the collection's default collation, as in MongoDB.
    const collation = options.collation as Document | undefined;
    this.indexes.push(
      new Index(
        { v: 2, key: { _id: 1 }, name: '_id_', ...(isCollated(collation) ? { collation } : {}) },
        this,
      ),
    );
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  index(name: string): Index | undefined {
    return this.indexes.find((i) => i.spec.name === name);
  }

  /** Builds an index over the documents; a unique one fails on a duplicate unless `unchecked` (journal replay). */
  addIndex(spec: IndexSpec, unchecked = false): Index {
    const idx = new Index(spec, this);
    idx.build(!unchecked);
    this.indexes.push(idx);
    this.indexFields = null;
    return idx;
  }

  dropIndex(name: string): void {
    const i = this.indexes.findIndex((x) => x.spec.name === name);
    if (i > 0) this.indexes.splice(i, 1);
    this.indexFields = null;
    this.changedMemo = null;
  }

  /** Top-level field names any index depends on, and per index their positions in that list. */
  private indexFields: { names: Buffer[]; perIndex: number[][] } | null = null;
  /** The last answer of changedIndexes (a uniqueness check is followed by a put of the same pair). */
  private changedMemo: { old: StoredDoc; doc: StoredDoc; changed: boolean[] } | null = null;

  /** Per index (in `indexes` order), whether its entries may differ between two versions of a document. */
  changedIndexes(old: StoredDoc, doc: StoredDoc): boolean[] {
    const m = this.changedMemo;
    if (m && m.old.sameVersion(old) && m.doc.sameVersion(doc) && m.changed.length === this.indexes.length)
      return m.changed;
    if (!this.indexFields) {
      const all: string[] = [];
      const perIndex = this.indexes.map((idx) =>
        [...idx.topFields].map((f) => {
          const at = all.indexOf(f);
          return at >= 0 ? at : all.push(f) - 1;
        }),
      );
      this.indexFields = { names: all.map((f) => Buffer.from(f, 'utf8')), perIndex };
    }
    const { names, perIndex } = this.indexFields;
    const touched = doc.touched;
    const changed = touched
      ? this.indexes.map((idx) => !idx.isId && touchesAny(idx.topFields, touched))
      : this.changedByBytes(old, doc, names, perIndex);
    this.changedMemo = { old, doc, changed };
    return changed;
  }

  private changedByBytes(old: StoredDoc, doc: StoredDoc, names: Buffer[], perIndex: number[][]): boolean[] {
    const differs = names.length ? differingElements(old.raw, doc.raw, names) : [];
    return this.indexes.map((idx, i) => !idx.isId && perIndex[i].some((at) => differs[at]));
  }

  /** Throws E11000 if `doc` would break a unique index (only indexes whose fields changed since `old` are checked). */
  checkUnique(doc: StoredDoc, old?: StoredDoc, isVisible?: (id: string) => boolean): void {
    if (this.indexes.length === 1 && this.indexes[0].foldStrength === 0) return;
    const changed = old ? this.changedIndexes(old, doc) : undefined;
    for (let i = 0; i < this.indexes.length; i++) {
      const idx = this.indexes[i];
      if (!idx.unique || (idx.isId && idx.foldStrength === 0) || (changed && !changed[i])) continue;
      const c = idx.findConflict(doc.obj, doc.id, isVisible);
      if (c) throw idx.duplicateKeyError(this.ns, c.values);
    }
  }

  /** Told about every document version that a write replaces or deletes (transactions' snapshots keep them). */
  onSupersede?: (coll: Collection, old: StoredDoc, at: number) => void;

  /** Inserts or replaces a document (uniqueness must already be checked); indexes whose fields did not change are left alone. */
  put(doc: StoredDoc): void {
    const old = this.docs.get(doc.id);
    if (old) this.onSupersede?.(this, old, doc.ver);
    this.docs.set(doc.id, doc);
    const changed = old ? this.changedIndexes(old, doc) : undefined;
    for (let i = 0; i < this.indexes.length; i++) {
      const idx = this.indexes[i];
      if (old) {
        if (!changed![i]) continue;
        idx.remove(old);
      }
      idx.add(doc);
    }
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
    for (const d of this.docs.values()) n += d.size;
    return n;
  }
}

function randomUuid(): Buffer {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
}
