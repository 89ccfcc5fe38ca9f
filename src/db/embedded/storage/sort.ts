// Sorting stored documents in MongoDB's BSON order (or a collation's), by `$meta: 'textScore'`
// too, with each document's sort values computed once.
import { Document } from 'bson';
import { StoredDoc } from './collection';
import { collatedCompare, collatorFor, isPlainObject, sortValue } from './values';

export function isTextScoreMeta(v: unknown): boolean {
  return isPlainObject(v) && v.$meta === 'textScore';
}

export function sortComparator(
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
