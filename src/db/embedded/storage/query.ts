// Query planning and execution: picks an index for equality, $in and range conditions on an
// indexed leading field (IDHACK for _id, IXSCAN otherwise), falls back to a collection scan, then
// filters with mingo, sorts in BSON order (or walks an index in order), skips and limits.
import { BSON, Document, Double, Long } from 'bson';
import { Query } from 'mingo';
import { ErrorCodes, fail } from '../errors';
import { Collection, Index, StoredDoc } from './collection';
import { applyPlainProjection, compilePlainProjection } from './projection';
import { splitText, textSearch } from './text';
import {
  bsonCompare,
  collatedCompare,
  collatorFor,
  isPlainObject,
  keyOf,
  sortValue,
  toNumber,
  typeRank,
} from './values';

type MingoOptions = NonNullable<ConstructorParameters<typeof Query>[1]>;
export const MINGO_OPTIONS: MingoOptions = { scriptEnabled: false, useStrictMode: true };

/** What one reader sees of a collection: the committed documents, overlaid by its transaction's writes. */
export interface ReadView {
  coll: Collection | undefined;
  overlay?: Map<string, StoredDoc | null>;
  /** A transaction's snapshot: which version of a document it sees, and ids changed since it began. */
  snapshot?: SnapshotView;
}

export interface SnapshotView {
  /** The version of document `id` visible in the snapshot (`current` is the committed one). */
  resolve(id: string, current: StoredDoc | undefined): StoredDoc | undefined;
  /** Ids of documents replaced or deleted since the snapshot (their old versions may match). */
  changedIds(): Iterable<string>;
}

export function viewGet(view: ReadView, id: string): StoredDoc | undefined {
  if (view.overlay?.has(id)) return view.overlay.get(id) ?? undefined;
  const current = view.coll?.docs.get(id);
  return view.snapshot ? view.snapshot.resolve(id, current) : current;
}

// ---- filters -------------------------------------------------------------------------------

const queryCache = new Map<string, Query>();
const QUERY_CACHE_MAX = 1000;

export function compileQuery(filter: Document): Query {
  const key = keyOf(filter);
  let q = queryCache.get(key);
  if (!q) {
    q = new Query(filter, MINGO_OPTIONS);
    if (queryCache.size >= QUERY_CACHE_MAX) queryCache.delete(queryCache.keys().next().value as string);
    queryCache.set(key, q);
  }
  return q;
}

/** MongoDB rejects `$and`/`$or`/`$nor` that are not non-empty arrays of documents (mingo accepts them). */
function checkLogical(filter: Document): void {
  for (const key in filter) {
    if (key !== '$and' && key !== '$or' && key !== '$nor') continue;
    const clauses: unknown = filter[key];
    if (!Array.isArray(clauses) || clauses.length === 0)
      fail(ErrorCodes.BadValue, '$and/$or/$nor must be a nonempty array');
    for (const c of clauses) {
      if (!isPlainObject(c)) fail(ErrorCodes.BadValue, '$or/$and/$nor entries need to be full objects');
      checkLogical(c);
    }
  }
}

export function matcher(filter: Document | undefined): (obj: Document) => boolean {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  checkLogical(filter);
  const fast = fastMatcher(filter);
  if (!fast) {
    // Compile now, so an invalid filter fails even when there is nothing to match.
    const q = compileQuery(filter);
    return (obj) => q.test(obj);
  }
  let q: Query | undefined;
  const slow = (obj: Document) => (q ??= compileQuery(filter)).test(obj);
  return (obj) => {
    const r = fast(obj);
    return r === undefined ? slow(obj) : r;
  };
}

// A fast path for the most common filters (equality and comparisons of scalar values on fields
// that hold scalars, and `$and`/`$or` of such filters), which avoids compiling a mingo query per
// distinct value. It answers undefined when a document holds an array on the path, and mingo decides.

const ARRAY = Symbol('array');
const FAST_OPS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']);

function isScalar(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return typeof v !== 'function' && v !== undefined;
  if (Array.isArray(v) || v instanceof RegExp) return false;
  const t = (v as { _bsontype?: string })._bsontype;
  return (
    v instanceof Date ||
    t === 'ObjectId' ||
    t === 'Decimal128' ||
    t === 'Long' ||
    t === 'Int32' ||
    t === 'Double'
  );
}

function scalarAt(obj: Document, path: string[]): unknown {
  let cur: unknown = obj;
  for (const part of path) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) return ARRAY;
    if (typeof cur !== 'object' || !isPlainObject(cur)) return undefined;
    cur = Object.prototype.hasOwnProperty.call(cur, part) ? (cur as Document)[part] : undefined;
  }
  return Array.isArray(cur) ? ARRAY : cur;
}

type FieldTest = (v: unknown) => boolean;

/** Equality as MongoDB defines it, with shortcuts for the common types. */
function equalityTest(operand: unknown): FieldTest {
  if (typeof operand === 'string')
    return (v) =>
      v === operand ||
      (typeof v === 'object' &&
        v !== null &&
        (v as { _bsontype?: string })._bsontype === 'BSONSymbol' &&
        String(v) === operand);
  if (typeof operand === 'number')
    return (v) =>
      v === operand || (typeof v === 'object' && v !== null && typeRank(v) === 3 && toNumber(v) === operand);
  if (typeof operand === 'boolean') return (v) => v === operand;
  if (operand === null) return (v) => v === null || v === undefined;
  if (operand instanceof Date) {
    const t = operand.getTime();
    return (v) => v instanceof Date && v.getTime() === t;
  }
  if ((operand as { _bsontype?: string })._bsontype === 'ObjectId') {
    const bytes = (operand as { id: Uint8Array }).id;
    return (v) =>
      (v as { _bsontype?: string } | null)?._bsontype === 'ObjectId' &&
      Buffer.compare((v as { id: Uint8Array }).id, bytes) === 0;
  }
  const key = keyOf(operand);
  return (v) => keyOf(v) === key;
}

function compareTest(op: string, operand: unknown): FieldTest {
  const rank = typeRank(operand);
  switch (op) {
    case '$eq':
      return equalityTest(operand);
    case '$ne':
      return (v) => keyOf(v) !== keyOf(operand);
    case '$gt':
      return (v) => v !== undefined && typeRank(v) === rank && bsonCompare(v, operand) > 0;
    case '$gte':
      return (v) => v !== undefined && typeRank(v) === rank && bsonCompare(v, operand) >= 0;
    case '$lt':
      return (v) => v !== undefined && typeRank(v) === rank && bsonCompare(v, operand) < 0;
    default:
      return (v) => v !== undefined && typeRank(v) === rank && bsonCompare(v, operand) <= 0;
  }
}

type FastMatch = (obj: Document) => boolean | undefined;

/** `$and` / `$or` of clauses the fast path answers (each a non-empty array of plain filters, as MongoDB requires). */
function fastLogical(op: string, clauses: unknown): FastMatch | null {
  if (
    (op !== '$and' && op !== '$or') ||
    !Array.isArray(clauses) ||
    clauses.length === 0 ||
    !clauses.every(isPlainObject)
  )
    return null;
  const subs: FastMatch[] = [];
  for (const clause of clauses as Document[]) {
    // An empty clause matches everything.
    const sub = Object.keys(clause).length === 0 ? () => true : fastMatcher(clause);
    if (!sub) return null;
    subs.push(sub);
  }
  // Three-valued: undefined (an array on a path) lets mingo decide unless another clause settles it.
  const settle = op === '$or';
  return (obj) => {
    let unknown = false;
    for (const sub of subs) {
      const r = sub(obj);
      if (r === undefined) unknown = true;
      else if (r === settle) return settle;
    }
    return unknown ? undefined : !settle;
  };
}

function fastMatcher(filter: Document): FastMatch | null {
  const tests: { path: string[]; test: FieldTest }[] = [];
  const logical: FastMatch[] = [];
  for (const [field, cond] of Object.entries(filter)) {
    if (field.startsWith('$')) {
      const sub = fastLogical(field, cond);
      if (!sub) return null;
      logical.push(sub);
      continue;
    }
    const path = field.split('.');
    if (isScalar(cond)) {
      tests.push({ path, test: equalityTest(cond) });
      continue;
    }
    if (!isPlainObject(cond)) return null;
    const ops = Object.entries(cond);
    if (ops.length === 0 || !ops.every(([op]) => FAST_OPS.has(op))) return null;
    for (const [op, operand] of ops) {
      if (op === '$in' || op === '$nin') {
        if (!Array.isArray(operand) || !operand.every(isScalar)) return null;
        const keys = new Set(operand.map(keyOf));
        tests.push({ path, test: op === '$in' ? (v) => keys.has(keyOf(v)) : (v) => !keys.has(keyOf(v)) });
      } else if (op === '$exists') {
        const want = !!operand;
        tests.push({ path, test: (v) => (v !== undefined) === want });
      } else {
        if (!isScalar(operand) || (operand === null && op !== '$eq' && op !== '$ne')) return null;
        tests.push({ path, test: compareTest(op, operand) });
      }
    }
  }
  return (obj) => {
    for (const t of tests) {
      const v = scalarAt(obj, t.path);
      if (v === ARRAY) return undefined;
      if (!t.test(v)) return false;
    }
    let unknown = false;
    for (const sub of logical) {
      const r = sub(obj);
      if (r === false) return false;
      if (r === undefined) unknown = true;
    }
    return unknown ? undefined : true;
  };
}

// ---- planning ------------------------------------------------------------------------------

interface Condition {
  field: string;
  kind: 'eq' | 'in' | 'range';
  values?: unknown[];
  lo?: { v: unknown; inclusive: boolean } | null;
  hi?: { v: unknown; inclusive: boolean } | null;
}

function isIndexableValue(v: unknown): boolean {
  return (
    !(v instanceof RegExp) &&
    !Array.isArray(v) &&
    !(isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$'))) &&
    (v as { _bsontype?: string })?._bsontype !== 'BSONRegExp'
  );
}

function conditions(filter: Document, out: Condition[] = []): Condition[] {
  for (const [field, cond] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(cond)) {
      for (const sub of cond) if (isPlainObject(sub)) conditions(sub, out);
      continue;
    }
    if (field.startsWith('$')) continue;
    if (isPlainObject(cond) && Object.keys(cond).some((k) => k.startsWith('$'))) {
      const ops = cond as Record<string, unknown>;
      if ('$eq' in ops && isIndexableValue(ops.$eq)) out.push({ field, kind: 'eq', values: [ops.$eq] });
      if (Array.isArray(ops.$in) && ops.$in.every(isIndexableValue))
        out.push({ field, kind: 'in', values: ops.$in });
      const lo =
        '$gt' in ops
          ? { v: ops.$gt, inclusive: false }
          : '$gte' in ops
            ? { v: ops.$gte, inclusive: true }
            : null;
      const hi =
        '$lt' in ops
          ? { v: ops.$lt, inclusive: false }
          : '$lte' in ops
            ? { v: ops.$lte, inclusive: true }
            : null;
      const bad = (b: { v: unknown } | null) =>
        b !== null && (!isIndexableValue(b.v) || b.v === null || b.v === undefined);
      if ((lo || hi) && !bad(lo) && !bad(hi) && (!lo || !hi || bsonTypeMatches(lo.v, hi.v)))
        out.push({ field, kind: 'range', lo, hi });
    } else if (isIndexableValue(cond)) {
      out.push({ field, kind: 'eq', values: [cond] });
    }
  }
  return out;
}

/** Range bounds of one BSON type (MongoDB brackets comparisons by type). */
function bsonTypeMatches(a: unknown, b: unknown): boolean {
  return typeRank(a) === typeRank(b);
}

export interface Plan {
  stage: 'COLLSCAN' | 'IXSCAN' | 'IDHACK';
  index?: Index;
  ids?: Iterable<string>;
  /** The plan already yields documents in the requested sort order. */
  sorted?: boolean;
  bounds?: string;
}

function usable(idx: Index, c: Condition): boolean {
  if (idx.partial || idx.isTextOrSpecial || idx.fields[0] !== c.field) return false;
  if (idx.sparse && c.values?.some((v) => v === null || v === undefined)) return false;
  return true;
}

export function plan(coll: Collection | undefined, filter: Document | undefined, sort?: Document): Plan {
  if (!coll) return { stage: 'COLLSCAN' };
  const conds = filter ? conditions(filter) : [];
  let best: { score: number; idx: Index; c: Condition } | null = null;
  for (const c of conds) {
    for (const idx of coll.indexes) {
      if (!usable(idx, c)) continue;
      const score =
        (idx.isId ? 100 : 0) +
        (idx.unique && idx.fields.length === 1 ? 50 : 0) +
        (c.kind === 'eq' ? 30 : c.kind === 'in' ? 20 : 10) -
        idx.fields.length;
      if (!best || score > best.score) best = { score, idx, c };
    }
  }
  if (best) {
    const { idx, c } = best;
    const stage = idx.isId && c.kind !== 'range' ? 'IDHACK' : 'IXSCAN';
    if (c.kind === 'range')
      return {
        stage,
        index: idx,
        ids: idx.lookupRange(c.lo ?? null, c.hi ?? null),
        bounds: `${c.field}: range`,
      };
    const ids = new Set<string>();
    for (const v of c.values!) for (const id of idx.lookupEq(v)) ids.add(id);
    return { stage, index: idx, ids, bounds: `${c.field}: ${c.kind}` };
  }
  // $or: when every branch can use an index, the union of the branches' lookups (then the full filter).
  const or = filter?.$or;
  if (Array.isArray(or) && or.length > 0 && or.every(isPlainObject)) {
    const branches = or.map((b) => plan(coll, b as Document));
    if (branches.every((b) => b.ids)) {
      const ids = new Set<string>();
      for (const b of branches) for (const id of b.ids!) ids.add(id);
      return {
        stage: 'IXSCAN',
        index: branches[0].index,
        ids,
        bounds: `$or: ${branches.map((b) => b.index?.spec.name).join(', ')}`,
      };
    }
  }
  const sortKeys = sort ? Object.keys(sort) : [];
  if (sortKeys.length === 1 && !sortKeys[0].startsWith('$')) {
    const dir = Number(sort![sortKeys[0]]);
    const idx = coll.indexes.find(
      (i) => i.fields[0] === sortKeys[0] && !i.partial && !i.sparse && !i.isTextOrSpecial,
    );
    if (idx && (dir === 1 || dir === -1))
      return {
        stage: 'IXSCAN',
        index: idx,
        ids: idx.scanOrdered(dir),
        sorted: true,
        bounds: `${sortKeys[0]}: full (sort)`,
      };
  }
  return { stage: 'COLLSCAN' };
}

// ---- execution -----------------------------------------------------------------------------

export interface FindOptions {
  filter?: Document;
  sort?: Document;
  /** A collation: string sort order by locale (strength 1-2 ignore case/accents). */
  collation?: Document;
  skip?: number;
  limit?: number;
}

export interface FindResult {
  docs: StoredDoc[];
  plan: Plan;
  keysExamined: number;
  docsExamined: number;
  /** `$text` scores of the returned documents. */
  scores?: Map<StoredDoc, number>;
}

function isTextScoreMeta(v: unknown): boolean {
  return isPlainObject(v) && v.$meta === 'textScore';
}

function sortComparator(
  sort: Document,
  scores?: Map<StoredDoc, number>,
  collation?: Document,
): ((a: StoredDoc, b: StoredDoc) => number) | null {
  const compare = collatedCompare(collatorFor(collation));
  const keys = Object.entries(sort).filter(
    ([k, d]) => !k.startsWith('$') && (typeof d !== 'object' || isTextScoreMeta(d)),
  );
  if (keys.length === 0) return null;
  const cache = new Map<StoredDoc, unknown[]>();
  const values = (d: StoredDoc) => {
    let v = cache.get(d);
    if (!v)
      cache.set(
        d,
        (v = keys.map(([k, dir]) =>
          isTextScoreMeta(dir) ? (scores?.get(d) ?? 0) : sortValue(d.obj, k, Number(dir)),
        )),
      );
    return v;
  };
  const dirs = keys.map(([, dir]) => (isTextScoreMeta(dir) ? -1 : Number(dir) < 0 ? -1 : 1));
  return (a, b) => {
    const va = values(a);
    const vb = values(b);
    for (let i = 0; i < keys.length; i++) {
      const c = compare(va[i], vb[i]);
      if (c !== 0) return dirs[i] * c;
    }
    return 0;
  };
}

/** Finds the matching documents of a view, in order, after skip and limit. */
export function findDocs(view: ReadView, opts: FindOptions): FindResult {
  const { rest, text } = splitText(opts.filter);
  if (text) opts = { ...opts, filter: rest };
  const search = text ? textSearch(view.coll, text) : undefined;
  const scores = search ? new Map<StoredDoc, number>() : undefined;
  const baseTest = matcher(opts.filter);
  const test = search
    ? (obj: Document, d?: StoredDoc) => {
        if (!baseTest(obj)) return false;
        const sc = search.score(obj);
        if (sc > 0 && d) scores!.set(d, sc);
        return sc > 0;
      }
    : baseTest;
  const hasSort = !!opts.sort && Object.keys(opts.sort).length > 0;
  const overlayActive = (!!view.overlay && view.overlay.size > 0) || !!view.snapshot;
  // An index orders strings in binary order, so a collated sort is done in memory.
  const collated = !!collatorFor(opts.collation);
  let p = plan(view.coll, opts.filter, hasSort && !overlayActive && !collated ? opts.sort : undefined);
  if (p.sorted && overlayActive) p = { stage: 'COLLSCAN' };
  const skip = Math.max(0, opts.skip ?? 0);
  const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
  const needAll = hasSort && !p.sorted;
  const out: StoredDoc[] = [];
  let keysExamined = 0;
  let docsExamined = 0;
  let skipped = 0;

  // With a small skip+limit, keep only the best documents while scanning (top-k) instead of sorting all.
  const cmp = needAll ? sortComparator(opts.sort!, scores, opts.collation) : null;
  const keep = skip + limit;
  const bounded = !!cmp && keep <= 1000;
  const consider = (d: StoredDoc | undefined): boolean => {
    if (!d) return true;
    docsExamined++;
    if (!test(d.obj, d)) return true;
    if (bounded) {
      if (out.length >= keep && cmp!(d, out[out.length - 1]) >= 0) return true;
      let lo = 0;
      let hi = out.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cmp!(out[mid], d) <= 0) lo = mid + 1;
        else hi = mid;
      }
      out.splice(lo, 0, d);
      if (out.length > keep) out.pop();
      return true;
    }
    if (!needAll && skipped < skip) {
      skipped++;
      return true;
    }
    out.push(d);
    return needAll || out.length < limit;
  };

  const coll = view.coll;
  const snap = view.snapshot;
  const seen = snap ? new Set<string>() : undefined;
  const visible = (id: string, current: StoredDoc | undefined): StoredDoc | undefined => {
    if (!snap) return current;
    seen!.add(id);
    return snap.resolve(id, current);
  };
  let going = true;
  if (p.ids) {
    for (const id of p.ids) {
      keysExamined++;
      if (view.overlay?.has(id)) continue;
      if (!(going = consider(visible(id, coll?.docs.get(id))))) break;
    }
  } else if (coll) {
    for (const d of coll.docs.values()) {
      if (view.overlay?.has(d.id)) continue;
      if (!(going = consider(visible(d.id, d)))) break;
    }
  }
  // Old versions of documents changed since the snapshot may match where the current ones do not.
  if (snap && going)
    for (const id of snap.changedIds()) {
      if (seen!.has(id) || view.overlay?.has(id)) continue;
      seen!.add(id);
      if (!(going = consider(snap.resolve(id, coll?.docs.get(id))))) break;
    }
  if (view.overlay && going)
    for (const d of view.overlay.values()) if (d && (needAll || out.length < limit) && !consider(d)) break;
  let docs = out;
  if (bounded) docs = out.slice(skip);
  else if (needAll) {
    if (cmp) docs.sort(cmp);
    docs = docs.slice(skip, limit === Infinity ? undefined : skip + limit);
  }
  return { docs, plan: p, keysExamined, docsExamined, scores };
}

// ---- projection and type preservation ------------------------------------------------------

const WRAPPED = { promoteValues: false, validation: { utf8: false } } as const;

export function deserializeWrapped(raw: Buffer): Document {
  return BSON.deserialize(raw, WRAPPED);
}

/**
 * Restores BSON number types lost by promotion: where `next` holds a plain number at a path whose
 * previous value was a Double or Long, the number is written back as that type (a stored `1.0`
 * stays a double after unrelated updates).
 */
export function retype(next: unknown, prev: unknown): unknown {
  if (typeof next === 'number') {
    const t = (prev as { _bsontype?: string } | null)?._bsontype;
    if (t === 'Double') return new Double(next);
    if (t === 'Long' && Number.isInteger(next)) return Long.fromNumber(next);
    return next;
  }
  if (Array.isArray(next)) {
    if (!Array.isArray(prev)) return next;
    return next.map((v, i) => retype(v, prev[i]));
  }
  if (isPlainObject(next)) {
    if (!isPlainObject(prev)) return next;
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(next)) o[k] = retype(next[k], prev[k]);
    return o;
  }
  return next;
}

/** Applies a find projection to stored documents, keeping BSON types. */
export function projectDocs(
  docs: StoredDoc[],
  projection: Document | undefined,
  filter: Document | undefined,
  scores?: Map<StoredDoc, number>,
): Buffer[] {
  if (!projection || Object.keys(projection).length === 0) return docs.map((d) => d.raw);
  const metas = Object.entries(projection).filter(([, v]) => isTextScoreMeta(v));
  if (metas.length > 0) {
    const rest = Object.fromEntries(Object.entries(projection).filter(([, v]) => !isTextScoreMeta(v)));
    const base = projectDocs(docs, rest, splitText(filter).rest, scores);
    return base.map((raw, i) => {
      const obj = deserializeWrapped(raw);
      for (const [k] of metas) obj[k] = scores?.get(docs[i]) ?? 0;
      return Buffer.from(BSON.serialize(obj));
    });
  }
  filter = splitText(filter).rest;
  // Inclusion or exclusion of plain (possibly dotted) paths: done on the stored bytes.
  const plain = compilePlainProjection(projection);
  if (plain) return docs.map((d) => applyPlainProjection(d.raw, plain));
  const q = new Query(filter ?? {}, MINGO_OPTIONS);
  return docs.map((d) => {
    const projected = q.find([d.obj], projection).all()[0] ?? {};
    return Buffer.from(BSON.serialize(retype(projected, deserializeWrapped(d.raw)) as Document));
  });
}
