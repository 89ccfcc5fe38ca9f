// Databases and collections: listDatabases, dropDatabase, listCollections, create, drop,
// renameCollection, dbStats and collStats.
import { BSON, Binary, Document } from 'bson';
import { ErrorCodes, fail } from '../errors';
import { matcher } from '../storage/matcher';
import { isPlainObject, keyOf } from '../storage/values';
import { splitNs, validateNamespace } from '../storage/engine';
import { Collection } from '../storage/collection';
import { checkValidationOptions } from '../storage/validation';
import { CommandContext, arraySource, targetCollection } from './context';

export function listDatabases(ctx: CommandContext): Document {
  const test = matcher(ctx.body.filter);
  const databases: Document[] = [];
  let totalSize = 0;
  for (const [name, colls] of ctx.engine.dbs) {
    let size = 0;
    for (const c of colls.values()) size += c.dataSize();
    const entry = { name, sizeOnDisk: size, empty: size === 0 };
    if (!test(entry)) continue;
    totalSize += size;
    databases.push(ctx.body.nameOnly ? { name } : entry);
  }
  return ctx.body.nameOnly
    ? { databases, ok: 1 }
    : { databases, totalSize, totalSizeMb: Math.round(totalSize / 1048576), ok: 1 };
}

export function dropDatabase(ctx: CommandContext): Document {
  validateNamespace(ctx.db);
  ctx.engine.dropDatabase(ctx.db);
  return { ok: 1 };
}

function collectionInfo(c: Collection): Document {
  return {
    name: c.name,
    type: 'collection',
    options: c.options,
    info: { readOnly: false, uuid: new Binary(c.uuid, Binary.SUBTYPE_UUID) },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  };
}

export function listCollections(ctx: CommandContext): Buffer {
  validateNamespace(ctx.db);
  const test = matcher(ctx.body.filter);
  const out: Buffer[] = [];
  for (const c of ctx.engine.dbs.get(ctx.db)?.values() ?? []) {
    const info = collectionInfo(c);
    if (!test(info)) continue;
    out.push(Buffer.from(BSON.serialize(ctx.body.nameOnly ? { name: info.name, type: info.type } : info)));
  }
  return ctx.cursors.reply(`${ctx.db}.$cmd.listCollections`, arraySource(out), ctx.body.cursor?.batchSize);
}

const CREATE_OPTIONS = [
  'capped',
  'size',
  'max',
  'validator',
  'validationLevel',
  'validationAction',
  'collation',
  'expireAfterSeconds',
  'clusteredIndex',
  'changeStreamPreAndPostImages',
  'storageEngine',
  'indexOptionDefaults',
  'viewOn',
  'pipeline',
  'comment',
];

export function create(ctx: CommandContext): Document {
  const name = targetCollection(ctx);
  const options: Document = {};
  for (const k of CREATE_OPTIONS) if (ctx.body[k] !== undefined && k !== 'comment') options[k] = ctx.body[k];
  checkValidationOptions('create', options);
  const existing = ctx.engine.collection(ctx.db, name);
  if (existing) {
    // Since MongoDB 7.0 creating a collection that exists with the very same options is a no-op,
    // so a `createCollection()` at every start of an app succeeds; other options are a conflict.
    // In a transaction the conflict is always reported: it aborts the transaction.
    if (ctx.txn) fail(ErrorCodes.NamespaceExists, `Collection ${ctx.db}.${name} already exists.`);
    if (Buffer.compare(BSON.serialize(existing.options), BSON.serialize(options)) === 0) return { ok: 1 };
    const shown = BSON.EJSON.stringify(existing.options, { relaxed: true });
    fail(
      ErrorCodes.NamespaceExists,
      `namespace ${ctx.db}.${name} already exists, but with different options: ${shown}`,
    );
  }
  if (ctx.body.capped === true && ctx.body.size === undefined)
    fail(ErrorCodes.InvalidOptions, "the 'size' field is required when 'capped' is true");
  // Never a collection that silently ignores its cap.
  if (ctx.body.capped === true)
    fail(ErrorCodes.CommandNotSupported, 'capped collections are not supported by the embedded engine');
  // Nor a time-series collection that is a plain one underneath: MongoDB lists it as type
  // 'timeseries', buckets its documents and expires them by their time field.
  if (ctx.body.timeseries !== undefined)
    fail(ErrorCodes.CommandNotSupported, 'time-series collections are not supported by the embedded engine');
  if (options.pipeline !== undefined && options.viewOn === undefined)
    fail(ErrorCodes.InvalidOptions, "'pipeline' requires 'viewOn' to also be specified");
  // A view stored as an empty collection would answer its reads with nothing and take writes.
  if (options.viewOn !== undefined)
    fail(ErrorCodes.CommandNotSupported, 'views are not supported by the embedded engine');
  // A collection-level TTL exists only for a clustered collection (engine.sweepTtl expires its
  // documents by _id); MongoDB refuses it anywhere else rather than store it unused.
  if (options.expireAfterSeconds !== undefined && options.clusteredIndex === undefined)
    fail(
      ErrorCodes.InvalidOptions,
      "'expireAfterSeconds' is only supported on time-series collections or when the 'clusteredIndex' option is specified",
    );
  ctx.engine.ensureCollection(ctx.db, name, options);
  ctx.txn?.created.add(`${ctx.db}.${name}`);
  return { ok: 1 };
}

export function drop(ctx: CommandContext): Document {
  const name = targetCollection(ctx);
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll) return { ok: 1 };
  const nIndexesWas = coll.indexes.length;
  ctx.engine.dropCollection(ctx.db, name);
  return { nIndexesWas, ns: coll.ns, ok: 1 };
}

export function renameCollection(ctx: CommandContext): Document {
  const from = String(ctx.body.renameCollection);
  const to = String(ctx.body.to);
  const [fdb, fname] = splitNs(from);
  const [tdb, tname] = splitNs(to);
  validateNamespace(tdb, tname);
  const src = ctx.engine.collection(fdb, fname);
  if (!src) fail(ErrorCodes.NamespaceNotFound, 'Source collection ' + from + ' does not exist');
  if (ctx.engine.collection(tdb, tname)) {
    if (!ctx.body.dropTarget) fail(ErrorCodes.NamespaceExists, 'target namespace exists');
    ctx.engine.dropCollection(tdb, tname);
  }
  const dst = ctx.engine.ensureCollection(tdb, tname, src.options);
  for (const idx of src.indexes) if (!idx.isId) ctx.engine.createIndex(dst, { ...idx.spec });
  for (const d of src.docs.values()) ctx.engine.base.insert(tdb, tname, d.withVersion(d.ver));
  ctx.engine.dropCollection(fdb, fname);
  return { ok: 1 };
}

export function dbStats(ctx: CommandContext): Document {
  const scale = Number(ctx.body.scale) > 0 ? Number(ctx.body.scale) : 1;
  let objects = 0;
  let dataSize = 0;
  let indexes = 0;
  const colls = ctx.engine.dbs.get(ctx.db);
  for (const c of colls?.values() ?? []) {
    objects += c.docs.size;
    dataSize += c.dataSize();
    indexes += c.indexes.length;
  }
  return {
    db: ctx.db,
    collections: colls?.size ?? 0,
    views: 0,
    objects,
    avgObjSize: objects ? dataSize / objects : 0,
    dataSize: dataSize / scale,
    storageSize: dataSize / scale,
    indexes,
    indexSize: 0,
    totalSize: dataSize / scale,
    scaleFactor: scale,
    fsUsedSize: 0,
    fsTotalSize: 0,
    ok: 1,
  };
}

export function collStats(ctx: CommandContext): Document {
  const name = targetCollection(ctx);
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll) fail(ErrorCodes.NamespaceNotFound, `Collection [${ctx.db}.${name}] not found.`);
  const scale = Number(ctx.body.scale) > 0 ? Number(ctx.body.scale) : 1;
  const size = coll.dataSize();
  const indexSizes: Document = {};
  for (const i of coll.indexes) indexSizes[i.spec.name] = 0;
  return {
    ns: coll.ns,
    size: size / scale,
    count: coll.docs.size,
    avgObjSize: coll.docs.size ? Math.floor(size / coll.docs.size) : 0,
    storageSize: size / scale,
    nindexes: coll.indexes.length,
    totalIndexSize: 0,
    totalSize: size / scale,
    indexSizes,
    scaleFactor: scale,
    capped: false,
    ok: 1,
  };
}

const COLLMOD_OPTIONS = ['validator', 'validationLevel', 'validationAction'];

/**
 * collMod: an index's TTL (expireAfterSeconds) or hidden flag, found by name or key pattern, and
 * the validator settings (checked as at create; writes enforce them from then on,
 * storage/validation.ts). Other options answer InvalidOptions.
 */
export function collMod(ctx: CommandContext): Document {
  const name = targetCollection(ctx);
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll) fail(ErrorCodes.NamespaceNotFound, `ns does not exist: ${ctx.db}.${name}`);
  const reply: Document = {};
  for (const key of Object.keys(ctx.body)) {
    if (key === 'collMod' || key === 'index' || key.startsWith('$') || key === 'lsid' || key === 'comment')
      continue;
    if (key === 'writeConcern' || key === 'txnNumber' || key === 'autocommit') continue;
    if (!COLLMOD_OPTIONS.includes(key))
      fail(ErrorCodes.InvalidOptions, `collMod option '${key}' is not supported by the embedded engine`);
  }
  const index = ctx.body.index as unknown;
  if (index !== undefined) {
    if (!isPlainObject(index)) fail(ErrorCodes.TypeMismatch, "BSON field 'collMod.index' is the wrong type");
    const found =
      typeof index.name === 'string'
        ? coll.index(index.name)
        : coll.indexes.find((i) => keyOf(i.spec.key) === keyOf(index.keyPattern));
    if (!found)
      fail(
        ErrorCodes.IndexNotFound,
        `cannot find index ${JSON.stringify(index.name ?? index.keyPattern)} for ns ${coll.ns}`,
      );
    const changes: Document = {};
    if (index.expireAfterSeconds !== undefined) {
      if (found.spec.expireAfterSeconds === undefined)
        fail(ErrorCodes.InvalidOptions, 'no expireAfterSeconds field to update');
      reply.expireAfterSeconds_old = found.spec.expireAfterSeconds;
      reply.expireAfterSeconds_new = changes.expireAfterSeconds = Number(index.expireAfterSeconds);
    }
    if (index.hidden !== undefined) {
      if (found.isId) fail(ErrorCodes.BadValue, "can't hide _id index");
      const was = found.spec.hidden === true;
      if (was !== (index.hidden === true)) {
        reply.hidden_old = was;
        reply.hidden_new = index.hidden === true;
      }
      changes.hidden = index.hidden === true ? true : undefined;
    }
    ctx.engine.setIndexOptions(coll, found.spec.name, changes);
  }
  checkValidationOptions('collMod', ctx.body, coll.options.collation);
  const options = { ...coll.options };
  let changed = false;
  for (const k of COLLMOD_OPTIONS)
    if (ctx.body[k] !== undefined) {
      options[k] = ctx.body[k];
      changed = true;
    }
  if (changed) ctx.engine.setCollectionOptions(coll, options);
  return { ...reply, ok: 1 };
}
