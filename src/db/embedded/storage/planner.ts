// Query planning: picks an index for equality, $in and range conditions on an indexed leading
// field (IDHACK for _id, IXSCAN otherwise), the union of indexed `$or` branches, an index that
// yields the requested sort order, or a collection scan.
import { Document } from 'bson';
import { Collection, Index } from './collection';
import { isPlainObject, typeRank } from './values';

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
