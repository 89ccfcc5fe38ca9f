// Values compared under a collation, as MongoDB's collation-aware comparator does: BSON order, with
// every string (array elements and sub-document values included; field names never) compared by
// the collation. Equality classes (group keys, distinct values, set members) are found by sorting
// the distinct values with that order and merging neighbours that compare equal, so they are
// exactly the collation's (ICU's) equality, whatever the strength.
import { bsonCompare, collatorFor, keyOf, typeRank } from './values';

export type Compare = (a: unknown, b: unknown) => number;

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** MongoDB's order of BSON values with strings compared by `collation` (bsonCompare when none). */
export function valueComparator(collation: unknown): Compare {
  const collate = collatorFor(collation);
  if (!collate) return bsonCompare;
  const cmp: Compare = (a, b) => {
    const ra = typeRank(a);
    const rb = typeRank(b);
    if (ra !== rb) return ra < rb ? -1 : 1;
    if (ra === 4) return sign(collate(String(a), String(b)));
    if (ra === 6) {
      const xa = a as unknown[];
      const xb = b as unknown[];
      const n = Math.min(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        const c = cmp(xa[i], xb[i]);
        if (c !== 0) return c;
      }
      return sign(xa.length - xb.length);
    }
    if (ra === 5) {
      const oa = a as Record<string, unknown>;
      const ob = b as Record<string, unknown>;
      const ka = Object.keys(oa);
      const kb = Object.keys(ob);
      const n = Math.min(ka.length, kb.length);
      for (let i = 0; i < n; i++) {
        const r = typeRank(oa[ka[i]]) - typeRank(ob[kb[i]]);
        if (r !== 0) return r < 0 ? -1 : 1;
        if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
        const c = cmp(oa[ka[i]], ob[kb[i]]);
        if (c !== 0) return c;
      }
      return sign(ka.length - kb.length);
    }
    return bsonCompare(a, b);
  };
  return cmp;
}

/**
 * For each value, the index of the first value equal to it by `compare` (its class's
 * representative, as MongoDB keeps the first key a group or set saw).
 */
export function firstEqual(values: unknown[], compare: Compare): number[] {
  const firstOfKey = new Map<string, number>();
  const keyIndex = values.map((v, i) => {
    const k = keyOf(v);
    const seen = firstOfKey.get(k);
    if (seen !== undefined) return seen;
    firstOfKey.set(k, i);
    return i;
  });
  if (compare === bsonCompare) return keyIndex;
  const distinct = [...firstOfKey.values()].sort((i, j) => compare(values[i], values[j]) || i - j);
  const rep = new Map<number, number>();
  let head = -1;
  for (let n = 0; n < distinct.length; n++) {
    const i = distinct[n];
    if (n === 0 || compare(values[distinct[n - 1]], values[i]) !== 0) head = i;
    rep.set(i, head);
  }
  return keyIndex.map((i) => rep.get(i)!);
}

/** The values without those equal (by `compare`) to an earlier one, in their order. */
export function distinctValues<T>(values: T[], compare: Compare): T[] {
  const reps = firstEqual(values, compare);
  return values.filter((_, i) => reps[i] === i);
}
