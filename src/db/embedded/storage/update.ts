// Applying one update to one document: operator updates and pipeline updates through mingo's
// updater, replacements, $setOnInsert and the upsert seed document, with `_id` kept immutable.
import { BSON, Document, ObjectId } from 'bson';
import { updateMany as mingoUpdateMany, updateOne as mingoUpdateOne } from 'mingo';
import { ErrorCodes, MongoServerError } from '../errors';
import { deserializeDocument } from '../bson/dbref';
import { MAX_BSON_SIZE } from '../bson/limits';
import { findElement } from '../bson/raw';
import { StoredDoc, nextVersion } from './collection';
import { makeStoredDoc } from './engine';
import { MINGO_OPTIONS } from './matcher';
import {
  applyLogicalPulls,
  arrayFiltersOf,
  checkPathsViable,
  positionalSteps,
  resolveFirstPositional,
  usesFirstPositional,
} from './update-arrays';
import { deserializeWrapped, isPlainObject, keyOf, retype, shellText, typeRank } from './values';

export type UpdateSpec = Document | Document[];

const KNOWN_OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$push',
  '$pull',
  '$pullAll',
  '$addToSet',
  '$pop',
  '$bit',
  '$currentDate',
  '$setOnInsert',
]);

export function isReplacement(u: UpdateSpec): boolean {
  return !Array.isArray(u) && !Object.keys(u).some((k) => k.startsWith('$'));
}

export function validateUpdate(u: unknown): UpdateSpec {
  if (Array.isArray(u)) {
    if (!u.every(isPlainObject))
      throw new MongoServerError(
        ErrorCodes.FailedToParse,
        'Each element of the update pipeline must be an object',
      );
    return u as Document[];
  }
  if (!isPlainObject(u))
    throw new MongoServerError(
      ErrorCodes.FailedToParse,
      'Update argument must be either an object or an array',
    );
  const keys = Object.keys(u);
  const ops = keys.filter((k) => k.startsWith('$'));
  if (ops.length > 0 && ops.length !== keys.length)
    throw new MongoServerError(
      ErrorCodes.FailedToParse,
      `Unknown modifier: ${keys.find((k) => !k.startsWith('$'))}. Expected a valid update modifier or pipeline-style update specified as an array`,
    );
  for (const op of ops) {
    if (!KNOWN_OPERATORS.has(op))
      throw new MongoServerError(
        ErrorCodes.FailedToParse,
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    if (!isPlainObject(u[op]))
      throw new MongoServerError(
        ErrorCodes.FailedToParse,
        `Modifiers operate on fields but we found type ${Array.isArray(u[op]) ? 'array' : typeof u[op]} instead. For example: {$mod: {<field>: ...}} not {$set: ${String(u[op])}}`,
      );
    for (const [path, value] of Object.entries(u[op] as Document)) {
      checkUpdatablePath(path);
      if (op === '$rename') checkRename(path, value);
    }
  }
  // Two operators touching the same path (or one a prefix of the other) conflict.
  const paths: string[] = [];
  for (const op of ops)
    for (const p of Object.keys(u[op] as Document))
      paths.push(p, ...(op === '$rename' ? [String((u[op] as Document)[p])] : []));
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    if (a === b || b.startsWith(a + '.'))
      throw new MongoServerError(
        ErrorCodes.ConflictingUpdateOperators,
        `Updating the path '${b}' would create a conflict at '${a}'`,
      );
  }
  return u as Document;
}

/**
 * MongoDB's `fieldchecker::isUpdatable`: an update path is neither empty nor has an empty part
 * (EmptyFieldName, 56); `{$set: {'a..b': 1}}` must not write a field named ''.
 */
function checkUpdatablePath(path: string): void {
  if (path === '')
    throw new MongoServerError(ErrorCodes.EmptyFieldName, 'An empty update path is not valid.');
  if (path.split('.').includes(''))
    throw new MongoServerError(
      ErrorCodes.EmptyFieldName,
      `The update path '${path}' contains an empty field name, which is not allowed.`,
    );
}

/** A `$` or `$[…]` part: a path MongoDB resolves per document, which `$rename` refuses. */
const isDynamicPath = (path: string) => path.split('.').some((p) => p === '$' || /^\$\[.*\]$/.test(p));

/**
 * MongoDB's checks of one `$rename` entry (`update_object_node.cpp`, `RenameNode::init`), in its
 * order, all BadValue but the target's path: without them a rename onto itself or its own path
 * was reported as a conflict (40), and a positional source was renamed out of the matched element.
 */
function checkRename(from: string, to: unknown): void {
  if (typeof to !== 'string')
    throw new MongoServerError(
      ErrorCodes.BadValue,
      `The 'to' field for $rename must be a string: ${from}: ${typeof to === 'object' && to !== null ? JSON.stringify(to) : String(to)}`,
    );
  checkUpdatablePath(to);
  const expr = `${from}: ${JSON.stringify(to)}`;
  if (from === to)
    throw new MongoServerError(
      ErrorCodes.BadValue,
      `The source and target field for $rename must differ: ${expr}`,
    );
  if (to.startsWith(`${from}.`) || from.startsWith(`${to}.`))
    throw new MongoServerError(
      ErrorCodes.BadValue,
      `The source and target field for $rename must not be on the same path: ${expr}`,
    );
  if (isDynamicPath(from))
    throw new MongoServerError(
      ErrorCodes.BadValue,
      `The source field for $rename may not be dynamic: ${from}`,
    );
  if (isDynamicPath(to))
    throw new MongoServerError(
      ErrorCodes.BadValue,
      `The destination field for $rename may not be dynamic: ${to}`,
    );
}

function serializeChecked(obj: Document): Buffer {
  const raw = Buffer.from(BSON.serialize(obj));
  if (raw.length > MAX_BSON_SIZE)
    throw new MongoServerError(
      ErrorCodes.BSONObjectTooLarge,
      `BSONObj size: ${raw.length} (0x${raw.length.toString(16)}) is invalid. Size must be between 0 and 16793600(16MB)`,
    );
  return raw;
}

function checkFieldNames(obj: Document): void {
  for (const k of Object.keys(obj))
    if (k.startsWith('$'))
      throw new MongoServerError(
        ErrorCodes.DollarPrefixedFieldName,
        `The dollar ($) prefixed field '${k}' in '${k}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
}

function usesPositional(u: Document): boolean {
  for (const v of Object.values(u))
    if (isPlainObject(v)) for (const p of Object.keys(v)) if (/\.\$(\.|$)/.test(p)) return true;
  return false;
}

/**
 * Applies one update to copies of several documents; each result is the new document, or null
 * when nothing changed (mingo's updater runs once for all of them, which matters: setting it up
 * costs more than updating a small document).
 */
export function applyUpdates(
  olds: StoredDoc[],
  filter: Document,
  update: UpdateSpec,
  arrayFilters: Document[] | undefined,
  replacementRaw?: Buffer,
): (StoredDoc | null)[] {
  const incs = plainIncrements(update);
  if (!incs) return applyDecoded(olds, filter, update, arrayFilters, replacementRaw);
  // `$inc` of numeric top-level fields: the new number is written over the old one in a copy of
  // the bytes; documents the shortcut cannot take (missing field, other types, overflow) go the long way.
  const out: (StoredDoc | null)[] = new Array<StoredDoc | null>(olds.length);
  const rest: number[] = [];
  const touched = new Set(incs.map(([name]) => name.toString('utf8')));
  olds.forEach((old, i) => {
    const raw = incrementRaw(old.raw, incs);
    if (raw === undefined) rest.push(i);
    else if (raw) {
      out[i] = StoredDoc.of(old.id, raw, nextVersion());
      out[i]!.touched = touched;
    } else out[i] = null;
  });
  if (rest.length > 0) {
    const done = applyDecoded(
      rest.map((i) => olds[i]),
      filter,
      update,
      arrayFilters,
      replacementRaw,
    );
    rest.forEach((i, k) => (out[i] = done[k]));
  }
  return out;
}

function plainIncrements(update: UpdateSpec): [Buffer, number][] | null {
  if (Array.isArray(update)) return null;
  const keys = Object.keys(update);
  if (keys.length !== 1 || keys[0] !== '$inc' || !isPlainObject(update.$inc)) return null;
  const out: [Buffer, number][] = [];
  for (const [k, by] of Object.entries(update.$inc)) {
    if (k === '' || k === '_id' || k.includes('.') || k.startsWith('$')) return null;
    if (typeof by !== 'number' || !Number.isFinite(by)) return null;
    out.push([Buffer.from(k, 'utf8'), by]);
  }
  return out.length > 0 ? out : null;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The incremented bytes, null when nothing changes, undefined when the shortcut does not apply. */
function incrementRaw(raw: Buffer, incs: [Buffer, number][]): Buffer | null | undefined {
  let out: Buffer | undefined;
  for (const [name, by] of incs) {
    const el = findElement(raw, name);
    if (!el) return undefined;
    const at = el.start;
    if (el.type === 0x01) {
      const next = raw.readDoubleLE(at) + by;
      if (Object.is(next, raw.readDoubleLE(at))) continue;
      (out ??= Buffer.from(raw)).writeDoubleLE(next, at);
    } else if (el.type === 0x10) {
      const next = raw.readInt32LE(at) + by;
      if (!Number.isInteger(by) || next < INT32_MIN || next > INT32_MAX) return undefined;
      if (by !== 0) (out ??= Buffer.from(raw)).writeInt32LE(next, at);
    } else if (el.type === 0x12) {
      const next = Number(raw.readBigInt64LE(at)) + by;
      if (!Number.isInteger(by) || !Number.isSafeInteger(next)) return undefined;
      if (by !== 0) (out ??= Buffer.from(raw)).writeBigInt64LE(BigInt(next), at);
    } else return undefined;
  }
  return out ?? null;
}

function applyDecoded(
  olds: StoredDoc[],
  filter: Document,
  update: UpdateSpec,
  arrayFilters: Document[] | undefined,
  replacementRaw?: Buffer,
): (StoredDoc | null)[] {
  if (isReplacement(update)) {
    const repl = replacementRaw ? deserializeWrapped(replacementRaw) : (update as Document);
    checkFieldNames(repl);
    const { _id, ...rest } = repl;
    return olds.map((old) => {
      if (_id !== undefined && keyOf(_id) !== old.id) throw immutableId(_id);
      const raw = serializeChecked({ _id: deserializeWrapped(old.raw)._id, ...rest });
      return raw.equals(old.raw) ? null : StoredDoc.of(old.id, raw, nextVersion());
    });
  }
  const works = olds.map((o) => deserializeDocument(o.raw));
  const isPipeline = Array.isArray(update);
  let modifier: Document = {};
  if (!isPipeline) {
    modifier = keepValueTypes({ ...(update as Document) }, replacementRaw);
    delete modifier.$setOnInsert;
    for (const w of works) {
      checkSameId(modifier, w._id);
      checkOperandTypes(w, modifier);
      checkPathsViable(w, modifier);
      checkRenames(w, modifier);
    }
    modifier = applyLogicalPulls(works, withoutId(modifier));
  }
  if (!isPipeline && isTopLevelSetIncUnset(modifier) && works.every((w) => canIncInPlace(w, modifier))) {
    for (const w of works) applyTopLevel(w, modifier);
  } else if (isPipeline) {
    mingoUpdateMany(works, {}, update as never, { arrayFilters, cloneMode: 'copy' }, MINGO_OPTIONS);
  } else if (Object.keys(modifier).length > 0) {
    // `$` is resolved per document on the document as it was, as MongoDB does.
    const resolved = usesFirstPositional(modifier)
      ? works.map((w) => resolveFirstPositional(w, modifier, filter))
      : undefined;
    if (resolved && resolved.every(Boolean))
      works.forEach((w, i) => applyModifier([w], resolved[i]!, {}, arrayFilters));
    else applyModifier(works, modifier, usesPositional(modifier) ? filter : {}, arrayFilters);
  }
  return olds.map((old, i) => {
    const next = works[i];
    if (keyOf(next._id) !== old.id) throw immutableId(next._id);
    const raw = serializeChecked(retype(next, deserializeWrapped(old.raw)) as Document);
    if (raw.equals(old.raw)) return null;
    return StoredDoc.of(old.id, raw, nextVersion());
  });
}

/** An operator update through mingo's updater, positional paths into one array split into steps. */
function applyModifier(
  works: Document[],
  modifier: Document,
  condition: Document,
  arrayFilters: Document[] | undefined,
): void {
  const steps = positionalSteps(modifier, condition, arrayFilters);
  for (const step of steps)
    mingoUpdateMany(
      works,
      condition,
      step as never,
      {
        arrayFilters: steps.length > 1 ? arrayFiltersOf(step, arrayFilters) : arrayFilters,
        cloneMode: 'copy',
      },
      MINGO_OPTIONS,
    );
}

// The commonest updates ($set/$unset/$inc of top-level fields: session touches, `__v` bumps,
// form saves) applied directly; setting up mingo's updater costs more than such an update.

function isTopLevelSetIncUnset(modifier: Document): boolean {
  const ops = Object.keys(modifier);
  if (ops.length === 0) return false;
  for (const op of ops) {
    if (op !== '$set' && op !== '$unset' && op !== '$inc') return false;
    for (const k of Object.keys(modifier[op] as Document))
      if (k.includes('.') || k.startsWith('$') || k === '' || k === '__proto__') return false;
  }
  return true;
}

function canIncInPlace(doc: Document, modifier: Document): boolean {
  const inc = modifier.$inc as Document | undefined;
  if (!inc) return true;
  return Object.entries(inc).every(
    ([k, by]) => typeof by === 'number' && (doc[k] === undefined || typeof doc[k] === 'number'),
  );
}

function applyTopLevel(doc: Document, modifier: Document): void {
  for (const [k, v] of Object.entries((modifier.$set as Document | undefined) ?? {})) doc[k] = v;
  for (const k of Object.keys((modifier.$unset as Document | undefined) ?? {})) delete doc[k];
  for (const [k, by] of Object.entries((modifier.$inc as Document | undefined) ?? {}))
    doc[k] = ((doc[k] as number | undefined) ?? 0) + (by as number);
}

/**
 * MongoDB's `RenameNode::apply` checks against each document: a source path that cannot be
 * followed is PathNotViable (28), an existing source or the target inside an array is BadValue,
 * a target under a scalar is PathNotViable and `_id` is ImmutableField (66). mingo's updater
 * renamed into and out of array elements, and dropped the source when the target could not be
 * created. A source that does not exist leaves the document as it is, whatever the target.
 */
function checkRenames(doc: Document, modifier: Document): void {
  const renames = modifier.$rename;
  if (!isPlainObject(renames)) return;
  const idText = `_id: ${shellText(doc._id)}`;
  for (const [from, to] of Object.entries(renames) as [string, string][]) {
    const parts = from.split('.');
    let cur: unknown = doc;
    let arrayName: string | undefined;
    let found = true;
    for (let i = 0; i < parts.length && found; i++) {
      if (Array.isArray(cur) && /^\d+$/.test(parts[i])) {
        arrayName = parts[i - 1];
        cur = cur[Number(parts[i])];
      } else if (isPlainObject(cur) && !('_bsontype' in cur)) cur = cur[parts[i]];
      else if (i > 0)
        throw new MongoServerError(
          ErrorCodes.PathNotViable,
          `cannot use the part (${parts[i - 1]} of ${from}) to traverse the element ({${parts[i - 1]}: ${shellText(cur)}})`,
        );
      found = cur !== undefined;
    }
    if (!found) continue;
    if (arrayName !== undefined)
      throw new MongoServerError(
        ErrorCodes.BadValue,
        `The source field cannot be an array element, '${from}' in doc with ${idText} has an array field called '${arrayName}'`,
      );
    if (to === '_id' || to.startsWith('_id.'))
      throw new MongoServerError(
        ErrorCodes.ImmutableField,
        `Performing an update on the path '${to}' would modify the immutable field '_id'`,
      );
    // The target is followed as far as it exists; the nearest array on the way is reported, as
    // MongoDB walks up from there, and only then a scalar that a field cannot be created in.
    const toParts = to.split('.');
    let at: unknown = doc;
    let arrayAt: string | undefined;
    let blocked: string | undefined;
    for (let i = 0; i < toParts.length; i++) {
      if (Array.isArray(at)) {
        arrayAt = toParts[i - 1];
        if (!/^\d+$/.test(toParts[i])) break;
      } else if (!isPlainObject(at) || '_bsontype' in at) {
        blocked = `Cannot create field '${toParts[i]}' in element {${toParts[i - 1]}: ${shellText(at)}}`;
        break;
      }
      const next: unknown = Array.isArray(at) ? at[Number(toParts[i])] : (at as Document)[toParts[i]];
      if (next === undefined || i === toParts.length - 1) break;
      at = next;
    }
    if (arrayAt !== undefined)
      throw new MongoServerError(
        ErrorCodes.BadValue,
        `The destination field cannot be an array element, '${to}' in doc with ${idText} has an array field called '${arrayAt}'`,
      );
    if (blocked) throw new MongoServerError(ErrorCodes.PathNotViable, blocked);
    if (from === '_id' || from.startsWith('_id.'))
      throw new MongoServerError(
        ErrorCodes.ImmutableField,
        `Unsetting the path '${from}' using $rename would modify the immutable field '_id'`,
      );
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  const t = (v as { _bsontype?: string })?._bsontype;
  if (t) return t.toLowerCase();
  return typeof v === 'object' ? 'object' : typeof v;
}

function plainPathValue(doc: Document, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(part)) return undefined;
      cur = cur[Number(part)];
    } else cur = (cur as Document)[part];
  }
  return cur;
}

/** The type errors MongoDB raises (and mingo would silently skip). */
function checkOperandTypes(doc: Document, modifier: Document): void {
  const idText = `{_id: ${JSON.stringify(doc._id)}}`;
  for (const op of ['$inc', '$mul']) {
    const fields = modifier[op] as Document | undefined;
    if (!fields) continue;
    for (const [path, operand] of Object.entries(fields)) {
      if (typeRank(operand) !== 3)
        throw new MongoServerError(
          ErrorCodes.TypeMismatch,
          `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${JSON.stringify(operand)}}`,
        );
      if (path.includes('$')) continue;
      const cur = plainPathValue(doc, path);
      if (cur !== undefined && typeRank(cur) !== 3)
        throw new MongoServerError(
          ErrorCodes.TypeMismatch,
          `Cannot apply ${op} to a value of non-numeric type. ${idText} has the field '${path.split('.').pop()}' of non-numeric type ${typeName(cur)}`,
        );
    }
  }
  for (const op of ['$push', '$addToSet', '$pull', '$pullAll', '$pop']) {
    const fields = modifier[op] as Document | undefined;
    if (!fields) continue;
    for (const path of Object.keys(fields)) {
      if (path.includes('$')) continue;
      const cur = plainPathValue(doc, path);
      if (cur !== undefined && !Array.isArray(cur)) {
        if (op === '$pull' || op === '$pullAll' || op === '$pop') {
          if (cur === null && op !== '$pop') continue;
          throw new MongoServerError(ErrorCodes.BadValue, `Cannot apply ${op} to a non-array value`);
        }
        throw new MongoServerError(
          ErrorCodes.BadValue,
          `The field '${path}' must be an array but is of type ${typeName(cur)} in document ${idText}`,
        );
      }
    }
  }
}

const VALUE_OPERATORS = ['$set', '$setOnInsert', '$push', '$addToSet'];

/**
 * Values that $set/$setOnInsert/$push/$addToSet store keep the BSON number type the client sent
 * (a Double 1.0 stays a double, a Long stays a long), taken from the update's raw bytes.
 */
function keepValueTypes(modifier: Document, raw: Buffer | undefined): Document {
  if (!raw) return modifier;
  let wrapped: Document | undefined;
  for (const op of VALUE_OPERATORS) {
    if (!isPlainObject(modifier[op])) continue;
    wrapped ??= deserializeWrapped(raw);
    if (isPlainObject(wrapped[op])) modifier[op] = retype(modifier[op], wrapped[op]);
  }
  return modifier;
}

/** mingo refuses any $set of `_id`; MongoDB allows setting it to the value it already has. */
function checkSameId(modifier: Document, id: unknown): void {
  for (const op of ['$set', '$setOnInsert']) {
    const fields = modifier[op];
    if (isPlainObject(fields) && '_id' in fields && keyOf(fields._id) !== keyOf(id))
      throw immutableId(fields._id);
  }
}

function withoutId(modifier: Document): Document {
  for (const op of ['$set', '$setOnInsert']) {
    const fields = modifier[op];
    if (!isPlainObject(fields) || !('_id' in fields)) continue;
    const { _id, ...rest } = fields;
    void _id;
    modifier[op] = rest;
  }
  return modifier;
}

function stripSameId(modifier: Document, id: unknown): Document {
  checkSameId(modifier, id);
  return withoutId(modifier);
}

function immutableId(v: unknown): MongoServerError {
  return new MongoServerError(
    ErrorCodes.ImmutableField,
    `Performing an update on the path '_id' would modify the immutable field '_id'`,
    { attempted: v },
  );
}

/** The document an upsert inserts: equality fields of the filter, then the update (with $setOnInsert). */
export function upsertDocument(
  filter: Document,
  update: UpdateSpec,
  arrayFilters: Document[] | undefined,
  replacementRaw?: Buffer,
): StoredDoc {
  let doc: Document;
  if (isReplacement(update)) {
    const repl = replacementRaw ? deserializeWrapped(replacementRaw) : (update as Document);
    checkFieldNames(repl);
    const id = repl._id !== undefined ? repl._id : equalityValue(filter, '_id');
    const { _id, ...rest } = repl;
    void _id;
    doc = { _id: id === undefined ? new ObjectId() : id, ...rest };
  } else {
    const seed: Document = {};
    collectEqualities(filter, seed);
    const work: Document = { _id: seed._id === undefined ? new ObjectId() : seed._id };
    for (const [k, v] of Object.entries(seed)) if (k !== '_id') setPath(work, k, v);
    const docs = [work];
    if (Array.isArray(update)) mingoUpdateOne(docs, {}, update as never, { arrayFilters }, MINGO_OPTIONS);
    else {
      const u = keepValueTypes({ ...(update as Document) }, replacementRaw);
      let modifier: Document = { ...u };
      if (u.$setOnInsert) {
        modifier.$set = { ...(u.$set ?? {}), ...u.$setOnInsert };
        delete modifier.$setOnInsert;
      }
      if (seed._id === undefined && isPlainObject(modifier.$set) && modifier.$set._id !== undefined)
        work._id = modifier.$set._id;
      modifier = stripSameId(modifier, work._id);
      // An upsert that inserts is validated as an insert: a top-level field named with a dollar
      // ($myKey) may be set (MongoDB ≥ 5.0); mingo's updater refuses any such path.
      const dollarFields = takeTopLevelDollarFields(modifier);
      if (Object.keys(modifier).length)
        mingoUpdateOne(docs, {}, modifier as never, { arrayFilters, cloneMode: 'copy' }, MINGO_OPTIONS);
      for (const [k, v] of dollarFields) docs[0][k] = v;
    }
    doc = docs[0];
    if (doc._id === undefined) doc = { _id: new ObjectId(), ...doc };
    else if (Object.keys(doc)[0] !== '_id') {
      const { _id, ...rest } = doc;
      doc = { _id, ...rest };
    }
  }
  return makeStoredDoc(serializeChecked(doc));
}

/** Removes `$set` entries for top-level dollar-prefixed fields (not operators' paths) and returns them. */
function takeTopLevelDollarFields(modifier: Document): [string, unknown][] {
  const set = modifier.$set;
  if (!isPlainObject(set)) return [];
  const taken = Object.entries(set).filter(([k]) => k.startsWith('$') && !k.includes('.'));
  if (taken.length === 0) return [];
  const rest: Document = {};
  for (const [k, v] of Object.entries(set)) if (!(k.startsWith('$') && !k.includes('.'))) rest[k] = v;
  if (Object.keys(rest).length > 0) modifier.$set = rest;
  else delete modifier.$set;
  return taken;
}

function equalityValue(filter: Document, field: string): unknown {
  const seed: Document = {};
  collectEqualities(filter, seed);
  return seed[field];
}

function collectEqualities(filter: Document, out: Document): void {
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$and' && Array.isArray(v)) {
      for (const sub of v) if (isPlainObject(sub)) collectEqualities(sub, out);
      continue;
    }
    if (k.startsWith('$')) continue;
    if (isPlainObject(v) && Object.keys(v).some((x) => x.startsWith('$'))) {
      if ('$eq' in v) out[k] = v.$eq;
      else if (Array.isArray(v.$in) && v.$in.length === 1) out[k] = v.$in[0];
      continue;
    }
    out[k] = v;
  }
}

function setPath(obj: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Document = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    if (!isPlainObject(cur[parts[i]])) cur[parts[i]] = {};
    cur = cur[parts[i]] as Document;
  }
  cur[parts[parts.length - 1]] = value;
}
