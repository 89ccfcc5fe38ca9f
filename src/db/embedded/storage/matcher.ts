// Filters: MongoDB's query language through mingo, with a fast path for the commonest filters
// (equality and comparisons of scalars, `$in`/`$nin`/`$exists`, and `$and`/`$or` of them) that
// avoids compiling a mingo query per distinct value.
import { Document } from 'bson';
import { Query } from 'mingo';
import { RAW_ARRAY, UNDECODED, rawValueAt } from '../bson/raw';
import { ErrorCodes, fail } from '../errors';
import { StoredDoc } from './collection';
import {
  bsonCompare,
  collatorFor,
  foldStrength,
  foldString,
  isCollated,
  isPlainObject,
  keyOf,
  toNumber,
  typeRank,
} from './values';

type MingoOptions = NonNullable<ConstructorParameters<typeof Query>[1]>;
export const MINGO_OPTIONS: MingoOptions = { scriptEnabled: false, useStrictMode: true };

/** A compiled filter: mingo's Query, or the engine's own test where mingo reads a filter otherwise. */
interface Compiled {
  test(obj: Document): boolean;
}

const queryCache = new Map<string, Compiled>();
const QUERY_CACHE_MAX = 1000;

export function compileQuery(filter: Document): Compiled {
  const key = keyOf(filter);
  let q = queryCache.get(key);
  if (!q) {
    q = withDBRefFields(filter) ?? new Query(filter, MINGO_OPTIONS);
    if (queryCache.size >= QUERY_CACHE_MAX) queryCache.delete(queryCache.keys().next().value as string);
    queryCache.set(key, q);
  }
  return q;
}

const DBREF_FIELDS = new Set(['$ref', '$id', '$db']);

/** A condition holding `$ref` and `$id`: a DBRef to compare with, not operators (as in MongoDB). */
const isDBRefValue = (cond: unknown): cond is Document =>
  isPlainObject(cond) && '$ref' in cond && '$id' in cond;

/** Whether mingo would read a DBRef field of `filter` (or of its `$and`/`$or`/`$nor` clauses) as an operator. */
function namesDBRefFields(filter: Document): boolean {
  return Object.entries(filter).some(
    ([field, cond]) =>
      DBREF_FIELDS.has(field) ||
      ((field === '$and' || field === '$or' || field === '$nor') &&
        Array.isArray(cond) &&
        cond.some((c) => isPlainObject(c) && namesDBRefFields(c))) ||
      (!field.startsWith('$') &&
        (isDBRefValue(cond) ||
          (isPlainObject(cond) && isPlainObject(cond.$elemMatch) && namesDBRefFields(cond.$elemMatch)))),
  );
}

/**
 * MongoDB reads `$ref`, `$id` and `$db` at the top of a filter (or of an `$and`/`$or`/`$nor`
 * clause) as equalities on the fields of a DBRef, whatever the value (`{ $id: { $in: … } }`
 * compares with that document), `$elemMatch` criteria that name one as such a filter on each
 * element (Mongoose queries `{ members: { $elemMatch: { $id: … } } }`), and a condition holding
 * `$ref` and `$id` as a DBRef to compare with; mingo reads them as operators. Those parts are
 * tested here (or rewritten as `$eq`), the rest of the filter by mingo.
 */
function withDBRefFields(filter: Document): Compiled | undefined {
  if (!namesDBRefFields(filter)) return undefined;
  const own: ((obj: Document) => boolean)[] = [];
  const rest: Document = {};
  for (const [field, cond] of Object.entries(filter)) {
    if (DBREF_FIELDS.has(field)) {
      const q = compileQuery({ v: { $eq: cond } });
      own.push((obj) => q.test({ v: obj[field] }));
    } else if ((field === '$and' || field === '$or' || field === '$nor') && Array.isArray(cond)) {
      const clauses = (cond as Document[]).map((c) => compileQuery(c));
      if (field === '$and') own.push((obj) => clauses.every((c) => c.test(obj)));
      else if (field === '$or') own.push((obj) => clauses.some((c) => c.test(obj)));
      else own.push((obj) => !clauses.some((c) => c.test(obj)));
    } else if (field.startsWith('$')) rest[field] = cond;
    else if (isDBRefValue(cond)) rest[field] = { $eq: cond };
    else if (isPlainObject(cond) && isPlainObject(cond.$elemMatch) && namesDBRefFields(cond.$elemMatch)) {
      const { $elemMatch, ...others } = cond;
      const criteria = compileQuery($elemMatch as Document);
      const path = field.split('.');
      own.push((obj) => {
        const arrays: unknown[][] = [];
        arraysAt(obj, path, 0, arrays);
        return arrays.some((a) => a.some((el) => isPlainObject(el) && criteria.test(el)));
      });
      if (Object.keys(others).length) rest[field] = others;
    } else rest[field] = cond;
  }
  const q = Object.keys(rest).length ? compileQuery(rest) : undefined;
  return { test: (obj) => own.every((t) => t(obj)) && (!q || q.test(obj)) };
}

/** The arrays a path reaches (through arrays of documents on the way), which `$elemMatch` tests. */
function arraysAt(cur: unknown, path: string[], i: number, out: unknown[][]): void {
  if (i === path.length) {
    if (Array.isArray(cur)) out.push(cur);
    return;
  }
  if (Array.isArray(cur)) {
    if (/^\d+$/.test(path[i])) arraysAt(cur[Number(path[i])], path, i + 1, out);
    for (const el of cur) if (isPlainObject(el)) arraysAt(el, path, i, out);
    return;
  }
  if (isPlainObject(cur) && Object.prototype.hasOwnProperty.call(cur, path[i]))
    arraysAt(cur[path[i]], path, i + 1, out);
}

const GEO_OPERATORS = new Set(['$near', '$nearSphere', '$geoWithin', '$within', '$geoIntersects']);

/**
 * Geospatial queries are not supported: CommandNotSupported (115), as for the engine's other
 * missing features, rather than mingo's "unknown query operator" (they are MongoDB operators).
 */
export function refuseGeo(filter: Document): void {
  for (const [key, cond] of Object.entries(filter)) {
    if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(cond)) {
      for (const c of cond) if (isPlainObject(c)) refuseGeo(c);
    } else if (isPlainObject(cond))
      for (const [op, arg] of Object.entries(cond)) {
        if (GEO_OPERATORS.has(op))
          fail(
            ErrorCodes.CommandNotSupported,
            `geospatial queries (${op}) are not supported by the embedded engine`,
          );
        if ((op === '$not' || op === '$elemMatch') && isPlainObject(arg)) {
          refuseGeo(arg);
          refuseGeo({ [key]: arg });
        }
      }
  }
}

/**
 * `$where` runs JavaScript, which the engine has not: a command's filter gets the answer of a
 * mongod without a script engine (Location6108304) rather than mingo's "requires 'scriptEnabled'";
 * an aggregation `$match` gets BadValue, which MongoDB answers there whatever its scripting.
 */
export function refuseWhere(filter: Document, inPipeline = false): void {
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$where') {
      if (inPipeline) fail(ErrorCodes.BadValue, '$where is not allowed in this context');
      fail(ErrorCodes.Location6108304, 'no globalScriptEngine in $where parsing');
    }
    if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(cond))
      for (const c of cond) if (isPlainObject(c)) refuseWhere(c, inPipeline);
  }
}

/** MongoDB rejects `$and`/`$or`/`$nor` that are not non-empty arrays of documents (mingo accepts them). */
export function checkLogical(filter: Document): void {
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

const isMinMaxKey = (v: unknown, t: 'MinKey' | 'MaxKey') =>
  (v as { _bsontype?: string } | null)?._bsontype === t;

const isElemMatch = (v: unknown) => isPlainObject(v) && '$elemMatch' in v;

/**
 * Rewrites what mingo answers otherwise than MongoDB into filters it answers alike:
 * `{f: {$all: [a, b]}}` becomes `{$and: [{f: a}, {f: b}]}`, which is how MongoDB defines it (so a
 * field holding `a` itself matches `$all: [a]`; mingo wants an array); an array among the values
 * of `$in`/`$nin` becomes an equality, which also matches a field holding that very array (mingo
 * compares only the field's elements with the values, MongoDB also the array as a whole:
 * `{tags: {$in: [['x', 'y']]}}` matches `{tags: ['x', 'y']}`).
 */
export function mingoFilter(filter: Document): Document {
  let out: Document | undefined;
  // The field's clause becomes clauses of a top-level $and, with its other operators as one more.
  const replace = (key: string, clauses: Document[], others: Document) => {
    (out ??= { ...filter })[key] = undefined;
    delete out[key];
    if (Object.keys(others).length) clauses.push(mingoFilter({ [key]: others }));
    out.$and = [...((out.$and as Document[] | undefined) ?? []), ...clauses];
  };
  for (const [key, cond] of Object.entries(filter)) {
    let next: unknown = cond;
    if (!key.startsWith('$') && isPlainObject(cond))
      for (const op of ['$in', '$nin'])
        if (op in cond && !Array.isArray(cond[op])) fail(ErrorCodes.BadValue, `${op} needs an array`);
    if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(cond))
      next = cond.map((c) => (isPlainObject(c) ? mingoFilter(c) : c));
    else if (
      !key.startsWith('$') &&
      isPlainObject(cond) &&
      Array.isArray(cond.$all) &&
      !cond.$all.some(isElemMatch)
    ) {
      const { $all, ...others } = cond;
      // A regular expression in $all matches as in a plain filter; anything else is an equality.
      const clauses: Document[] = ($all as unknown[]).map((v) =>
        v instanceof RegExp || (v as { _bsontype?: string })?._bsontype === 'BSONRegExp'
          ? { [key]: v }
          : { [key]: { $eq: v } },
      );
      if (clauses.length === 0) clauses.push({ [key]: { $in: [] } }); // an empty $all matches nothing
      replace(key, clauses, others);
      continue;
    } else if (
      !key.startsWith('$') &&
      isPlainObject(cond) &&
      ((Array.isArray(cond.$in) && cond.$in.some(Array.isArray)) ||
        (Array.isArray(cond.$nin) && cond.$nin.some(Array.isArray)))
    ) {
      const { $in, $nin, ...others } = cond;
      const clauses: Document[] = [];
      for (const [op, values] of [
        ['$in', $in],
        ['$nin', $nin],
      ] as const) {
        if (values === undefined) continue;
        const arrays = (values as unknown[]).filter(Array.isArray);
        const alternatives: Document[] = arrays.map((a) => ({ [key]: { $eq: a } }));
        if (arrays.length < (values as unknown[]).length)
          alternatives.push({ [key]: { $in: (values as unknown[]).filter((v) => !Array.isArray(v)) } });
        clauses.push(op === '$in' ? { $or: alternatives } : { $nor: alternatives });
      }
      replace(key, clauses, others);
      continue;
    } else if (!key.startsWith('$') && isPlainObject(cond) && RANGE_OPS.some((op) => isKeyBound(cond[op]))) {
      const others: Document = { ...cond };
      const clauses: Document[] = [];
      for (const op of RANGE_OPS) {
        const bound: unknown = cond[op];
        if (!isKeyBound(bound)) continue;
        delete others[op];
        clauses.push(minMaxKeyClause(key, op, bound as { _bsontype: 'MinKey' | 'MaxKey' }));
      }
      replace(key, clauses, others);
      continue;
    }
    if (next !== cond) (out ??= { ...filter })[key] = next;
  }
  return out ?? filter;
}

const RANGE_OPS = ['$gt', '$gte', '$lt', '$lte'];

const isKeyBound = (v: unknown) => isMinMaxKey(v, 'MinKey') || isMinMaxKey(v, 'MaxKey');

/**
 * A range against MinKey or MaxKey as a filter mingo answers as MongoDB does (see minMaxKeyTest;
 * mingo brackets it by type, so it matched nothing): every value but the key itself also matches
 * when the path holds an array (the array as a whole is not the key).
 */
function minMaxKeyClause(key: string, op: string, bound: { _bsontype: 'MinKey' | 'MaxKey' }): Document {
  const below = op === '$lt' || op === '$lte';
  const strict = op === '$gt' || op === '$lt';
  if (below === (bound._bsontype === 'MaxKey'))
    return strict ? { $or: [{ [key]: { $ne: bound } }, { [key]: { $type: 'array' } }] } : {};
  return strict ? { [key]: { $in: [] } } : { [key]: { $eq: bound } };
}

export function matcher(filter: Document | undefined): (obj: Document) => boolean {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  checkLogical(filter);
  refuseGeo(filter);
  refuseWhere(filter);
  // The fast path reads the filter as written (it answers the rewritten operators itself, or not at all).
  const fast = fastMatcher(filter, scalarAt);
  filter = mingoFilter(filter);
  if (!fast) {
    // Compile now, so an invalid filter fails even when there is nothing to match.
    const q = compileQuery(filter);
    return (obj) => q.test(obj);
  }
  let q: Compiled | undefined;
  const slow = (obj: Document) => (q ??= compileQuery(filter)).test(obj);
  return (obj) => {
    const r = fast(obj);
    return r === undefined ? slow(obj) : r;
  };
}

/**
 * A matcher of stored documents: the fast path reads values from the bytes, mingo gets the parsed
 * document. With a collation, strings compare by it (collatedMatcher).
 */
export function docMatcher(
  filter: Document | undefined,
  collation?: Document,
  expr?: ExprTest,
): (d: StoredDoc) => boolean {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  checkLogical(filter);
  refuseGeo(filter);
  refuseWhere(filter);
  const written = filter; // for the fast path, as in matcher()
  filter = mingoFilter(filter);
  if (isCollated(collation)) {
    const test = collatedMatcher(filter, collation!, expr);
    return (d) => test(d.obj);
  }
  const fast = fastMatcher(written, storedScalarAt);
  if (!fast) {
    const q = compileQuery(filter);
    return (d) => q.test(d.obj);
  }
  let q: Compiled | undefined;
  return (d) => {
    const r = fast(d);
    return r === undefined ? (q ??= compileQuery(filter)).test(d.obj) : r;
  };
}

/**
 * How `$expr` is tested under a collation: its comparisons need mingo's expressions with the
 * collation's operators (storage/collated-ops.ts), which the caller passes in.
 */
export type ExprTest = (cond: unknown) => (obj: Document) => boolean;

/** A matcher of parsed documents under a collation (aggregation stages after the first). */
export function collatedObjectMatcher(
  filter: Document,
  collation: Document,
  expr?: ExprTest,
): (obj: Document) => boolean {
  if (Object.keys(filter).length === 0) return () => true;
  checkLogical(filter);
  refuseGeo(filter);
  refuseWhere(filter);
  return collatedMatcher(mingoFilter(filter), collation, expr);
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
    t === 'Double' ||
    t === 'Binary' || // compared in BSON order (length, subtype, bytes); mingo matches none
    t === 'MinKey' ||
    t === 'MaxKey'
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

const rawPaths = new WeakMap<string[], Buffer[]>();

/** scalarAt on a stored document's bytes, decoding only the values on the path (parsing when it cannot). */
function storedScalarAt(d: StoredDoc, path: string[]): unknown {
  let names = rawPaths.get(path);
  if (!names) rawPaths.set(path, (names = path.map((p) => Buffer.from(p, 'utf8'))));
  const v = rawValueAt(d.raw, names);
  return v === UNDECODED ? scalarAt(d.obj, path) : v === RAW_ARRAY ? ARRAY : v;
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

/**
 * A range against MinKey or MaxKey is not bracketed by type, as every other is: `$gt: MinKey` and
 * `$lt: MaxKey` hold for every value but that key itself (a missing field included), `$gte: MinKey`
 * and `$lte: MaxKey` for every value, and the other four only for the key itself, if at all
 * (MongoDB's ComparisonMatchExpression).
 */
function minMaxKeyTest(op: string, key: 'MinKey' | 'MaxKey'): FieldTest {
  const below = op === '$lt' || op === '$lte';
  const strict = op === '$gt' || op === '$lt';
  if (below === (key === 'MaxKey')) return strict ? (v) => !isMinMaxKey(v, key) : () => true;
  return strict ? () => false : (v) => isMinMaxKey(v, key);
}

function compareTest(op: string, operand: unknown): FieldTest {
  const rank = typeRank(operand);
  const key = (operand as { _bsontype?: string } | null)?._bsontype;
  if (op !== '$eq' && op !== '$ne' && (key === 'MinKey' || key === 'MaxKey')) return minMaxKeyTest(op, key);
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

/** Reads the value at a path of what is matched (a parsed document, or a stored one's bytes). */
type Read<T> = (target: T, path: string[]) => unknown;

type FastMatch<T> = (target: T) => boolean | undefined;

/** `$and` / `$or` of clauses the fast path answers (each a non-empty array of plain filters, as MongoDB requires). */
function fastLogical<T>(op: string, clauses: unknown, read: Read<T>): FastMatch<T> | null {
  if (
    (op !== '$and' && op !== '$or') ||
    !Array.isArray(clauses) ||
    clauses.length === 0 ||
    !clauses.every(isPlainObject)
  )
    return null;
  const subs: FastMatch<T>[] = [];
  for (const clause of clauses as Document[]) {
    // An empty clause matches everything.
    const sub = Object.keys(clause).length === 0 ? () => true : fastMatcher(clause, read);
    if (!sub) return null;
    subs.push(sub);
  }
  // Three-valued: undefined (an array on a path) lets mingo decide unless another clause settles it.
  const settle = op === '$or';
  return (target) => {
    let unknown = false;
    for (const sub of subs) {
      const r = sub(target);
      if (r === undefined) unknown = true;
      else if (r === settle) return settle;
    }
    return unknown ? undefined : !settle;
  };
}

function fastMatcher<T>(filter: Document, read: Read<T>): FastMatch<T> | null {
  const tests: { path: string[]; test: FieldTest }[] = [];
  const logical: FastMatch<T>[] = [];
  for (const [field, cond] of Object.entries(filter)) {
    if (field.startsWith('$')) {
      const sub = fastLogical(field, cond, read);
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
  return (target) => {
    for (const t of tests) {
      const v = read(target, t.path);
      if (v === ARRAY) return undefined;
      if (!t.test(v)) return false;
    }
    let unknown = false;
    for (const sub of logical) {
      const r = sub(target);
      if (r === false) return false;
      if (r === undefined) unknown = true;
    }
    return unknown ? undefined : true;
  };
}

// Matching under a collation (the command's, or the collection's default). mingo compares strings
// by their bytes, so string comparisons are made here: equality, `$ne`, `$in`, `$nin` and ranges,
// on the values a path reaches (array elements included), and `$and`/`$or`/`$nor` of them. A
// clause without strings goes to mingo unchanged (the collation cannot change its answer); a
// clause with strings under any other operator is refused rather than answered in binary order.
// `$regex` ignores the collation, as in MongoDB. `$expr` is evaluated by the caller's ExprTest.

const COLLATED_OPS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin']);

function hasString(v: unknown): boolean {
  if (typeof v === 'string') return true;
  if (Array.isArray(v)) return v.some(hasString);
  if (isPlainObject(v)) return Object.values(v).some(hasString);
  return false;
}

/** The values a path reaches, as MongoDB's matching sees them (each array and its elements). */
function candidates(cur: unknown, path: string[], i: number, out: unknown[]): void {
  if (i === path.length) {
    out.push(cur);
    if (Array.isArray(cur)) out.push(...(cur as unknown[]));
    return;
  }
  if (Array.isArray(cur)) {
    if (/^\d+$/.test(path[i])) candidates(cur[Number(path[i])], path, i + 1, out);
    for (const el of cur) if (isPlainObject(el)) candidates(el, path, i, out);
    return;
  }
  if (isPlainObject(cur) && Object.prototype.hasOwnProperty.call(cur, path[i]))
    candidates(cur[path[i]], path, i + 1, out);
}

function collatedMatcher(filter: Document, collation: Document, expr?: ExprTest): (obj: Document) => boolean {
  const strength = foldStrength(collation);
  const collate = collatorFor(collation)!;
  const sameString = (a: string, b: string) =>
    strength > 0 ? a === b || foldString(a, strength) === foldString(b, strength) : collate(a, b) === 0;
  const refuse = (): never =>
    fail(
      ErrorCodes.CommandNotSupported,
      'the embedded engine applies a collation to $eq, $ne, $in, $nin, $gt, $gte, $lt and $lte only; this filter compares strings otherwise',
    );

  const equals = (operand: unknown): ((v: unknown) => boolean) => {
    if (typeof operand !== 'string') {
      if (hasString(operand)) refuse();
      return equalityTest(operand);
    }
    return (v) => typeof v === 'string' && sameString(v, operand);
  };
  const compares = (op: string, operand: unknown): ((v: unknown) => boolean) => {
    if (typeof operand !== 'string') {
      if (hasString(operand)) refuse();
      return compareTest(op, operand);
    }
    const sign = (v: unknown) => (typeof v === 'string' ? collate(v, operand) : NaN);
    if (op === '$gt') return (v) => sign(v) > 0;
    if (op === '$gte') return (v) => sign(v) >= 0;
    if (op === '$lt') return (v) => sign(v) < 0;
    return (v) => sign(v) <= 0;
  };

  const compile = (f: Document): ((obj: Document) => boolean) => {
    const parts: ((obj: Document) => boolean)[] = [];
    for (const [field, cond] of Object.entries(f)) {
      if (field === '$and' || field === '$or' || field === '$nor') {
        const subs = (cond as Document[]).map(compile);
        parts.push(
          field === '$and'
            ? (o) => subs.every((t) => t(o))
            : field === '$or'
              ? (o) => subs.some((t) => t(o))
              : (o) => !subs.some((t) => t(o)),
        );
        continue;
      }
      if (field === '$expr' && expr) {
        parts.push(expr(cond));
        continue;
      }
      if (!hasString(cond) || field === '$text') {
        const q = compileQuery({ [field]: cond });
        parts.push((o) => q.test(o));
        continue;
      }
      if (field.startsWith('$')) refuse();
      const path = field.split('.');
      const ops: [string, unknown][] =
        isPlainObject(cond) && Object.keys(cond).some((k) => k.startsWith('$'))
          ? Object.entries(cond)
          : [['$eq', cond]];
      for (const [op, operand] of ops) {
        if (!hasString(operand) || op === '$regex' || op === '$options' || op === '$type') {
          const q = compileQuery({
            [field]: {
              [op]: operand,
              ...(op === '$regex' && isPlainObject(cond) && '$options' in cond
                ? { $options: cond.$options }
                : {}),
            },
          });
          if (op !== '$options') parts.push((o) => q.test(o));
          continue;
        }
        if (!COLLATED_OPS.has(op)) refuse();
        let any: (v: unknown) => boolean;
        if (op === '$in' || op === '$nin') {
          if (!Array.isArray(operand)) return fail(ErrorCodes.BadValue, `${op} needs an array`);
          const tests = (operand as unknown[]).map((x) => {
            if (x instanceof RegExp || (x as { _bsontype?: string })?._bsontype === 'BSONRegExp') refuse();
            return equals(x);
          });
          any = (v) => tests.some((t) => t(v));
        } else any = op === '$eq' || op === '$ne' ? equals(operand) : compares(op, operand);
        const negate = op === '$ne' || op === '$nin';
        parts.push((o) => {
          const values: unknown[] = [];
          candidates(o, path, 0, values);
          if (values.length === 0) values.push(undefined);
          const hit = values.some(any);
          return negate ? !hit : hit;
        });
      }
    }
    return (o) => parts.every((t) => t(o));
  };
  return compile(filter);
}
