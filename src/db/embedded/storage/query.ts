// Query execution: runs the planner's choice (index lookups, an ordered index walk or a scan)
// through a reader's view of a collection (its transaction's writes and snapshot included),
// filters, sorts in BSON order (keeping only the best documents under a small limit), skips and
// limits.
import { Document } from 'bson';
import { Collection, IdCursor, Index, StoredDoc } from './collection';
import { collatedExprTest } from './collated-ops';
import { ExprTest, docMatcher } from './matcher';
import { plan, Plan } from './planner';
import { sortComparator } from './sort';
import { splitText, textSearch } from './text';
import { foldStrength, isCollated } from './values';

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

/** How `$expr` compares under a collation (none needed without one). */
export function exprTestFor(collation: Document | undefined): ExprTest | undefined {
  return isCollated(collation) ? collatedExprTest(collation!) : undefined;
}

/**
 * A test of one document against a whole filter, `$text` included (a text search needs the
 * collection's text index; `scores` receives each match's textScore): what findDocs matches with,
 * and what a statement that yields re-checks a changed document with.
 */
export function filterTest(
  coll: Collection | undefined,
  filter: Document | undefined,
  collation: Document | undefined,
  scores?: Map<StoredDoc, number>,
): (d: StoredDoc) => boolean {
  const { rest, text } = splitText(filter);
  const base = docMatcher(rest, collation, exprTestFor(collation));
  if (!text) return base;
  const search = textSearch(coll, text);
  return (d) => {
    if (!base(d)) return false;
    const score = search.score(d.obj);
    if (score > 0) scores?.set(d, score);
    return score > 0;
  };
}

/** Finds the matching documents of a view, in order, after skip and limit. */
export function findDocs(view: ReadView, opts: FindOptions): FindResult {
  const { rest, text } = splitText(opts.filter);
  const scores = text ? new Map<StoredDoc, number>() : undefined;
  // The command's collation, else the collection's default ({ locale: 'simple' } asks for none).
  const collation = opts.collation ?? (view.coll?.options.collation as Document | undefined);
  const test = filterTest(view.coll, opts.filter, collation, scores);
  opts = { ...opts, filter: rest, collation };
  const hasSort = !!opts.sort && Object.keys(opts.sort).length > 0;
  const overlayActive = (!!view.overlay && view.overlay.size > 0) || !!view.snapshot;
  // An index orders strings in binary order, so a collated sort is done in memory.
  const collated = isCollated(collation);
  let p = plan(
    view.coll,
    opts.filter,
    hasSort && !overlayActive && !collated ? opts.sort : undefined,
    foldStrength(collation),
  );
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
    if (!test(d)) return true;
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
    // (A scan's handles read their id only when asked: here only with a transaction's view.)
    for (const d of coll.docs.values()) {
      if (view.overlay?.has(d.id)) continue;
      if (!(going = consider(snap ? visible(d.id, d) : d))) break;
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
  if (p.examined) keysExamined = p.examined.keys;
  return { docs, plan: p, keysExamined, docsExamined, scores };
}

/**
 * For a statement that works through its documents in slices (a multi-document update outside a
 * transaction): a cursor over the ids the plan reads, in its order, that stays valid while the
 * collection changes between slices (an index scan resumes past its last entry, a scan follows
 * the documents map, whose iteration survives changes), the index it walks (a document whose key
 * in it changes may come round again: the statement remembers those), and the test each document
 * must pass when its turn comes. Null when the filter has `$text` or the view has a transaction's
 * writes or snapshot (findDocs then).
 */
export function candidateIds(
  view: ReadView,
  filter: Document | undefined,
  collation?: Document,
): { ids: IdCursor; index?: Index; test: (d: StoredDoc) => boolean } | null {
  const coll = view.coll;
  if (!coll || view.overlay || view.snapshot || splitText(filter).text) return null;
  const effective = collation ?? (coll.options.collation as Document | undefined);
  const test = docMatcher(filter, effective, exprTestFor(effective));
  const p = plan(coll, filter, undefined, foldStrength(effective));
  if (p.stage === 'IXSCAN' && p.index && p.ranges)
    return { ids: p.index.cursor(p.ranges, p.direction === 'backward'), index: p.index, test };
  const it = p.ids ? p.ids[Symbol.iterator]() : coll.docs.keys();
  return {
    ids: {
      take(max) {
        const out: string[] = [];
        for (let r = it.next(); !r.done; r = it.next()) if (out.push(r.value) >= max) break;
        return out;
      },
    },
    test,
  };
}
