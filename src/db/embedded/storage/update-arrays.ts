// Update semantics through arrays where mingo's updater differs from MongoDB:
// - several positional ($, $[], $[id]) paths into one array in one update ("comments.$.body" and
//   "comments.$.updatedAt", as Mongoose timestamps write them, or a $set and an $addToSet of two
//   fields of the matched element) are one update in MongoDB; mingo
//   calls them a conflict. They are applied as consecutive steps when that cannot change the
//   outcome (no step writes what another's filters read, and no two write the same field).
// - a field created through an array of subdocuments ("comments.body") is PathNotViable (28).
// - $pull with a logical condition ($or/$and/$nor) queries the elements as documents.
import { Document } from 'bson';
import { ErrorCodes, MongoServerError } from '../errors';
import { matcher } from './matcher';
import { isPlainObject } from './values';

const isPositional = (segment: string) =>
  segment === '$' || (segment.startsWith('$[') && segment.endsWith(']'));

/** The part of a path before its first positional segment, or undefined when it has none. */
function arrayPrefix(path: string): string | undefined {
  const parts = path.split('.');
  const at = parts.findIndex(isPositional);
  return at < 0 ? undefined : parts.slice(0, at).join('.');
}

/** The fields a step writes below its array, without the positional segments. */
const tailOf = (path: string, prefix: string) =>
  path
    .slice(prefix.length + 1)
    .split('.')
    .filter((s) => !isPositional(s))
    .join('.');

/**
 * Splits an operator update whose operators hold several positional paths into one array into
 * steps that mingo applies one after another; returns [modifier] when no split is needed or when
 * consecutive steps could differ from MongoDB's single step (mingo then reports the conflict).
 */
export function positionalSteps(
  modifier: Document,
  filter: Document,
  arrayFilters: Document[] = [],
): Document[] {
  const steps: Document[] = [{}];
  let split = false;
  // array prefix → positional paths into it so far, whichever their operator ($set and
  // $addToSet of two fields of the same matched element are one update in MongoDB)
  const seen = new Map<string, number>();
  for (const [op, fields] of Object.entries(modifier)) {
    if (!isPlainObject(fields)) {
      steps[0][op] = fields;
      continue;
    }
    for (const [path, value] of Object.entries(fields)) {
      const prefix = arrayPrefix(path);
      const n = prefix === undefined ? 0 : (seen.get(prefix) ?? 0);
      if (prefix !== undefined) seen.set(prefix, n + 1);
      if (n > 0) split = true;
      steps[n] ??= {};
      ((steps[n][op] ??= {}) as Document)[path] = value;
    }
  }
  if (!split) return [modifier];
  // What the filters read below each array, and what each step writes there.
  const reads = new Set<string>();
  for (const key of Object.keys(filter)) reads.add(key);
  for (const f of arrayFilters)
    for (const key of Object.keys(f)) reads.add(key.split('.').slice(1).join('.'));
  const writes = new Map<string, Set<string>>();
  for (const step of steps)
    for (const fields of Object.values(step))
      for (const path of Object.keys(fields as Document)) {
        const prefix = arrayPrefix(path);
        if (prefix === undefined) continue;
        const tail = tailOf(path, prefix);
        const written = writes.get(prefix) ?? new Set<string>();
        if (written.has(tail)) return [modifier];
        written.add(tail);
        writes.set(prefix, written);
        for (const read of reads) {
          const relative = read.startsWith(prefix + '.') ? read.slice(prefix.length + 1) : read;
          if (relative === tail || relative.startsWith(tail + '.') || tail.startsWith(relative + '.'))
            return [modifier];
        }
      }
  return steps;
}

/** The array filters a step uses (MongoDB and mingo refuse unused ones). */
export function arrayFiltersOf(step: Document, arrayFilters: Document[] | undefined): Document[] | undefined {
  if (!arrayFilters) return undefined;
  const used = new Set<string>();
  for (const fields of Object.values(step))
    if (isPlainObject(fields))
      for (const path of Object.keys(fields)) for (const m of path.matchAll(/\$\[(\w+)\]/g)) used.add(m[1]);
  return arrayFilters.filter((f) => Object.keys(f).some((k) => used.has(k.split('.')[0])));
}

const CREATING = ['$set', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$currentDate'];

const shortJson = (v: unknown) => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
};

/** MongoDB refuses to create a field inside an array or a scalar: PathNotViable (28). */
export function checkPathsViable(doc: Document, modifier: Document): void {
  for (const op of CREATING) {
    const fields = modifier[op];
    if (!isPlainObject(fields)) continue;
    for (const path of Object.keys(fields)) {
      if (path.includes('$')) continue;
      const parts = path.split('.');
      let cur: unknown = doc;
      for (let i = 0; i < parts.length - 1; i++) {
        const next = Array.isArray(cur)
          ? /^\d+$/.test(parts[i])
            ? cur[Number(parts[i])]
            : null
          : (cur as Document)[parts[i]];
        if (next === undefined) break; // created from here on
        const child = parts[i + 1];
        const viable =
          next !== null &&
          typeof next === 'object' &&
          !(Array.isArray(next) && !/^\d+$/.test(child)) &&
          !('_bsontype' in next);
        if (!viable)
          throw new MongoServerError(
            ErrorCodes.PathNotViable,
            `Cannot create field '${child}' in element {${parts[i]}: ${shortJson(next)}}`,
          );
        cur = next;
      }
    }
  }
}

/**
 * Applies the $pull entries whose condition is a logical query ($or/$and/$nor) on plain paths, and
 * returns the modifier without them (mingo would read such a condition as one on the values).
 */
export function applyLogicalPulls(docs: Document[], modifier: Document): Document {
  const pull = modifier.$pull;
  if (!isPlainObject(pull)) return modifier;
  const rest: Document = {};
  const own: [string, (d: Document) => boolean][] = [];
  for (const [path, cond] of Object.entries(pull)) {
    const logical =
      isPlainObject(cond) &&
      Object.keys(cond).length > 0 &&
      Object.keys(cond).every((k) => ['$or', '$and', '$nor'].includes(k));
    if (logical && !path.includes('$')) own.push([path, matcher(cond)]);
    else rest[path] = cond;
  }
  if (own.length === 0) return modifier;
  for (const doc of docs)
    for (const [path, test] of own) {
      const parts = path.split('.');
      let parent: unknown = doc;
      for (const part of parts.slice(0, -1)) parent = isPlainObject(parent) ? parent[part] : undefined;
      const last = parts[parts.length - 1];
      if (!isPlainObject(parent) || !Array.isArray(parent[last])) continue;
      parent[last] = (parent[last] as unknown[]).filter((el) => !(isPlainObject(el) && test(el)));
    }
  const next = { ...modifier };
  if (Object.keys(rest).length) next.$pull = rest;
  else delete next.$pull;
  return next;
}

/** The value at a path of plain objects (undefined when it crosses an array or a scalar). */
function plainValueAt(doc: Document, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** The filter's conditions on an array field and below it (top level and inside `$and`). */
function conditionsOn(filter: Document, field: string, out: Document[] = []): Document[] {
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(cond)) {
      for (const sub of cond) if (isPlainObject(sub)) conditionsOn(sub, field, out);
    } else if (key === field || key.startsWith(field + '.')) out.push({ [key]: cond });
  }
  return out;
}

function nest(path: string, value: unknown): Document {
  const parts = path.split('.');
  let doc: Document = { [parts[parts.length - 1]]: value };
  for (let i = parts.length - 2; i >= 0; i--) doc = { [parts[i]]: doc };
  return doc;
}

/** The index of the array element the query matched, as MongoDB resolves `$`; -1 when not found. */
function matchedIndex(doc: Document, field: string, filter: Document): number {
  const arr = plainValueAt(doc, field);
  if (!Array.isArray(arr)) return -1;
  const conds = conditionsOn(filter, field);
  if (conds.length === 0) return -1;
  const test = matcher(conds.length === 1 ? conds[0] : { $and: conds });
  return arr.findIndex((e) => test(nest(field, [e])));
}

/**
 * The modifier with every positional `$` replaced by the index of the element the query matched
 * in this document, as MongoDB does before applying any operator: the index is found once, on
 * the document as it was, so `$set` of 'children.$.name' and 'children.$.updatedAt' (Mongoose
 * timestamps) with a filter on 'children.name' is one update. Undefined when a `$` cannot be
 * resolved here (no condition on its array, no matching element, two `$` in a path): mingo's
 * updater then answers as before.
 */
export function resolveFirstPositional(
  doc: Document,
  modifier: Document,
  filter: Document,
): Document | undefined {
  const found = new Map<string, number>();
  const out: Document = {};
  for (const [op, fields] of Object.entries(modifier)) {
    if (!isPlainObject(fields)) {
      out[op] = fields;
      continue;
    }
    const next: Document = {};
    for (const [path, value] of Object.entries(fields)) {
      const parts = path.split('.');
      const at = parts.indexOf('$');
      if (at < 0) {
        next[path] = value;
        continue;
      }
      if (at === 0 || parts.indexOf('$', at + 1) >= 0) return undefined;
      const field = parts.slice(0, at).join('.');
      let i = found.get(field);
      if (i === undefined) {
        i = matchedIndex(doc, field, filter);
        if (i < 0) return undefined;
        found.set(field, i);
      }
      parts[at] = String(i);
      next[parts.join('.')] = value;
    }
    out[op] = next;
  }
  return out;
}

/** Whether any operator path holds a positional `$` (not `$[]` nor `$[id]`). */
export function usesFirstPositional(modifier: Document): boolean {
  for (const fields of Object.values(modifier))
    if (isPlainObject(fields))
      for (const p of Object.keys(fields)) if (p.split('.').includes('$')) return true;
  return false;
}
