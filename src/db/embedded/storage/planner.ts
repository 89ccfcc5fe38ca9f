// Query planning: picks the index whose key pattern the filter bounds best (equality and `$in` on
// a prefix of its fields, then a range on the next one: IXSCAN, or IDHACK for `_id`), the union of
// indexed `$or` branches, or a collection scan; and, when a sort is asked for, an index that yields
// that order (forward or backward, after an equality prefix) so that no in-memory sort is needed.
import { Document } from 'bson';
import { Collection, Index } from './collection';
import { AFTER, encodeField, typePrefix } from './keystring';
import { foldString, isPlainObject, typeRank } from './values';

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
      // A MinKey or MaxKey bound is not bracketed by type (it reaches every type): no range of one.
      const bad = (b: { v: unknown } | null) =>
        b !== null &&
        (!isIndexableValue(b.v) ||
          b.v === null ||
          b.v === undefined ||
          ['MinKey', 'MaxKey'].includes((b.v as { _bsontype?: string })._bsontype!));
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
  /** MongoDB-style bounds per index field, for explain. */
  bounds?: Document;
  direction?: 'forward' | 'backward';
  /** Index entries read so far. */
  examined?: { keys: number };
  /** An index scan's key ranges (for a cursor that resumes across yields: Index.cursor). */
  ranges?: [string, string][];
}

/** How a filter bounds one index: key ranges, and how many leading fields are single values. */
interface Bounds {
  ranges: [string, string][];
  /** Leading fields bound to one value each. */
  pointPrefix: number;
  score: number;
  shown: Document;
}

const MAX_RANGES = 512;

function usableIndex(idx: Index): boolean {
  // A hidden index (collMod) is kept up to date but never planned.
  return !idx.partial && !idx.isTextOrSpecial && !idx.spec.hidden;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v === null || v === undefined) return 'null';
  const t = (v as { _bsontype?: string })._bsontype;
  if (t === 'ObjectId') return `ObjectId('${String(v)}')`;
  return String(v);
}

/** The key ranges of an index that hold every document the conditions can match. */
function boundsFor(idx: Index, conds: Condition[], queryFold: number): Bounds | null {
  const byField = new Map<string, Condition>();
  for (const c of conds) {
    if (!stringsUsable(idx, c, queryFold)) continue;
    const prev = byField.get(c.field);
    // Prefer equality, then $in, then the first range.
    if (!prev || (c.kind === 'eq' && prev.kind !== 'eq') || (c.kind === 'in' && prev.kind === 'range'))
      byField.set(c.field, c);
  }
  let prefixes = [''];
  let tail: { start: string; end: string } | null = null;
  let pointPrefix = 0;
  let points = true;
  let score = 0;
  let open = false;
  const shown: Document = {};
  for (let i = 0; i < idx.fields.length; i++) {
    const field = idx.fields[i];
    const dir = idx.directions[i];
    const c = open ? undefined : byField.get(field);
    if (!c || (idx.sparse && c.values?.some((v) => v === null || v === undefined))) {
      shown[field] = [dir < 0 ? '[MaxKey, MinKey]' : '[MinKey, MaxKey]'];
      open = true;
      continue;
    }
    if (c.kind === 'eq' || c.kind === 'in') {
      const fold = idx.foldStrength;
      const keyed =
        fold > 0 ? c.values!.map((v) => (typeof v === 'string' ? foldString(v, fold) : v)) : c.values!;
      const encs = [...new Set(keyed.map((v) => encodeField(v, dir)))].sort();
      if (encs.length === 0 || prefixes.length * encs.length > MAX_RANGES) {
        shown[field] = ['[MinKey, MaxKey]'];
        open = true;
        continue;
      }
      const next: string[] = [];
      for (const p of prefixes) for (const e of encs) next.push(p + e);
      prefixes = next;
      if (encs.length > 1) points = false;
      if (points) pointPrefix++;
      score += c.kind === 'eq' ? 3 : 2;
      shown[field] = c.values!.map((v) => `[${show(v)}, ${show(v)}]`);
      continue;
    }
    // A range: on a multikey index, bounds on one field cannot be intersected (different array
    // elements may satisfy each side), so only the lower one is used. An exclusive bound leaves out
    // its value's entries, except for a Decimal128 (ordered by its nearest double: the filter decides).
    const rank = typeRank((c.lo ?? c.hi)!.v);
    const lo = c.lo;
    const hi = idx.multikey && c.lo ? null : c.hi;
    const exclusive = (b: { v: unknown; inclusive: boolean } | null | undefined) =>
      !!b && !b.inclusive && (b.v as { _bsontype?: string })._bsontype !== 'Decimal128';
    // Each end as [key, after]: after = past every entry that starts with key.
    const low: [string, boolean] = lo
      ? [encodeField(lo.v, dir), exclusive(lo)]
      : [typePrefix(rank, dir), false];
    const high: [string, boolean] = hi
      ? [encodeField(hi.v, dir), !exclusive(hi)]
      : [typePrefix(rank, dir), true];
    const [first, last] =
      dir < 0
        ? [[high[0], !high[1]] as [string, boolean], [low[0], !low[1]] as [string, boolean]]
        : [low, high];
    tail = { start: first[1] ? first[0] + AFTER : first[0], end: last[1] ? last[0] + AFTER : last[0] };
    shown[field] = [
      `${lo?.inclusive === false ? '(' : '['}${lo ? show(lo.v) : 'MinKey'}, ${hi ? show(hi.v) : 'MaxKey'}${hi?.inclusive === false ? ')' : ']'}`,
    ];
    score += 1;
    open = true;
  }
  if (score === 0) return null;
  const t = tail;
  const ranges: [string, string][] = prefixes.map((p) => (t ? [p + t.start, p + t.end] : [p, p + AFTER]));
  return { ranges, pointPrefix, score, shown };
}

function hasString(v: unknown): boolean {
  if (typeof v === 'string') return true;
  if (Array.isArray(v)) return v.some(hasString);
  if (isPlainObject(v)) return Object.values(v).some(hasString);
  return false;
}

/**
 * Whether an index's keys can bound a condition on strings. Keys of an index with a collation
 * hold folded strings (Index.foldStrength), so an equality on one can find the documents of a
 * binary equality or of an equality at the index's own strength (the filter then decides); other
 * collations, and ranges on strings, are left to the filter (a scan).
 */
function stringsUsable(idx: Index, c: Condition, queryFold: number): boolean {
  const values = c.kind === 'range' ? [c.lo?.v, c.hi?.v] : c.values!;
  if (!values.some(hasString)) return true;
  if (c.kind === 'range') return queryFold === 0 && idx.foldStrength === 0;
  return queryFold === 0 || (queryFold > 0 && queryFold === idx.foldStrength);
}

/**
 * Whether walking the index (after its single-value prefix) yields the sort order: 1 forward,
 * -1 backward, 0 not.
 */
function sortDirection(idx: Index, sort: [string, number][], pointPrefix: number): number {
  if (!usableIndex(idx) || idx.sparse || idx.foldStrength !== 0) return 0;
  if (idx.multikey && sort.length > 1) return 0;
  // Sort keys on the single-value prefix are constant among the results.
  const prefixFields = new Set(idx.fields.slice(0, idx.multikey ? 0 : pointPrefix));
  const keys = sort.filter(([k]) => !prefixFields.has(k));
  if (keys.length === 0) return 1;
  let direction = 0;
  for (let j = 0; j < keys.length; j++) {
    const i = pointPrefix + j;
    if (idx.fields[i] !== keys[j][0]) return 0;
    const d = idx.directions[i] === keys[j][1] ? 1 : -1;
    if (direction !== 0 && d !== direction) return 0;
    direction = d;
  }
  return direction;
}

function scanPlan(idx: Index, b: Bounds | null, direction: number, sorted: boolean): Plan {
  const examined = { keys: 0 };
  const ranges = b ? b.ranges : [['', AFTER] as [string, string]];
  const shown = b?.shown ?? Object.fromEntries(idx.fields.map((f) => [f, ['[MinKey, MaxKey]']]));
  return {
    stage: 'IXSCAN',
    index: idx,
    ids: idx.scan(ranges, direction < 0, examined),
    sorted,
    bounds: shown,
    direction: direction < 0 ? 'backward' : 'forward',
    examined,
    ranges,
  };
}

/**
 * The plan for a filter (and sort). `queryFold` is the query's collation as foldStrength gives
 * it (0: none).
 */
export function plan(
  coll: Collection | undefined,
  filter: Document | undefined,
  sort?: Document,
  queryFold = 0,
): Plan {
  if (!coll) return { stage: 'COLLSCAN' };
  const conds = filter ? conditions(filter) : [];
  // _id equality or $in: straight from the documents map.
  for (const c of conds)
    if (c.field === '_id' && c.kind !== 'range' && stringsUsable(coll.indexes[0], c, queryFold)) {
      const idIndex = coll.indexes[0];
      const ids = new Set<string>();
      for (const v of c.values!) for (const id of idIndex.lookupEq(v)) ids.add(id);
      return {
        stage: 'IDHACK',
        index: idIndex,
        ids,
        bounds: { _id: c.values!.map((v) => `[${show(v)}, ${show(v)}]`) },
      };
    }
  const sortKeys: [string, number][] = [];
  let sortable = !!sort;
  for (const [k, d] of Object.entries(sort ?? {})) {
    const n = Number(d);
    if (k.startsWith('$') || (n !== 1 && n !== -1)) sortable = false;
    sortKeys.push([k, n]);
  }
  if (sortKeys.length === 0) sortable = false;
  let best: { idx: Index; b: Bounds; rank: number } | null = null;
  for (const idx of coll.indexes) {
    if (!usableIndex(idx)) continue;
    const b = boundsFor(idx, conds, queryFold);
    if (!b) continue;
    // Fewer entries to read first (more bounded fields, unique), then the shorter key pattern.
    const rank = b.score * 10 + (idx.unique ? 5 : 0) - idx.fields.length / 100;
    if (!best || rank > best.rank) best = { idx, b, rank };
  }
  if (best) {
    const dir = sortable ? sortDirection(best.idx, sortKeys, best.b.pointPrefix) : 0;
    if (dir !== 0 && best.b.ranges.length > 1 && best.b.pointPrefix < best.idx.fields.length) {
      // Several ranges (a $in) come out range by range: ordered only if the sort is on the $in field.
      const inField = best.idx.fields[best.b.pointPrefix];
      if (sortKeys[0][0] !== inField) return scanPlan(best.idx, best.b, 1, false);
    }
    // An equality on the leading field of another index that gives the order beats an in-memory sort only when no better bound exists.
    return scanPlan(best.idx, best.b, dir || 1, dir !== 0);
  }
  // $or: when every branch can use an index, the union of the branches' lookups (then the full filter).
  const or = filter?.$or;
  if (Array.isArray(or) && or.length > 0 && or.every(isPlainObject)) {
    const branches = or.map((b) => plan(coll, b as Document, undefined, queryFold));
    if (branches.every((b) => b.ids)) {
      const ids = new Set<string>();
      for (const b of branches) for (const id of b.ids!) ids.add(id);
      return {
        stage: 'IXSCAN',
        index: branches[0].index,
        ids,
        bounds: { $or: branches.map((b) => b.index?.spec.name) },
      };
    }
  }
  if (sortable)
    for (const idx of coll.indexes) {
      const dir = sortDirection(idx, sortKeys, 0);
      if (dir !== 0) return scanPlan(idx, null, dir, true);
    }
  return { stage: 'COLLSCAN' };
}
