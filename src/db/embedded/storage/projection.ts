// Find projections of plain paths (`{ name: 1, 'mfa.enabled': 1 }`, `{ 'a.b': 0 }`) applied on the
// stored bytes, without decoding documents or compiling a mingo query. MongoDB's rules for find:
//  - inclusion: a path into a subdocument keeps the subdocument with only the projected fields (an
//    empty one if none is there); into an array, each element is projected: subdocuments as above,
//    nested arrays recursively, other values dropped; a scalar where a subdocument is expected is
//    dropped; missing paths stay absent;
//  - exclusion: the named paths are removed, everything else is kept (scalars and array elements
//    that are not subdocuments included);
//  - `_id` (top level only) is kept unless `_id: 0`; `{ _id: 1 }` alone is an inclusion;
//  - fields keep their stored order.
// Anything else (operators, mixed inclusion and exclusion, path collisions, `_id.x`) answers null
// and the caller uses mingo, which also reports the errors.
import { BSON, Document } from 'bson';
import { Query } from 'mingo';
import { rawElements } from '../bson/raw';
import { StoredDoc } from './collection';
import { ErrorCodes, fail } from '../errors';
import { MINGO_OPTIONS, matcher } from './matcher';
import { isTextScoreMeta } from './sort';
import { splitText } from './text';
import { deserializeWrapped, isPlainObject, retype } from './values';

type Tree = Map<string, Tree | true>;

export interface PlainProjection {
  tree: Tree;
  inclusive: boolean;
  keepId: boolean;
}

const DOC = 0x03;
const ARR = 0x04;

// Compiled projections by shape (names and whether each is on): a handful of distinct ones per app.
const cache = new Map<string, PlainProjection | null>();
const CACHE_MAX = 1000;

/** Compiles a projection of plain paths, or null when it needs mingo. */
export function compilePlainProjection(projection: Document): PlainProjection | null {
  let key = '';
  for (const name in projection) {
    const value: unknown = projection[name];
    if (typeof value !== 'number' && typeof value !== 'boolean') return null;
    key += `${value ? '+' : '-'}${name}\u0000`;
  }
  let compiled = cache.get(key);
  if (compiled === undefined) {
    compiled = compile(projection);
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, compiled);
  }
  return compiled;
}

function compile(projection: Document): PlainProjection | null {
  const tree: Tree = new Map();
  let inclusive: boolean | undefined;
  let idRule: boolean | undefined;
  for (const [key, value] of Object.entries(projection)) {
    if (typeof value !== 'number' && typeof value !== 'boolean') return null;
    const on = !!value;
    if (key === '_id') {
      idRule = on;
      continue;
    }
    const parts = key.split('.');
    if (parts[0] === '_id' || parts.some((p) => p === '' || p.startsWith('$'))) return null;
    if (inclusive === undefined) inclusive = on;
    else if (inclusive !== on) return null;
    let node = tree;
    for (let i = 0; i < parts.length; i++) {
      const existing = node.get(parts[i]);
      if (i === parts.length - 1) {
        if (existing !== undefined) return null; // path collision
        node.set(parts[i], true);
      } else if (existing === true) {
        return null; // path collision
      } else if (existing) {
        node = existing;
      } else {
        const child: Tree = new Map();
        node.set(parts[i], child);
        node = child;
      }
    }
  }
  return { tree, inclusive: inclusive ?? idRule === true, keepId: idRule ?? true };
}

// MongoDB's checks of a projection's shape, made before anything is read (mingo answers them with
// other codes and words, or not at all): inclusion and exclusion cannot be mixed (31253, 31254;
// `_id` may be either), nor an expression put in an exclusion (31252, 31310), and no path may lie
// on or under another (31249, 31250). The same rules hold for find, findAndModify's `fields` and
// aggregate's $project; in find, `$slice`, `$elemMatch` and `$meta` fix no kind.

type ShapeNode = Map<string, ShapeNode | null>; // null: a path ends here

interface ShapeState {
  kind?: 'inclusion' | 'exclusion';
  forFind: boolean;
}

function addShapePath(root: ShapeNode, path: string[]): void {
  let node = root;
  path.forEach((part, i) => {
    const child = node.get(part);
    if (i === path.length - 1) {
      if (child !== undefined) fail(31250, `Path collision at ${path.join('.')}`);
      node.set(part, null);
      return;
    }
    if (child === null)
      fail(31249, `Path collision at ${path.join('.')} remaining portion ${path.slice(1).join('.')}`);
    if (child === undefined) node.set(part, (node = new Map()));
    else node = child;
  });
}

function literalText(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function checkShapeLevel(spec: Document, node: ShapeNode, top: boolean, st: ShapeState): void {
  for (const [name, value] of Object.entries(spec)) {
    // A positional path (`a.$`, `a.$.b`) stands for the part before its `$`.
    const at = name.search(/(^|\.)\$(\.|$)/);
    const path = (at > 0 ? name.slice(0, at) : name).split('.');
    const isTopId = top && name === '_id';
    if (isPlainObject(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0].startsWith('$')) {
        addShapePath(node, path);
        const op = keys[0];
        if (st.forFind && op === '$elemMatch' && (!top || path.length > 1))
          fail(31275, 'Cannot use $elemMatch projection on a nested field.');
        if (st.forFind && (op === '$slice' || op === '$elemMatch')) continue;
        if (op !== '$meta' && st.kind === 'exclusion')
          fail(31252, 'Cannot use expression other than $meta in exclusion projection');
        if (op !== '$meta') st.kind = 'inclusion';
        continue;
      }
      // A sub-projection: its paths are checked below a node of its own.
      const child: ShapeNode = new Map();
      node.set(name, child);
      checkShapeLevel(value, child, false, st);
      continue;
    }
    addShapePath(node, path);
    if (typeof value === 'number' || typeof value === 'boolean' || isNumberType(value)) {
      const on = typeof value === 'object' ? Number(String(value)) !== 0 : !!value;
      if (isTopId) continue;
      const kind = on ? 'inclusion' : 'exclusion';
      if (st.kind !== undefined && st.kind !== kind)
        fail(
          on ? 31253 : 31254,
          `Cannot do ${on ? 'inclusion' : 'exclusion'} on field ${name} in ${st.kind} projection`,
        );
      st.kind = kind;
      continue;
    }
    if (st.kind === 'exclusion')
      fail(31310, `Cannot use an expression ${name}: ${literalText(value)} in an exclusion projection`);
    st.kind = 'inclusion';
  }
}

function isNumberType(v: unknown): v is { valueOf(): unknown } {
  const t = (v as { _bsontype?: string } | null)?._bsontype;
  return t === 'Int32' || t === 'Double' || t === 'Long' || t === 'Decimal128';
}

/** Fails as MongoDB does for a projection that mixes inclusion and exclusion or whose paths collide. */
export function checkProjectionShape(projection: Document | undefined, forFind: boolean): void {
  if (!projection) return;
  checkShapeLevel(projection, new Map(), true, { forFind });
}

/** A projection's paths by name: kept (included, or sliced/matched in find), computed, or a level below. */
type OrderNode = Map<string, OrderNode | 'kept' | 'computed'>;

const isOperatorObject = (v: unknown): v is Document =>
  isPlainObject(v) && Object.keys(v).length === 1 && Object.keys(v)[0].startsWith('$');

function orderTree(spec: Document, node: OrderNode, forFind: boolean, top: boolean): void {
  for (const [k, v] of Object.entries(spec)) {
    if (top && k === '_id') continue;
    const parts = k.split('.');
    let at = node;
    for (const part of parts.slice(0, -1)) {
      const next = at.get(part);
      if (typeof next === 'string') return; // a path collision, refused before
      if (!next) at.set(part, (at = new Map()));
      else at = next;
    }
    const last = parts[parts.length - 1];
    if (isPlainObject(v) && !isOperatorObject(v)) {
      const sub = at.get(last);
      const child: OrderNode = sub instanceof Map ? sub : new Map();
      at.set(last, child);
      orderTree(v, child, forFind, false);
    } else if (
      v === 1 ||
      v === true ||
      (forFind && isOperatorObject(v) && ('$slice' in v || '$elemMatch' in v))
    )
      at.set(last, 'kept');
    else if (v !== 0 && v !== false) at.set(last, 'computed');
  }
}

function ordered(node: OrderNode, input: Document, out: Document, top: boolean): Document {
  const order = [
    ...(top ? ['_id'] : []),
    ...Object.keys(input).filter((k) => node.has(k) && node.get(k) !== 'computed'),
    ...[...node].filter(([, t]) => t === 'computed').map(([k]) => k),
    ...Object.keys(out),
  ];
  const result: Document = {};
  for (const k of order) {
    if (!(k in out) || k in result) continue;
    const child = node.get(k);
    const value: unknown = out[k];
    result[k] =
      child instanceof Map && isPlainObject(value) && isPlainObject(input[k])
        ? ordered(child, input[k] as Document, value, false)
        : value;
  }
  return result;
}

/**
 * MongoDB's field order for a projection with computed fields: `_id` first, included fields in the
 * input document's order, then computed fields in the projection's order (mingo sorts them by
 * name, `_id` last), at every level of subdocuments. Null when the projection neither computes nor
 * includes anything (mingo's order is the document's). In find, a `$slice` or `$elemMatch`
 * projection keeps its field where it is.
 */
export function projectedFieldOrder(
  spec: Document,
  forFind: boolean,
): ((input: Document, out: Document) => Document) | null {
  const tree: OrderNode = new Map();
  orderTree(spec, tree, forFind, true);
  // An exclusion (only levels, no leaves) keeps the document's order.
  const hasLeaf = (node: OrderNode): boolean =>
    [...node.values()].some((v) => typeof v === 'string' || hasLeaf(v));
  if (!hasLeaf(tree)) return null;
  return (input, out) => ordered(tree, input, out, true);
}

/** Applies a compiled plain projection to one stored document. */
export function applyPlainProjection(raw: Buffer, p: PlainProjection): Buffer {
  return projectDoc(raw, p.tree, p.inclusive, p.keepId);
}

function header(type: number, name: string): Buffer {
  const nameLen = Buffer.byteLength(name);
  const h = Buffer.allocUnsafe(nameLen + 2);
  h[0] = type;
  h.write(name, 1);
  h[nameLen + 1] = 0;
  return h;
}

function wrap(parts: Buffer[]): Buffer {
  let size = 5;
  for (const p of parts) size += p.length;
  const head = Buffer.allocUnsafe(4);
  head.writeInt32LE(size, 0);
  return Buffer.concat([head, ...parts, ZERO], size);
}

const ZERO = Buffer.from([0]);

/** `keepId` is given for the top-level document only, where the `_id` rule applies. */
function projectDoc(raw: Buffer, tree: Tree, inclusive: boolean, keepId?: boolean): Buffer {
  const parts: Buffer[] = [];
  for (const { type, name, from, start, end } of rawElements(raw)) {
    if (keepId !== undefined && name === '_id') {
      if (keepId) parts.push(raw.subarray(from, end));
      continue;
    }
    const node = tree.get(name);
    if (node === undefined || node === true) {
      if ((node === true) === inclusive) parts.push(raw.subarray(from, end));
      continue;
    }
    if (type === DOC)
      parts.push(raw.subarray(from, start), projectDoc(raw.subarray(start, end), node, inclusive));
    else if (type === ARR)
      parts.push(raw.subarray(from, start), projectArray(raw.subarray(start, end), node, inclusive));
    else if (!inclusive) parts.push(raw.subarray(from, end));
  }
  return wrap(parts);
}

/** Projects each element of an array: subdocuments and nested arrays; other values only survive an exclusion. */
function projectArray(raw: Buffer, tree: Tree, inclusive: boolean): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  for (const { type, start, end } of rawElements(raw)) {
    const value = raw.subarray(start, end);
    if (type === DOC) parts.push(header(DOC, String(i++)), projectDoc(value, tree, inclusive));
    else if (type === ARR) parts.push(header(ARR, String(i++)), projectArray(value, tree, inclusive));
    else if (!inclusive) parts.push(header(type, String(i++)), value);
  }
  return wrap(parts);
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
  const operators = arrayOperators(projection);
  if (operators) return projectWithArrayOperators(docs, projection, operators, filter);
  // Inclusion or exclusion of plain (possibly dotted) paths: done on the stored bytes.
  const plain = compilePlainProjection(projection);
  if (plain) return docs.map((d) => applyPlainProjection(d.raw, plain));
  const q = new Query(filter ?? {}, MINGO_OPTIONS);
  const order = projectedFieldOrder(projection, true);
  return docs.map((d) => {
    let projected = q.find([d.obj], projection).all()[0] ?? {};
    if (order) projected = order(d.obj, projected);
    return Buffer.from(BSON.serialize(retype(projected, deserializeWrapped(d.raw)) as Document));
  });
}

// $slice (on any path) and $elemMatch (on top-level fields), as MongoDB applies them (mingo drops
// the other fields of a $slice projection, also those of a subdocument holding the sliced array,
// and refuses operator-only $elemMatch criteria): the rest of the projection decides the fields,
// then the operators replace the array of their field.

type ArrayOperator = { field: string; slice?: unknown; elemMatch?: Document };

function arrayOperators(projection: Document): ArrayOperator[] | undefined {
  const found: ArrayOperator[] = [];
  for (const [field, value] of Object.entries(projection)) {
    if (field.split('.').some((p) => p === '' || p.startsWith('$')) || !isPlainObject(value)) continue;
    const keys = Object.keys(value);
    if (keys.length !== 1) continue;
    if (keys[0] === '$slice') found.push({ field, slice: value.$slice });
    else if (field.includes('.')) continue;
    else if (keys[0] === '$elemMatch' && isPlainObject(value.$elemMatch))
      found.push({ field, elemMatch: value.$elemMatch as Document });
  }
  return found.length ? found : undefined;
}

function sliced(arr: unknown[], spec: unknown): unknown[] | undefined {
  if (typeof spec === 'number' && Number.isInteger(spec))
    return spec >= 0 ? arr.slice(0, spec) : arr.slice(spec);
  if (
    Array.isArray(spec) &&
    spec.length === 2 &&
    spec.every((n) => typeof n === 'number' && Number.isInteger(n))
  ) {
    const [skip, limit] = spec as number[];
    if (limit <= 0) fail(ErrorCodes.BadValue, '$slice limit must be positive');
    const start = skip < 0 ? Math.max(0, arr.length + skip) : skip;
    return arr.slice(start, start + limit);
  }
  return undefined;
}

/**
 * Slices the array at a dotted path of a projected document: through arrays of subdocuments, in
 * each of them (a value that is not an array is left as it is, as at the top level).
 */
function sliceAt(node: unknown, path: string[], spec: unknown): void {
  if (Array.isArray(node)) {
    for (const el of node) sliceAt(el, path, spec);
    return;
  }
  if (!isPlainObject(node) || !(path[0] in node)) return;
  const value: unknown = node[path[0]];
  if (path.length > 1) sliceAt(value, path.slice(1), spec);
  else if (Array.isArray(value)) node[path[0]] = sliced(value, spec)!;
}

function elementTest(criteria: Document): (el: unknown) => boolean {
  const operatorOnly = Object.keys(criteria).every(
    (k) => k.startsWith('$') && !['$and', '$or', '$nor'].includes(k),
  );
  if (operatorOnly) {
    const test = matcher({ v: criteria });
    return (el) => test({ v: el });
  }
  const test = matcher(criteria);
  return (el) => isPlainObject(el) && test(el);
}

function projectWithArrayOperators(
  docs: StoredDoc[],
  projection: Document,
  operators: ArrayOperator[],
  filter: Document | undefined,
): Buffer[] {
  const rest: Document = Object.fromEntries(
    Object.entries(projection).filter(([k]) => !operators.some((o) => o.field === k)),
  );
  const includes = Object.entries(rest).some(([k, v]) => k !== '_id' && (v === 1 || v === true));
  const hasElemMatch = operators.some((o) => o.elemMatch);
  // $elemMatch makes an inclusion projection; $slice alone keeps every other field.
  if (includes || hasElemMatch) for (const o of operators) rest[o.field] = 1;
  for (const o of operators)
    if (o.slice !== undefined && sliced([], o.slice) === undefined)
      fail(ErrorCodes.BadValue, '$slice only supports numbers and [skip, limit] arrays');
  const base = Object.keys(rest).length ? projectDocs(docs, rest, filter) : docs.map((d) => d.raw);
  const tests = operators.map((o) => (o.elemMatch ? elementTest(o.elemMatch) : undefined));
  return base.map((raw, i) => {
    const out = deserializeWrapped(raw);
    const source = deserializeWrapped(docs[i].raw);
    operators.forEach((o, j) => {
      if (o.field.includes('.')) return sliceAt(out, o.field.split('.'), o.slice);
      const arr = source[o.field];
      if (!Array.isArray(arr)) {
        if (o.elemMatch) delete out[o.field];
        return;
      }
      if (o.slice !== undefined) out[o.field] = sliced(arr, o.slice)!;
      else {
        const plainArr = docs[i].obj[o.field] as unknown[];
        const at = plainArr.findIndex((el) => tests[j]!(el));
        if (at < 0) delete out[o.field];
        else out[o.field] = [arr[at]];
      }
    });
    return Buffer.from(BSON.serialize(out));
  });
}
