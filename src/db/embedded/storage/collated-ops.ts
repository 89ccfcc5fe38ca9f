// Aggregation under a collation. mingo compares strings by their bytes (only its $sort knows a
// collation), so a pipeline that runs under one gets a context of its own: mingo's operators with
// every one that compares values replaced by one that compares by the collation (collation.ts),
// as MongoDB's collation-aware comparator does: expressions ($eq … $cmp, $in, $indexOfArray, the
// set operators, $sortArray), accumulators ($addToSet, $min, $max, also as expressions) and the
// stages that group, match, sort, bucket or join ($group, $sortByCount, $bucket, $match, $sort,
// $lookup). Sub-pipelines ($facet, $lookup, $unionWith) run in the same context, so they follow it
// too. A pipeline's own custom stages (the engine's $sort in BSON order, ordered $project, indexed
// $lookup) join it through `extraStages`.
import { Document } from 'bson';
import { ErrorCodes, fail } from '../errors';
import { Compare, distinctValues, firstEqual, valueComparator } from './collation';
import { MINGO_OPTIONS, collatedObjectMatcher } from './matcher';
import { isPlainObject, keyOf, typeRank, valuesAtPath } from './values';

// mingo's operator tables and core classes are published as package subpaths ("exports"), which
// this project's module resolution does not type; they are loaded here with the types they need.
type Fn = (...args: never[]) => unknown;
type OpTable = Record<string, Fn>;
interface ComputeOptionsLike {
  update(locals: Document): ComputeOptionsLike;
  readonly collectionResolver?: (name: string) => Document[];
}
interface LazyLike {
  transform(f: (all: Document[]) => Iterator<Document>): unknown;
  map(f: (d: Document) => Document): unknown;
  filter(f: (d: Document) => boolean): unknown;
}
interface MingoCore {
  Context: { init(ops: Record<string, OpTable>): unknown };
  evalExpr(obj: unknown, expr: unknown, options: unknown): unknown;
}
/* eslint-disable @typescript-eslint/no-require-imports -- see above */
const core = require('mingo/core') as MingoCore;
const { Query: CoreQuery } = require('mingo/query') as {
  Query: new (c: Document, o: unknown) => { test(o: Document): boolean };
};
const { Aggregator: CoreAggregator } = require('mingo/aggregator') as {
  Aggregator: new (p: Document[], o?: unknown) => { run(docs: Document[], o?: unknown): Document[] };
};
const { Lazy } = require('mingo/lazy') as {
  Lazy: (docs: Document[]) => LazyLike & { collect(): Document[] };
};
const OPS: Record<string, OpTable> = {
  accumulator: require('mingo/operators/accumulator') as OpTable,
  expression: require('mingo/operators/expression') as OpTable,
  pipeline: require('mingo/operators/pipeline') as OpTable,
  projection: require('mingo/operators/projection') as OpTable,
  query: require('mingo/operators/query') as OpTable,
  window: require('mingo/operators/window') as OpTable,
};
/* eslint-enable @typescript-eslint/no-require-imports */

const evalExpr = (obj: unknown, expr: unknown, options: unknown): unknown =>
  core.evalExpr(obj, expr, options);

// mingo's ComputeOptions class (options plus local variables) is not exported: an expression
// operator receives an instance, whose constructor gives it.
const captured = evalExpr(
  {},
  { $options: 1 },
  { context: core.Context.init({ expression: { $options: ((...a: unknown[]) => a[2]) as Fn } }) },
) as {
  constructor: {
    init(options: unknown): ComputeOptionsLike;
    new (options: Document, locals: Document): ComputeOptionsLike;
  };
};
const ComputeOptions = captured.constructor;

function typeName(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return (v as { _bsontype?: string })._bsontype ?? 'object';
  return typeof v === 'number' ? 'double' : typeof v;
}

/** An aggregation expression's comparison: a missing value sorts before null, as in MongoDB. */
function expressionCompare(cmp: Compare): Compare {
  return (a, b) => (a === undefined ? (b === undefined ? 0 : -1) : b === undefined ? 1 : cmp(a, b));
}

function args(name: string, obj: unknown, expr: unknown, options: unknown, count?: number): unknown[] {
  const list = Array.isArray(expr) ? expr : [expr];
  if (count !== undefined && list.length !== count)
    fail(16020, `Expression ${name} takes exactly ${count} arguments. ${list.length} were passed in.`);
  return evalExpr(obj, list, options) as unknown[];
}

/** The array expressions $minN and $maxN: the `n` extreme elements of `input` by `cmp`. */
function arrayExtremes(name: string, dir: number, cmp: Compare) {
  return (obj: unknown, expr: unknown, o: unknown): unknown => {
    const spec = nArgs(name, expr);
    const n = checkedCount(evalExpr(obj, spec.n, o));
    const input = evalExpr(obj, spec.input, o);
    if (!Array.isArray(input)) fail(5788200, 'Input must be an array');
    return extremes(input, n, dir, cmp);
  };
}

function expressionOps(cmp: Compare): OpTable {
  const ecmp = expressionCompare(cmp);
  const comparison =
    (name: string, test: (c: number) => unknown) => (obj: unknown, expr: unknown, o: unknown) => {
      const [a, b] = args(name, obj, expr, o, 2);
      return test(ecmp(a, b));
    };
  const has = (arr: unknown[], v: unknown) => arr.some((x) => ecmp(x, v) === 0);
  const setArgs = (name: string, code: number, obj: unknown, expr: unknown, o: unknown, count?: number) => {
    const values = args(name, obj, expr, o, count);
    if (values.some((v) => v === null || v === undefined)) return null;
    for (const v of values)
      if (!Array.isArray(v))
        fail(code, `All operands of ${name} must be arrays. One argument is of type: ${typeName(v)}`);
    return values as unknown[][];
  };
  return {
    $eq: comparison('$eq', (c) => c === 0),
    $ne: comparison('$ne', (c) => c !== 0),
    $gt: comparison('$gt', (c) => c > 0),
    $gte: comparison('$gte', (c) => c >= 0),
    $lt: comparison('$lt', (c) => c < 0),
    $lte: comparison('$lte', (c) => c <= 0),
    $cmp: comparison('$cmp', (c) => c),
    $in: (obj: unknown, expr: unknown, o: unknown) => {
      const [item, arr] = args('$in', obj, expr, o, 2);
      if (!Array.isArray(arr))
        fail(40081, `$in requires an array as a second argument, found: ${typeName(arr)}`);
      return has(arr, item);
    },
    $indexOfArray: (obj: unknown, expr: unknown, o: unknown) => {
      const [arr, search, start, end] = args('$indexOfArray', obj, expr, o);
      if (arr === null || arr === undefined) return null;
      if (!Array.isArray(arr))
        fail(40090, `$indexOfArray requires an array as a first argument, found: ${typeName(arr)}`);
      const from = start === undefined ? 0 : Number(start);
      const to = end === undefined ? arr.length : Math.min(Number(end), arr.length);
      for (let i = from; i < to; i++) if (ecmp(arr[i], search) === 0) return i;
      return -1;
    },
    $setUnion: (obj: unknown, expr: unknown, o: unknown) => {
      const sets = setArgs('$setUnion', 17043, obj, expr, o);
      return sets && distinctValues(sets.flat(), cmp);
    },
    $setIntersection: (obj: unknown, expr: unknown, o: unknown) => {
      const sets = setArgs('$setIntersection', 17047, obj, expr, o);
      if (!sets) return null;
      if (sets.length === 0) return [];
      return distinctValues(sets[0], cmp).filter((v) => sets.every((s) => has(s, v)));
    },
    $setDifference: (obj: unknown, expr: unknown, o: unknown) => {
      const sets = setArgs('$setDifference', 17048, obj, expr, o, 2);
      return sets && distinctValues(sets[0], cmp).filter((v) => !has(sets[1], v));
    },
    $setEquals: (obj: unknown, expr: unknown, o: unknown) => {
      const values = args('$setEquals', obj, expr, o);
      if (values.length < 2) fail(17045, '$setEquals needs at least two arguments');
      for (const v of values)
        if (!Array.isArray(v))
          fail(17044, `All operands of $setEquals must be arrays. One argument is of type: ${typeName(v)}`);
      const sets = values as unknown[][];
      return sets.every((s) => s.every((v) => sets.every((t) => has(t, v))));
    },
    $setIsSubset: (obj: unknown, expr: unknown, o: unknown) => {
      const [a, b] = args('$setIsSubset', obj, expr, o, 2);
      if (!Array.isArray(a))
        fail(
          17046,
          `both operands of $setIsSubset must be arrays. First argument is of type: ${typeName(a)}`,
        );
      if (!Array.isArray(b))
        fail(
          17042,
          `both operands of $setIsSubset must be arrays. Second argument is of type: ${typeName(b)}`,
        );
      return a.every((v) => has(b, v));
    },
    $minN: arrayExtremes('$minN', 1, cmp),
    $maxN: arrayExtremes('$maxN', -1, cmp),
    $sortArray: (obj: unknown, expr: unknown, o: unknown) => {
      if (!isPlainObject(expr)) fail(2942500, '$sortArray requires an object as an argument');
      const input = evalExpr(obj, expr.input, o);
      if (input === null || input === undefined) return null;
      if (!Array.isArray(input))
        fail(
          2942504,
          `The input argument to $sortArray must be an array, but was of type: ${typeName(input)}`,
        );
      const by = expr.sortBy;
      if (by === 1 || by === -1) return input.slice().sort((a, b) => by * cmp(a, b));
      if (!isPlainObject(by)) fail(2942501, '$sortArray requires sortBy to be 1, -1 or an object');
      return input.slice().sort(documentOrder(by, cmp));
    },
  };
}

/** The values an accumulator gathers (mingo's $push, without missing values, as MongoDB skips them). */
function gathered(coll: unknown[], expr: unknown, options: unknown): unknown[] {
  if (expr === null || expr === undefined) return coll;
  const copts = ComputeOptions.init(options as Document);
  const out: unknown[] = [];
  for (const root of coll) {
    const v = evalExpr(root, expr, copts.update({ root }));
    if (v !== undefined) out.push(v);
  }
  return out;
}

/** The `n` of $minN, $maxN, $topN and $bottomN: a positive integral number (MongoDB's checks). */
function checkedCount(n: unknown): number {
  if (typeof n !== 'number' || Number.isNaN(n))
    fail(5787902, `Value for 'n' must be of integral type, but found ${String(n)}`);
  if (!Number.isInteger(n)) fail(5787903, `Value for 'n' must be of integral type, but found ${n}`);
  if (n < 1) fail(5787908, `'n' must be greater than 0, found ${n}`);
  return n;
}

/** An accumulator's `n`, evaluated against the group's key as MongoDB does. */
function countArg(expr: unknown, options: unknown): number {
  const groupId = (options as { local?: { groupId?: unknown } }).local?.groupId;
  return checkedCount(evalExpr(groupId, expr, options));
}

/** The { n, input } argument of $minN and $maxN. */
function nArgs(name: string, expr: unknown): Document {
  if (!isPlainObject(expr)) fail(5787900, `specification must be an object; found ${String(expr)}`);
  for (const k of Object.keys(expr))
    if (k !== 'n' && k !== 'input') fail(5787901, `Unknown argument for 'n' operator: ${k}`);
  if (!('n' in expr)) fail(5787906, "Missing value for 'n'");
  if (!('input' in expr)) fail(5787907, "Missing value for 'input'");
  return expr;
}

/** The { n, sortBy, output } argument of $topN and $bottomN ({ sortBy, output } for $top, $bottom). */
function rankedArgs(name: string, expr: unknown, single: boolean): Document {
  if (!isPlainObject(expr)) fail(5788001, `specification must be an object; found ${String(expr)}`);
  for (const k of Object.keys(expr))
    if (k !== 'sortBy' && k !== 'output' && (single || k !== 'n'))
      fail(5788002, `Unknown argument to ${name} '${k}'`);
  if (!single && !('n' in expr)) fail(5788003, "Missing value for 'n'");
  if (!('output' in expr)) fail(5788004, "Missing value for 'output'");
  if (!isPlainObject(expr.sortBy)) fail(5788005, "Missing value for 'sortBy'");
  return expr;
}

/** The `n` smallest (dir 1) or largest (dir -1) values by `cmp`, nulls and missing values left out. */
function extremes(values: unknown[], n: number, dir: number, cmp: Compare): unknown[] {
  return values
    .filter((v) => v !== null && v !== undefined)
    .sort((a, b) => dir * cmp(a, b))
    .slice(0, n);
}

function accumulatorOps(collation: Document, cmp: Compare): OpTable {
  const extreme = (dir: number) => (coll: unknown[], expr: unknown, o: unknown) => {
    let best: unknown = null;
    for (const v of gathered(coll, expr, o)) {
      if (v === null) continue;
      if (best === null || dir * cmp(v, best) > 0) best = v;
    }
    return best;
  };
  const nExtremes = (name: string, dir: number) => (coll: unknown[], expr: unknown, o: unknown) => {
    const spec = nArgs(name, expr);
    return extremes(gathered(coll, spec.input, o), countArg(spec.n, o), dir, cmp);
  };
  // $topN/$bottomN (and $top/$bottom) order the group's documents by `sortBy` under the collation.
  const ranked =
    (name: string, last: boolean, single: boolean) => (coll: Document[], expr: unknown, o: unknown) => {
      const spec = rankedArgs(name, expr, single);
      const n = single ? 1 : countArg(spec.n, o);
      const sorted = sortDocuments(coll, spec.sortBy as Document, collation);
      const picked = last ? sorted.slice(Math.max(0, sorted.length - n)) : sorted.slice(0, n);
      const copts = ComputeOptions.init(o as Document);
      const out = picked.map((root) => evalExpr(root, spec.output, copts.update({ root })) ?? null);
      return single ? (out[0] ?? null) : out;
    };
  return {
    $addToSet: (coll: unknown[], expr: unknown, o: unknown) => distinctValues(gathered(coll, expr, o), cmp),
    $min: extreme(-1),
    $max: extreme(1),
    $minN: nExtremes('$minN', 1),
    $maxN: nExtremes('$maxN', -1),
    $topN: ranked('$topN', false, false),
    $bottomN: ranked('$bottomN', true, false),
    $top: ranked('$top', false, true),
    $bottom: ranked('$bottom', true, true),
  };
}

/** The value a sort on `path` uses, by `cmp`: an array's smallest (ascending) or largest element. */
function sortValueBy(doc: unknown, path: string, direction: number, cmp: Compare): unknown {
  const vals = valuesAtPath(doc, path);
  let best = vals[0];
  for (let i = 1; i < vals.length; i++) {
    const c = cmp(vals[i], best);
    if (direction > 0 ? c < 0 : c > 0) best = vals[i];
  }
  return best;
}

/** Documents ordered by a sort specification (1/-1 per path), strings by `cmp`. */
export function documentOrder(spec: Document, cmp: Compare): (a: Document, b: Document) => number {
  const keys = Object.entries(spec).map(([k, d]) => [k, Number(d) < 0 ? -1 : 1] as const);
  return (a, b) => {
    for (const [k, d] of keys) {
      const c = cmp(sortValueBy(a, k, d, cmp), sortValueBy(b, k, d, cmp));
      if (c !== 0) return d * c;
    }
    return 0;
  };
}

/** $sort in BSON order with strings by the collation; ties keep their input order. */
export function sortDocuments(all: Document[], spec: Document, collation: unknown): Document[] {
  const cmp = valueComparator(collation);
  const keys = Object.entries(spec).map(([k, d]) => [k, Number(d) < 0 ? -1 : 1] as const);
  const decorated = all.map((doc, i) => ({ doc, i, v: keys.map(([k, d]) => sortValueBy(doc, k, d, cmp)) }));
  decorated.sort((a, b) => {
    for (let j = 0; j < keys.length; j++) {
      const c = cmp(a.v[j], b.v[j]);
      if (c !== 0) return keys[j][1] * c;
    }
    return a.i - b.i;
  });
  return decorated.map((x) => x.doc);
}

/** Groups documents by `idExpr` with keys equal by `cmp` in one group, keyed by the first key seen. */
function groupDocuments(items: Document[], spec: Document, cmp: Compare, options: unknown): Document[] {
  if (!isPlainObject(spec)) fail(15947, "a group's fields must be specified in an object");
  if (!('_id' in spec)) fail(15955, 'a group specification must include an _id');
  const keys = items.map((o) => evalExpr(o, spec._id, options) ?? null);
  const reps = firstEqual(keys, cmp);
  const parts = new Map<number, Document[]>();
  items.forEach((o, i) => {
    const part = parts.get(reps[i]);
    if (part) part.push(o);
    else parts.set(reps[i], [o]);
  });
  const fields = Object.keys(spec).filter((k) => k !== '_id');
  const copts = ComputeOptions.init(options as Document);
  const out: Document[] = [];
  for (const [rep, docs] of parts) {
    const groupId = keys[rep];
    const obj: Document = { _id: groupId };
    for (const f of fields) obj[f] = evalExpr(docs, spec[f], copts.update({ root: null, groupId }));
    out.push(obj);
  }
  return out;
}

/** $bucket: `groupBy` placed between boundaries by `cmp` (values of other types go to `default`). */
function bucketDocuments(items: Document[], spec: Document, cmp: Compare, options: unknown): Document[] {
  const bounds = spec.boundaries as unknown[];
  if (!Array.isArray(bounds) || bounds.length < 2)
    fail(40192, "$bucket 'boundaries' field must have at least 2 values");
  for (let i = 1; i < bounds.length; i++) {
    if (typeRank(bounds[i]) !== typeRank(bounds[0]))
      fail(40193, "All values in the the 'boundaries' option to $bucket must have the same type");
    if (cmp(bounds[i - 1], bounds[i]) >= 0)
      fail(40194, "The 'boundaries' option to $bucket must be sorted in ascending order");
  }
  const hasDefault = 'default' in spec;
  const last = bounds[bounds.length - 1];
  if (hasDefault && cmp(spec.default, bounds[0]) >= 0 && cmp(spec.default, last) < 0)
    fail(
      40199,
      "The $bucket 'default' field must be less than the lowest boundary or greater than or equal to the highest boundary.",
    );
  const buckets: Document[][] = bounds.slice(1).map(() => []);
  const others: Document[] = [];
  for (const o of items) {
    const key = evalExpr(o, spec.groupBy, options) ?? null;
    if (cmp(key, bounds[0]) < 0 || cmp(key, last) >= 0) {
      if (!hasDefault)
        fail(40066, '$switch could not find a matching branch for an input, and no default was specified.');
      others.push(o);
      continue;
    }
    let lo = 0;
    let hi = bounds.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (cmp(key, bounds[mid]) >= 0) lo = mid;
      else hi = mid;
    }
    buckets[lo].push(o);
  }
  const output = (spec.output as Document | undefined) ?? { count: { $sum: 1 } };
  const copts = ComputeOptions.init(options as Document);
  const out: Document[] = [];
  const emit = (id: unknown, docs: Document[]) => {
    const obj: Document = { _id: id };
    for (const f of Object.keys(output))
      obj[f] = evalExpr(docs, output[f], copts.update({ root: null, groupId: id }));
    out.push(obj);
  };
  buckets.forEach((docs, i) => docs.length > 0 && emit(bounds[i], docs));
  if (others.length > 0) emit(spec.default, others);
  return out;
}

/** $lookup by the collation: localField/foreignField equality and the pipeline form (with `let`). */
function lookupStage(collation: Document) {
  return (coll: LazyLike, spec: Document, options: ComputeOptionsLike): unknown => {
    const from = spec.from;
    let stages = Array.isArray(spec.pipeline) ? (spec.pipeline as Document[]) : [];
    let foreign: Document[] | undefined;
    if (stages[0] && '$documents' in stages[0]) {
      foreign = evalExpr({}, stages[0].$documents, options) as Document[];
      stages = stages.slice(1);
    } else if (typeof from === 'string') foreign = options.collectionResolver?.(from);
    if (!Array.isArray(foreign))
      return fail(ErrorCodes.FailedToParse, '$lookup needs a collection to join from');
    const byField = typeof spec.localField === 'string' && typeof spec.foreignField === 'string';
    const agg = stages.length > 0 ? new CoreAggregator(stages, options) : undefined;
    const copts = ComputeOptions.init(options as unknown as Document);
    const joinColl = foreign;
    return coll.map((obj) => {
      let joined = joinColl;
      if (byField) {
        const local = valuesAtPath(obj, spec.localField as string).map((v) => (v === undefined ? null : v));
        const test = collatedObjectMatcher({ [spec.foreignField as string]: { $in: local } }, collation);
        joined = joinColl.filter(test);
      }
      if (agg) {
        const variables = spec.let === undefined ? {} : evalExpr(obj, spec.let, options);
        joined = agg.run(joined, copts.update({ root: null, variables }));
      }
      return { ...obj, [spec.as as string]: joined };
    });
  };
}

/**
 * $bucketAuto by the collation: documents ordered by `groupBy` under it, and a bucket never splits
 * values equal by it. With a `granularity` the values are numbers, which no collation changes.
 */
function bucketAutoDocuments(items: Document[], spec: Document, cmp: Compare, options: unknown): Document[] {
  const count = spec.buckets;
  if (spec.groupBy === undefined || count === undefined)
    fail(40246, "$bucketAuto requires 'groupBy' and 'buckets' to be specified");
  if (typeof count !== 'number')
    fail(
      40241,
      `The $bucketAuto 'buckets' field must be a numeric value, but found type: ${typeName(count)}`,
    );
  if (!Number.isInteger(count))
    fail(
      40242,
      `The $bucketAuto 'buckets' field must be representable as a 32-bit integer, but found ${count}`,
    );
  if (count < 1) fail(40243, `The $bucketAuto 'buckets' field must be greater than 0, but found: ${count}`);
  const keyed = items.map((doc, i) => ({ doc, i, key: evalExpr(doc, spec.groupBy, options) ?? null }));
  keyed.sort((a, b) => cmp(a.key, b.key) || a.i - b.i);
  // As MongoDB: about n / buckets documents a bucket (at least one), the last bucket takes the rest.
  const size = Math.max(1, Math.round(keyed.length / count));
  const buckets: { min: unknown; docs: Document[]; last: unknown }[] = [];
  let i = 0;
  while (i < keyed.length) {
    const isLast = buckets.length === count - 1;
    const bucket = { min: keyed[i].key, docs: [] as Document[], last: keyed[i].key };
    while (
      i < keyed.length &&
      (isLast || bucket.docs.length < size || cmp(keyed[i - 1].key, keyed[i].key) === 0)
    ) {
      bucket.docs.push(keyed[i].doc);
      bucket.last = keyed[i].key;
      i++;
    }
    buckets.push(bucket);
  }
  const output = (spec.output as Document | undefined) ?? { count: { $sum: 1 } };
  const copts = ComputeOptions.init(options as Document);
  return buckets.map((b, n) => {
    // A bucket's max is the next bucket's min; the last one's is its largest value.
    const id = { min: b.min, max: n + 1 < buckets.length ? buckets[n + 1].min : b.last };
    const obj: Document = { _id: id };
    for (const f of Object.keys(output))
      obj[f] = evalExpr(b.docs, output[f], copts.update({ root: null, groupId: id }));
    return obj;
  });
}

/**
 * $graphLookup by the collation: each round finds the documents whose `connectToField` equals
 * (by the collation) a value of the frontier and that pass `restrictSearchWithMatch` (also by
 * it); their `connectFromField` values not searched yet are the next frontier.
 */
function graphLookupStage(collation: Document, cmp: Compare) {
  return (coll: LazyLike, spec: Document, options: ComputeOptionsLike): unknown => {
    const { from, connectFromField: fromField, connectToField: toField, as } = spec;
    if (
      typeof from !== 'string' ||
      typeof fromField !== 'string' ||
      typeof toField !== 'string' ||
      typeof as !== 'string' ||
      !('startWith' in spec)
    )
      fail(40105, 'from, as, startWith, connectFromField and connectToField must all be specified');
    const maxDepth = spec.maxDepth === undefined ? Infinity : Number(spec.maxDepth);
    if (!(maxDepth >= 0)) fail(40101, 'maxDepth requires a nonnegative argument');
    const depthField = spec.depthField as string | undefined;
    const foreign = options.collectionResolver?.(from) ?? [];
    const restrict = isPlainObject(spec.restrictSearchWithMatch)
      ? collatedObjectMatcher(spec.restrictSearchWithMatch, collation)
      : () => true;
    const frontierOf = (values: unknown[], searched: unknown[]): unknown[] =>
      distinctValues(
        values.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== undefined),
        cmp,
      ).filter((v) => !searched.some((s) => cmp(s, v) === 0));
    return coll.map((obj) => {
      const found = new Map<Document, number>();
      const searched: unknown[] = [];
      const start = evalExpr(obj, spec.startWith, options);
      let frontier = frontierOf([start === undefined ? null : start], searched);
      for (let depth = 0; frontier.length > 0 && depth <= maxDepth; depth++) {
        const test = collatedObjectMatcher({ [toField]: { $in: frontier } }, collation);
        searched.push(...frontier);
        const next: unknown[] = [];
        for (const doc of foreign) {
          if (found.has(doc) || !test(doc) || !restrict(doc)) continue;
          found.set(doc, depth);
          next.push(...valuesAtPath(doc, fromField));
        }
        frontier = frontierOf(next, searched);
      }
      const joined = [...found].map(([doc, depth]) => (depthField ? { ...doc, [depthField]: depth } : doc));
      return { ...obj, [as]: joined };
    });
  };
}

/** mingo's own implementation of a pipeline stage, run over a Lazy of documents. */
function mingoStage(
  name: string,
): (coll: unknown, spec: Document, options: unknown) => LazyLike & { collect(): Document[] } {
  return OPS.pipeline[name] as Fn as (
    coll: unknown,
    spec: Document,
    options: unknown,
  ) => LazyLike & { collect(): Document[] };
}

/** Whether an expression holds server-side JavaScript ($function, $accumulator). */
function hasScript(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasScript);
  if (!isPlainObject(v)) return false;
  return Object.entries(v).some(([k, x]) => k === '$function' || k === '$accumulator' || hasScript(x));
}

/** A hidden field holding a document's place in its partition's order by `sortBy` under the collation. */
const SORT_RANK = '__collatedSortRank';

/** Window operators that read the `sortBy` value itself (a number or date), not only the order. */
const VALUE_WINDOW_OPS = new Set(['$linearFill', '$derivative', '$integral']);

/**
 * $setWindowFields by the collation: partitions are `partitionBy` values equal by it, each sorted
 * by `sortBy` under it, and the window operators compare by it (their accumulators are this
 * context's). mingo computes the windows over each partition; the order it sees is the
 * collation's, given as a hidden rank (equal `sortBy` values by the collation share one, so
 * $rank and $denseRank tie them). Range windows and the operators that read the `sortBy` value
 * need numbers or dates there, which no collation orders.
 */
function setWindowFieldsDocuments(
  all: Document[],
  spec: Document,
  collation: Document,
  cmp: Compare,
  options: unknown,
): Document[] {
  if (!isPlainObject(spec) || !isPlainObject(spec.output))
    fail(40414, "BSON field '$setWindowFields.output' is missing but a required field");
  const sortBy = spec.sortBy as Document | undefined;
  const keys = all.map((doc) =>
    spec.partitionBy === undefined ? null : (evalExpr(doc, spec.partitionBy, options) ?? null),
  );
  const reps = firstEqual(keys, cmp);
  const partitions = new Map<number, Document[]>();
  all.forEach((doc, i) => {
    const part = partitions.get(reps[i]);
    if (part) part.push(doc);
    else partitions.set(reps[i], [doc]);
  });
  // MongoDB sorts by the partition key, then `sortBy`: partitions come out in the key's order.
  const order = [...partitions.keys()].sort((a, b) => cmp(keys[a], keys[b]) || a - b);
  const byValue = Object.values(spec.output as Document).some(
    (o) =>
      isPlainObject(o) &&
      (isPlainObject(o.window) && o.window.range !== undefined
        ? true
        : Object.keys(o).some((k) => VALUE_WINDOW_OPS.has(k))),
  );
  // mingo evaluates each window through its $function, which needs scripts enabled; the user's
  // own $function and $accumulator stay refused.
  const base = ComputeOptions.init(options) as ComputeOptionsLike & { options: Document; local: Document };
  const windowOptions = hasScript(spec.output)
    ? base
    : new ComputeOptions({ ...base.options, scriptEnabled: true }, base.local);
  const { partitionBy, ...rest } = spec;
  void partitionBy;
  const out: Document[] = [];
  for (const rep of order) {
    let docs = partitions.get(rep)!;
    let sub: Document = rest;
    if (sortBy) {
      docs = sortDocuments(docs, sortBy, collation);
      if (byValue) {
        for (const doc of docs)
          for (const k of Object.keys(sortBy))
            if ([4, 5, 6].includes(typeRank(valuesAtPath(doc, k)[0])))
              fail(
                ErrorCodes.CommandNotSupported,
                `the embedded engine cannot run a range window or ${[...VALUE_WINDOW_OPS].join(', ')} over a non-numeric sortBy under a collation`,
              );
      } else {
        const order = documentOrder(sortBy, cmp);
        let rank = 0;
        docs = docs.map((doc, i) => {
          if (i > 0 && order(docs[i - 1], doc) !== 0) rank++;
          const copy = { ...doc };
          Object.defineProperty(copy, SORT_RANK, { value: rank, enumerable: false });
          return copy;
        });
        sub = { ...rest, sortBy: { [SORT_RANK]: 1 } };
      }
    }
    out.push(...mingoStage('$setWindowFields')(Lazy(docs), sub, windowOptions).collect());
  }
  return out;
}

/** $fill by the collation: its methods run as $setWindowFields under it (partitions and order). */
function fillDocuments(
  all: Document[],
  spec: Document,
  collation: Document,
  cmp: Compare,
  options: unknown,
): Document[] {
  if (!isPlainObject(spec) || !isPlainObject(spec.output))
    fail(40414, "BSON field '$fill.output' is missing but a required field");
  if (spec.partitionBy !== undefined && spec.partitionByFields !== undefined)
    fail(6050204, 'Maximum one of partitionBy and partitionByFields can be specified in $fill');
  const fields = spec.partitionByFields;
  if (
    fields !== undefined &&
    (!Array.isArray(fields) || fields.some((f) => typeof f !== 'string' || f.startsWith('$')))
  )
    fail(9, "fields in partitionByFields cannot begin with '$'");
  const partitionBy = spec.partitionBy ?? (fields as string[] | undefined)?.map((f) => `$${f}`);
  const values: Document = {};
  const methods: Document = {};
  for (const [k, m] of Object.entries(spec.output as Document)) {
    if (isPlainObject(m) && 'value' in m) values[k] = { $ifNull: [`$$CURRENT.${k}`, m.value] };
    else if (isPlainObject(m) && (m.method === 'locf' || m.method === 'linear'))
      methods[k] = { [m.method === 'locf' ? '$locf' : '$linearFill']: `$${k}` };
    else fail(6050202, "Method must be either 'locf' or 'linear'");
  }
  let docs = all;
  if (Object.keys(methods).length > 0) {
    if (!isPlainObject(spec.sortBy))
      fail(6050201, "'sortBy' is required if any output field specifies a 'method'");
    docs = setWindowFieldsDocuments(
      docs,
      { partitionBy, sortBy: spec.sortBy, output: methods },
      collation,
      cmp,
      options,
    );
  }
  if (Object.keys(values).length > 0) docs = mingoStage('$addFields')(Lazy(docs), values, options).collect();
  return docs;
}

/**
 * $densify by the collation: `partitionByFields` values equal by it are one partition. mingo's
 * $densify partitions by exact values, so it runs over copies whose partition fields hold their
 * partition's first values, and gives the input documents back as they were.
 */
function densifyStage(cmp: Compare) {
  return (coll: LazyLike, spec: Document, options: unknown): unknown => {
    const densify = mingoStage('$densify');
    const fields = isPlainObject(spec) ? spec.partitionByFields : undefined;
    if (!Array.isArray(fields) || fields.length === 0) return densify(coll, spec, options);
    return coll.transform((all) => {
      const keys = all.map((doc) => fields.map((f) => valuesAtPath(doc, String(f))[0] ?? null));
      const reps = firstEqual(keys, cmp);
      const originals = new Map<Document, Document>();
      const canonical = all.map((doc, i) => {
        if (keyOf(keys[i]) === keyOf(keys[reps[i]])) return doc;
        let copy = doc;
        fields.forEach((f, j) => (copy = withValueAt(copy, String(f).split('.'), keys[reps[i]][j])));
        originals.set(copy, doc);
        return copy;
      });
      const out = densify(Lazy(canonical), spec, options).collect();
      return out.map((doc) => originals.get(doc) ?? doc)[Symbol.iterator]();
    });
  };
}

/** A copy of `doc` with `value` at `path` (the objects along the path copied, the rest shared). */
function withValueAt(doc: Document, path: string[], value: unknown): Document {
  const [head, ...tail] = path;
  const inner = doc[head];
  return {
    ...doc,
    [head]: tail.length === 0 || !isPlainObject(inner) ? value : withValueAt(inner, tail, value),
  };
}

/** A pipeline stage computed over all its input documents at once. */
const transform =
  (f: (all: Document[], spec: Document, options: unknown) => Document[]) =>
  (coll: LazyLike, spec: Document, options: unknown) =>
    coll.transform((all) => f(all, spec, options)[Symbol.iterator]());

/**
 * $setWindowFields and $fill by `collation` (the simple one compares in BSON order), under the
 * names the aggregate command gives them ($bsonSetWindowFields, $bsonFill): mingo's own cannot
 * run with scripts disabled, and its context keeps its built-in stages under their own names.
 */
export function windowStages(collation: Document): OpTable {
  const cmp = valueComparator(collation);
  return {
    $bsonSetWindowFields: transform((all, spec, o) => setWindowFieldsDocuments(all, spec, collation, cmp, o)),
    $bsonFill: transform((all, spec, o) => fillDocuments(all, spec, collation, cmp, o)),
  };
}

function pipelineOps(collation: Document, cmp: Compare): OpTable {
  return {
    ...windowStages(collation),
    $match: (coll: LazyLike, spec: Document, options: unknown) => {
      const test = collatedObjectMatcher(spec, collation, collatedExpr(options));
      return coll.filter(test);
    },
    $sort: transform((all, spec) => sortDocuments(all, spec, collation)),
    $bsonSort: transform((all, spec) => sortDocuments(all, spec, collation)),
    $group: transform((all, spec, o) => groupDocuments(all, spec, cmp, o)),
    $sortByCount: transform((all, expr, o) =>
      sortDocuments(groupDocuments(all, { _id: expr, count: { $sum: 1 } }, cmp, o), { count: -1 }, collation),
    ),
    $bucket: transform((all, spec, o) => bucketDocuments(all, spec, cmp, o)),
    $lookup: lookupStage(collation),
    $graphLookup: graphLookupStage(collation, cmp),
    $bucketAuto: (coll: LazyLike, spec: Document, o: unknown) =>
      isPlainObject(spec) && spec.granularity !== undefined
        ? mingoStage('$bucketAuto')(coll, spec, o)
        : coll.transform((all) => bucketAutoDocuments(all, spec, cmp, o)[Symbol.iterator]()),
    $setWindowFields: transform((all, spec, o) => setWindowFieldsDocuments(all, spec, collation, cmp, o)),
    $fill: transform((all, spec, o) => fillDocuments(all, spec, collation, cmp, o)),
    $densify: densifyStage(cmp),
  };
}

/** A `$expr` test under the options (context and variables) of the stage that runs it. */
export function collatedExpr(options: unknown): (cond: unknown) => (obj: Document) => boolean {
  return (cond) => {
    const q = new CoreQuery({ $expr: cond }, options);
    return (obj) => q.test(obj);
  };
}

const contexts = new Map<string, unknown>();

/**
 * mingo's operators with those that compare values replaced by ones comparing by `collation`, plus
 * `extraStages` (the caller's custom pipeline stages).
 */
export function collatedContext(collation: Document, extraStages?: OpTable): unknown {
  const key = keyOf(collation);
  if (!extraStages && contexts.has(key)) return contexts.get(key);
  const cmp = valueComparator(collation);
  const context = core.Context.init({
    ...OPS,
    accumulator: { ...OPS.accumulator, ...accumulatorOps(collation, cmp) },
    expression: { ...OPS.expression, ...expressionOps(cmp) },
    pipeline: { ...OPS.pipeline, ...extraStages, ...pipelineOps(collation, cmp) },
  });
  if (!extraStages) {
    if (contexts.size >= 64) contexts.clear();
    contexts.set(key, context);
  }
  return context;
}

/** The options mingo runs with under `collation` (its context, and what else the caller adds). */
export function collatedOptions(
  collation: Document,
  extra: Document = {},
  extraStages?: OpTable,
): ComputeOptionsLike {
  return ComputeOptions.init({
    ...MINGO_OPTIONS,
    ...extra,
    collation,
    context: collatedContext(collation, extraStages),
  });
}

/** Runs a pipeline under `collation`. */
export function runCollated(stages: Document[], docs: Document[], options: ComputeOptionsLike): Document[] {
  return new CoreAggregator(stages).run(docs, options);
}

/** A `$expr` test for a find or update under `collation`. */
export function collatedExprTest(collation: Document): (cond: unknown) => (obj: Document) => boolean {
  return collatedExpr(collatedOptions(collation));
}
