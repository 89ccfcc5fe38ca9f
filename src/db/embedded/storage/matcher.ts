// Filters: MongoDB's query language through mingo, with a fast path for the commonest filters
// (equality and comparisons of scalars, `$in`/`$nin`/`$exists`, and `$and`/`$or` of them) that
// avoids compiling a mingo query per distinct value.
import { Document } from 'bson';
import { Query } from 'mingo';
import { ErrorCodes, fail } from '../errors';
import { bsonCompare, isPlainObject, keyOf, toNumber, typeRank } from './values';

type MingoOptions = NonNullable<ConstructorParameters<typeof Query>[1]>;
export const MINGO_OPTIONS: MingoOptions = { scriptEnabled: false, useStrictMode: true };

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
