// $lookup through the foreign collection's index: for `localField`/`foreignField`, and for the
// simple pipeline form `{ let: { v: '$field' }, pipeline: [{ $match: { $expr: { $eq: ['$f', '$$v'] } } }, ...] }`,
// each input document's values are looked up with the query planner (an IXSCAN when the foreign
// field leads an index) instead of deserialising the whole foreign collection. Other forms, and
// foreign fields without an index, are left to mingo's $lookup.
import { Document } from 'bson';
import { Query } from 'mingo';
import { deserializeDocument } from '../bson/dbref';
import { Collection } from '../storage/collection';
import { MINGO_OPTIONS } from '../storage/matcher';
import { plan } from '../storage/planner';
import { findDocs } from '../storage/query';
import { isPlainObject, valuesAtPath } from '../storage/values';
import { CommandContext } from './context';

/** An indexed $lookup: where to look, and how each input document is joined. */
export interface IndexedLookup {
  from: string;
  as: string;
  foreignField: string;
  /** localField/foreignField form: equality with any of the local values (null for missing). */
  localField?: string;
  /** Pipeline form: the `let` variable's source path and the stages after the $match. */
  letPath?: string;
  rest?: Document[];
}

function hasIndexOn(coll: Collection | undefined, field: string): boolean {
  if (!coll) return false;
  if (field === '_id') return true;
  return coll.indexes.some((i) => i.fields[0] === field && !i.partial && !i.sparse && !i.isTextOrSpecial);
}

const plainName = (s: unknown): s is string =>
  typeof s === 'string' && s.length > 0 && !s.startsWith('$') && !s.includes('.');

/** The indexed form of a $lookup stage, or null when mingo should run it. */
export function indexedLookup(ctx: CommandContext, spec: unknown): IndexedLookup | null {
  if (!isPlainObject(spec) || typeof spec.from !== 'string' || !plainName(spec.as)) return null;
  const coll = ctx.scope.view(ctx.db, spec.from).coll;
  if (typeof spec.localField === 'string' && typeof spec.foreignField === 'string') {
    if (spec.pipeline !== undefined || spec.let !== undefined) return null;
    if (!hasIndexOn(coll, spec.foreignField)) return null;
    return { from: spec.from, as: spec.as, foreignField: spec.foreignField, localField: spec.localField };
  }
  if (!Array.isArray(spec.pipeline) || !isPlainObject(spec.let) || spec.localField !== undefined) return null;
  const vars = Object.entries(spec.let);
  if (vars.length !== 1) return null;
  const [name, source] = vars[0];
  if (typeof source !== 'string' || !source.startsWith('$') || source.startsWith('$$')) return null;
  const [first, ...rest] = spec.pipeline as Document[];
  const eq =
    isPlainObject(first?.$match) && Object.keys(first.$match).length === 1 ? first.$match.$expr : null;
  const args = isPlainObject(eq) && Object.keys(eq).length === 1 ? eq.$eq : null;
  if (!Array.isArray(args) || args.length !== 2) return null;
  const ref = `$$${name}`;
  const field = args[0] === ref ? args[1] : args[1] === ref ? args[0] : null;
  if (typeof field !== 'string' || !field.startsWith('$') || field.startsWith('$$')) return null;
  if (JSON.stringify(rest).includes(ref)) return null;
  const foreignField = field.slice(1);
  if (!hasIndexOn(coll, foreignField)) return null;
  return { from: spec.from, as: spec.as, foreignField, letPath: source.slice(1), rest };
}

function isPlainValue(v: unknown): boolean {
  const t = (v as { _bsontype?: string } | null)?._bsontype;
  return (
    !(v instanceof RegExp) &&
    t !== 'BSONRegExp' &&
    !(isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$')))
  );
}

/** Joins one input document. */
export function joinOne(
  ctx: CommandContext,
  l: IndexedLookup,
  doc: Document,
  run: (stages: Document[], docs: Document[]) => Document[],
  /** The pipeline's collation (MongoDB's $lookup compares by it, never by the foreign collection's default). */
  collation: Document = { locale: 'simple' },
): Document[] {
  const view = ctx.scope.view(ctx.db, l.from);
  if (l.localField !== undefined) {
    const values = valuesAtPath(doc, l.localField).map((v) => (v === undefined ? null : v));
    if (!values.every(isPlainValue)) {
      // A regular expression would match as a pattern: compare by equality instead.
      const all = findDocs(view, {}).docs.map((d) => deserializeDocument(d.raw));
      const q = new Query({ [l.foreignField]: { $in: values.filter(isPlainValue) } }, MINGO_OPTIONS);
      return all.filter((d) => q.test(d));
    }
    return findDocs(view, { filter: { [l.foreignField]: { $in: values } }, collation }).docs.map((d) =>
      deserializeDocument(d.raw),
    );
  }
  // Pipeline form: $expr's $eq is exact (no array elements, missing is not null): the index
  // narrows the candidates, the expression decides.
  const value = readPath(doc, l.letPath!);
  const indexed = value !== undefined && isPlainValue(value) && !Array.isArray(value);
  const candidates = findDocs(
    view,
    indexed ? { filter: { [l.foreignField]: value }, collation } : {},
  ).docs.map((d) => deserializeDocument(d.raw));
  let exact: Document[];
  if (value === undefined) exact = candidates.filter((d) => readPath(d, l.foreignField) === undefined);
  else {
    const q = new Query({ $expr: { $eq: [`$${l.foreignField}`, { $literal: value }] } }, MINGO_OPTIONS);
    exact = candidates.filter((d) => q.test(d));
  }
  return l.rest && l.rest.length > 0 ? run(l.rest, exact) : exact;
}

/** The value an aggregation expression `$path` gives (arrays along the way collect their elements' values). */
function readPath(doc: Document, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(cur))
      cur = cur.map((e) => (isPlainObject(e) ? e[part] : undefined)).filter((x) => x !== undefined);
    else if (isPlainObject(cur)) cur = cur[part];
    else return undefined;
  }
  return cur;
}

/** The index a lookup would use, for explain. */
export function lookupIndexName(ctx: CommandContext, l: IndexedLookup): string | undefined {
  const p = plan(ctx.scope.view(ctx.db, l.from).coll, { [l.foreignField]: 0 });
  return p.index?.spec.name;
}
