// Indexes: createIndexes (unique, sparse, partial, TTL; same spec again is a no-op), listIndexes,
// dropIndexes (by name, key pattern, list or '*').
import { BSON, Document } from 'bson';
import { ErrorCodes, fail } from '../errors';
import { IndexSpec } from '../storage/collection';
import { isCollated, isPlainObject, keyOf } from '../storage/values';
import { CommandContext, arraySource, targetCollection } from './context';

const INDEX_OPTIONS = new Set([
  'v',
  'key',
  'name',
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'background',
  'collation',
  'hidden',
  'weights',
  'default_language',
  'language_override',
  'textIndexVersion',
  '2dsphereIndexVersion',
  'bits',
  'min',
  'max',
  'wildcardProjection',
  'storageEngine',
  'ns',
]);

function defaultName(key: Document): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${String(v)}`)
    .join('_');
}

function sameSpec(a: IndexSpec, b: IndexSpec): boolean {
  return (
    keyOf(a.key) === keyOf(b.key) &&
    !!a.unique === !!b.unique &&
    !!a.sparse === !!b.sparse &&
    keyOf(a.partialFilterExpression ?? null) === keyOf(b.partialFilterExpression ?? null) &&
    a.expireAfterSeconds === b.expireAfterSeconds
  );
}

/** Text indexes are stored as MongoDB stores them: key { _fts: 'text', _ftsx: 1 } and the fields in weights. */
function normaliseTextIndex(spec: IndexSpec): void {
  const textFields = Object.entries(spec.key).filter(([, v]) => v === 'text');
  if (textFields.length === 0) return;
  const weights: Record<string, number> = { ...((spec.weights as Record<string, number>) ?? {}) };
  for (const [f] of textFields) weights[f] ??= 1;
  const key: Record<string, unknown> = {};
  let placed = false;
  for (const [k, v] of Object.entries(spec.key)) {
    if (v === 'text') {
      if (!placed) {
        key._fts = 'text';
        key._ftsx = 1;
        placed = true;
      }
    } else key[k] = v;
  }
  spec.key = key;
  spec.weights = weights;
  spec.default_language ??= 'english';
  spec.language_override ??= 'language';
  spec.textIndexVersion ??= 3;
}

export function createIndexes(ctx: CommandContext): Document {
  const name = targetCollection(ctx);
  const specs = ctx.body.indexes;
  if (!Array.isArray(specs) || specs.length === 0)
    fail(ErrorCodes.BadValue, 'Must specify at least one index to create');
  const existed = !!ctx.engine.collection(ctx.db, name);
  const coll = ctx.engine.ensureCollection(ctx.db, name);
  if (ctx.txn && !existed) ctx.txn.created.add(coll.ns);
  const before = coll.indexes.length;
  for (const raw of specs) {
    if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0)
      fail(ErrorCodes.CannotCreateIndex, "The 'key' field must be a non-empty object");
    for (const [field, dir] of Object.entries(raw.key as Document)) {
      const okDir =
        (typeof dir === 'number' && dir !== 0) || ['text', '2dsphere', '2d', 'hashed'].includes(String(dir));
      if (!okDir || field === '')
        fail(
          ErrorCodes.CannotCreateIndex,
          `Values in the index key pattern can only be numbers or 'text', '2dsphere', '2d', 'hashed': got ${field}: ${String(dir)}`,
        );
    }
    const spec: IndexSpec = {
      v: 2,
      key: raw.key as Document,
      name: typeof raw.name === 'string' ? raw.name : defaultName(raw.key as Document),
    };
    for (const [k, v] of Object.entries(raw)) {
      // 'background' is kept as given: MongoDB ignores it when building but lists it back
      // (listIndexes), and leaves it out when it compares two specs (sameSpec).
      if (k === 'key' || k === 'name' || k === 'v' || k === 'ns') continue;
      if (!INDEX_OPTIONS.has(k))
        fail(
          ErrorCodes.InvalidOptions,
          `The field '${k}' is not valid for an index specification. Specification: ${JSON.stringify(raw)}`,
        );
      spec[k] = v;
    }
    if (spec.expireAfterSeconds !== undefined) spec.expireAfterSeconds = Number(spec.expireAfterSeconds);
    // An index without a collation of its own takes the collection's default, as in MongoDB.
    if (spec.collation === undefined && isCollated(coll.options.collation))
      spec.collation = coll.options.collation as Document;
    if (isPlainObject(spec.collation) && !isCollated(spec.collation)) delete spec.collation;
    normaliseTextIndex(spec);
    if (spec.name === '_id_' || keyOf(spec.key) === keyOf({ _id: 1 })) {
      if (spec.unique === false)
        fail(ErrorCodes.InvalidOptions, "The field 'unique' is not valid for an _id index specification");
      continue;
    }
    const byName = coll.index(spec.name);
    if (byName) {
      if (sameSpec(byName.spec, spec)) continue;
      if (keyOf(byName.spec.key) === keyOf(spec.key))
        fail(
          ErrorCodes.IndexOptionsConflict,
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName.spec)}`,
        );
      fail(
        ErrorCodes.IndexKeySpecsConflict,
        `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byName.spec)}`,
      );
    }
    const byKey = coll.indexes.find(
      (i) =>
        keyOf(i.spec.key) === keyOf(spec.key) &&
        keyOf(i.spec.partialFilterExpression ?? null) === keyOf(spec.partialFilterExpression ?? null),
    );
    if (byKey) {
      if (sameSpec(byKey.spec, spec)) continue;
      fail(
        ErrorCodes.IndexOptionsConflict,
        `An equivalent index already exists with a different name and options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(byKey.spec)}`,
      );
    }
    // A transaction may index only a collection it created itself (which nobody else can use).
    if (ctx.txn && !ctx.txn.created.has(coll.ns))
      fail(
        ErrorCodes.OperationNotSupportedInTransaction,
        `Cannot create new indexes on existing collection ${coll.ns} in a multi-document transaction.`,
      );
    ctx.engine.createIndex(coll, spec);
  }
  const reply: Document = {
    numIndexesBefore: before,
    numIndexesAfter: coll.indexes.length,
    createdCollectionAutomatically: !existed,
  };
  if (before === coll.indexes.length) reply.note = 'all indexes already exist';
  reply.ok = 1;
  return reply;
}

export function listIndexes(ctx: CommandContext): Buffer {
  const name = targetCollection(ctx);
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll) fail(ErrorCodes.NamespaceNotFound, `ns does not exist: ${ctx.db}.${name}`);
  const docs = coll.indexes.map((i) => Buffer.from(BSON.serialize(i.spec)));
  return ctx.cursors.reply(`${ctx.db}.${name}`, arraySource(docs), ctx.body.cursor?.batchSize);
}

export function dropIndexes(ctx: CommandContext): Document {
  const name = targetCollection(ctx);
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll) fail(ErrorCodes.NamespaceNotFound, `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = coll.indexes.length;
  const which = ctx.body.index;
  const names: string[] = [];
  if (which === '*') names.push(...coll.indexes.filter((i) => !i.isId).map((i) => i.spec.name));
  else if (typeof which === 'string') names.push(which);
  else if (Array.isArray(which)) names.push(...which.map(String));
  else if (isPlainObject(which)) {
    const idx = coll.indexes.find((i) => keyOf(i.spec.key) === keyOf(which));
    if (!idx) fail(ErrorCodes.IndexNotFound, `can't find index with key: ${JSON.stringify(which)}`);
    names.push(idx.spec.name);
  } else fail(ErrorCodes.TypeMismatch, "BSON field 'dropIndexes.index' is missing but a required field");
  for (const n of names) {
    if (n === '_id_') fail(ErrorCodes.InvalidOptions, 'cannot drop _id index');
    if (!coll.index(n)) fail(ErrorCodes.IndexNotFound, `index not found with name [${n}]`);
  }
  for (const n of names) ctx.engine.dropIndex(coll, n);
  return { nIndexesWas, ok: 1 };
}
