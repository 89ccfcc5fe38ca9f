// aggregate: mingo's Aggregator over the collection (a leading $match uses the indexes), with
// $lookup/$unionWith/$graphLookup resolving other collections of the same database, $out and
// $merge writing back, and `explain`.
import { BSON, Document } from 'bson';
import { Aggregator, Context } from 'mingo';
import { ErrorCodes, fail } from '../errors';
import { makeStoredDoc } from '../storage/engine';
import { collatedOptions, runCollated, windowStages } from '../storage/collated-ops';
import { MINGO_OPTIONS, mingoFilter, refuseGeo, refuseWhere } from '../storage/matcher';
import { plan } from '../storage/planner';
import { findDocs } from '../storage/query';
import { checkProjectionShape, projectedFieldOrder } from '../storage/projection';
import { collatedCompare, collatorFor, isCollated, isPlainObject, sortValue } from '../storage/values';
import { openChangeStream } from './changestream';
import { CommandContext, arraySource, withValidation } from './context';
import { IndexedLookup, indexedLookup, joinOne, lookupIndexName } from './lookup';
import { WriteScope, validateNamespace } from '../storage/engine';
import { deserializeDocument } from '../bson/dbref';
import { MAX_BSON_SIZE } from '../bson/limits';

// $sort in MongoDB's BSON order (ObjectId, Decimal128, Long and mixed types compared as MongoDB
// does), registered under its own name because mingo keeps its built-in $sort otherwise.
interface LazyLike {
  transform(f: (all: Document[]) => Iterator<Document>): unknown;
}

function bsonSortStage(coll: LazyLike, spec: Document, options?: { collation?: unknown }): unknown {
  const compare = collatedCompare(collatorFor(options?.collation));
  const keys = Object.entries(spec).map(([k, d]) => [k, Number(d) < 0 ? -1 : 1] as const);
  return coll.transform((all) => {
    const decorated = all.map((doc, i) => ({ doc, i, v: keys.map(([k, d]) => sortValue(doc, k, d)) }));
    decorated.sort((a, b) => {
      for (let j = 0; j < keys.length; j++) {
        const c = compare(a.v[j], b.v[j]);
        if (c !== 0) return keys[j][1] * c;
      }
      return a.i - b.i;
    });
    return decorated.map((x) => x.doc)[Symbol.iterator]();
  });
}

/**
 * $project with MongoDB's field order: `_id` first, included fields in the input document's order,
 * then computed fields in the projection's order (mingo sorts them by name, `_id` last).
 */
function orderedProjectStage(coll: LazyLike, spec: Document, options?: unknown): unknown {
  const order = projectedFieldOrder(spec, false);
  return coll.transform((all) => {
    const projected = new Aggregator([{ $project: spec }], MINGO_OPTIONS).run(
      all,
      options as never,
    ) as Document[];
    if (!order) return projected[Symbol.iterator]();
    return projected.map((out, i) => order(all[i], out))[Symbol.iterator]();
  });
}

/** $setWindowFields and $fill in BSON order, renamed as $sort is (see withBsonSort). */
const BINARY_WINDOW_STAGES = windowStages({ locale: 'simple' }) as Record<string, never>;

const SORT_CONTEXT = Context.init({
  pipeline: {
    $bsonSort: bsonSortStage as never,
    $orderedProject: orderedProjectStage as never,
    ...BINARY_WINDOW_STAGES,
  },
});

/** The pipeline's $lookup stages that can use the foreign collection's index, rewritten to $indexedLookup. */
function withIndexedLookups(
  ctx: CommandContext,
  pipeline: Document[],
): { stages: Document[]; lookups: IndexedLookup[] } {
  const lookups: IndexedLookup[] = [];
  const stages = pipeline.map((stage) => {
    const l = '$lookup' in stage ? indexedLookup(ctx, stage.$lookup) : null;
    if (!l) return stage;
    lookups.push(l);
    return { $indexedLookup: lookups.length - 1 };
  });
  return { stages, lookups };
}

/** Runs a pipeline's stages over documents, by the collation when there is one. */
type Runner = (stages: Document[], docs: Document[]) => Document[];

function runnerFor(
  ctx: CommandContext,
  stages: Document[],
  resolver: (c: string) => Document[],
  given?: Document,
): Runner {
  const { lookups } = withIndexedLookups(ctx, stages);
  const extras: Record<string, never> = {
    $bsonSort: bsonSortStage as never,
    $orderedProject: orderedProjectStage as never,
    ...BINARY_WINDOW_STAGES,
  };
  const collation = given ?? SIMPLE;
  const nested: Runner = (sub, docs) => run(withBsonSort(sub, true), docs);
  if (lookups.length > 0)
    extras.$indexedLookup = ((coll: LazyLike, which: number): unknown => {
      const l = lookups[which];
      return coll.transform((all) =>
        all.map((doc) => ({ ...doc, [l.as]: joinOne(ctx, l, doc, nested, collation) }))[Symbol.iterator](),
      );
    }) as never;
  const run: Runner = given
    ? (sub, docs) => runCollated(sub, docs, collatedOptions(given, { collectionResolver: resolver }, extras))
    : (sub, docs) =>
        new Aggregator(sub, {
          ...MINGO_OPTIONS,
          collectionResolver: resolver,
          context: lookups.length > 0 ? Context.init({ pipeline: extras }) : SORT_CONTEXT,
        }).run(docs) as Document[];
  return run;
}

/** The binary comparison MongoDB uses when neither the command nor the collection names a collation. */
const SIMPLE: Document = { locale: 'simple' };

/**
 * Whether a pipeline uses the $top or $bottom accumulator anywhere. mingo's own answer a
 * one-element array where MongoDB answers the value, so such a pipeline runs with the engine's
 * accumulators (those of a collation, here the simple one) even without a collation.
 */
function usesTopOrBottom(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(usesTopOrBottom);
  if (!isPlainObject(value)) return false;
  return Object.entries(value).some(([k, v]) => k === '$top' || k === '$bottom' || usesTopOrBottom(v));
}

/**
 * Rewrites $sort stages (also inside $facet, $lookup and $unionWith pipelines) to $bsonSort,
 * $setWindowFields and $fill to the engine's ($bsonSetWindowFields, $bsonFill), $project stages
 * to $orderedProject (not inside $lookup, whose `let` variables it would not see), and gives $match
 * stages the filter rewrites a find's filter gets (`mingoFilter`: `$all`, arrays in `$in`), which
 * mingo's own $match would not.
 */
function withBsonSort(pipeline: Document[], withVariables = false): Document[] {
  return pipeline.map((stage) => {
    const [op] = Object.keys(stage);
    const arg = stage[op];
    if (op === '$sort' && isPlainObject(arg) && Object.values(arg).every((d) => d === 1 || d === -1))
      return { $bsonSort: arg };
    if (op === '$project' && isPlainObject(arg)) checkProjectionShape(arg, false);
    if (op === '$project' && isPlainObject(arg) && !withVariables) return { $orderedProject: arg };
    if (op === '$setWindowFields') return { $bsonSetWindowFields: arg };
    if (op === '$fill') return { $bsonFill: arg };
    if (op === '$match' && isPlainObject(arg)) return { $match: mingoFilter(arg) };
    if (op === '$facet' && isPlainObject(arg))
      return {
        $facet: Object.fromEntries(
          Object.entries(arg).map(([k, p]) => [
            k,
            Array.isArray(p) ? withBsonSort(p as Document[], withVariables) : p,
          ]),
        ),
      };
    if ((op === '$lookup' || op === '$unionWith') && isPlainObject(arg) && Array.isArray(arg.pipeline))
      return { [op]: { ...arg, pipeline: withBsonSort(arg.pipeline as Document[], true) } };
    return stage;
  });
}

/** Stages that never modify the documents they receive (so stored objects can be fed directly). */
const READ_ONLY_STAGES = new Set([
  '$match',
  '$sort',
  '$bsonSort',
  '$skip',
  '$limit',
  '$count',
  '$group',
  '$sortByCount',
  '$project',
  '$orderedProject',
  '$bucket',
  '$bucketAuto',
  '$sample',
]);

/** Every stage name MongoDB 7 knows; any other answers 40324, as MongoDB does. */
const KNOWN_STAGES = new Set([
  '$addFields',
  '$bucket',
  '$bucketAuto',
  '$changeStream',
  '$changeStreamSplitLargeEvent',
  '$collStats',
  '$count',
  '$currentOp',
  '$densify',
  '$documents',
  '$facet',
  '$fill',
  '$geoNear',
  '$graphLookup',
  '$group',
  '$indexStats',
  '$limit',
  '$listLocalSessions',
  '$listSampledQueries',
  '$listSearchIndexes',
  '$listSessions',
  '$lookup',
  '$match',
  '$merge',
  '$out',
  '$planCacheStats',
  '$project',
  '$redact',
  '$replaceRoot',
  '$replaceWith',
  '$sample',
  '$search',
  '$searchMeta',
  '$set',
  '$setWindowFields',
  '$shardedDataDistribution',
  '$skip',
  '$sort',
  '$sortByCount',
  '$unionWith',
  '$unset',
  '$unwind',
  '$vectorSearch',
]);

/**
 * Stages MongoDB knows that the engine cannot run (geospatial, Atlas Search, server diagnostics):
 * CommandNotSupported (115), never another stage's answer.
 */
const UNSUPPORTED_STAGES = new Set([
  '$changeStreamSplitLargeEvent',
  '$currentOp',
  '$geoNear',
  '$listLocalSessions',
  '$listSampledQueries',
  '$listSearchIndexes',
  '$listSessions',
  '$planCacheStats',
  '$search',
  '$searchMeta',
  '$shardedDataDistribution',
  '$vectorSearch',
]);

/** The key pattern of the index an aggregate's `hint` names (by name or key); BadValue when there is none. */
function hintedKey(
  ctx: CommandContext,
  coll: { indexes: { spec: Document }[] } | undefined,
): Document | undefined {
  const hint: unknown = ctx.body.hint;
  if (hint === undefined) return undefined;
  const wanted = typeof hint === 'string' ? hint : isPlainObject(hint) ? JSON.stringify(hint) : undefined;
  if (wanted === undefined) fail(ErrorCodes.FailedToParse, 'hint must be a string or an object');
  if (typeof hint === 'object' && '$natural' in (hint as Document)) return undefined;
  const index = coll?.indexes.find((i) =>
    typeof hint === 'string' ? i.spec.name === wanted : JSON.stringify(i.spec.key) === wanted,
  );
  if (!index) fail(ErrorCodes.BadValue, 'hint provided does not correspond to an existing index');
  const key = index.spec.key as Document;
  // An index scan hands documents out in key order; text, hashed or geo keys give no such order.
  return Object.values(key).every((d) => d === 1 || d === -1) ? key : undefined;
}

export function aggregate(ctx: CommandContext): Buffer | Document {
  const target = ctx.body.aggregate;
  const pipeline = ctx.body.pipeline as unknown;
  if (!Array.isArray(pipeline))
    fail(ErrorCodes.TypeMismatch, "'pipeline' option must be specified as an array");
  for (const stage of pipeline) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1)
      fail(40323, 'A pipeline stage specification object must contain exactly one field.');
    const [stageName] = Object.keys(stage);
    if (!KNOWN_STAGES.has(stageName)) fail(40324, `Unrecognized pipeline stage name: '${stageName}'`);
    if (UNSUPPORTED_STAGES.has(stageName))
      fail(ErrorCodes.CommandNotSupported, `${stageName} is not supported by the embedded engine`);
    if (stageName === '$match' && isPlainObject(stage.$match)) {
      refuseGeo(stage.$match);
      refuseWhere(stage.$match, true);
    }
  }
  if (ctx.body.cursor === undefined && !ctx.body.explain)
    fail(
      ErrorCodes.FailedToParse,
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  const stages = pipeline as Document[];
  if (stages[0] && '$changeStream' in stages[0]) return openChangeStream(ctx, stages);
  for (const stage of stages.slice(1))
    if ('$changeStream' in stage)
      fail(40602, '$changeStream is only valid as the first stage in a pipeline.');
  let name: string | undefined;
  if (typeof target === 'string') {
    validateNamespace(ctx.db, target);
    name = target;
  } else if (target !== 1)
    fail(ErrorCodes.FailedToParse, "Invalid aggregate namespace: 'aggregate' must be a collection name or 1");

  let rest = stages;
  let out: { kind: '$out' | '$merge'; spec: unknown } | undefined;
  const last = rest[rest.length - 1];
  if (last && ('$out' in last || '$merge' in last)) {
    out = '$out' in last ? { kind: '$out', spec: last.$out } : { kind: '$merge', spec: last.$merge };
    rest = rest.slice(0, -1);
    // Their writes would bypass the transaction (applied at once, kept on abort).
    if (ctx.txn)
      fail(ErrorCodes.OperationNotSupportedInTransaction, `${out.kind} cannot be used in a transaction`);
  }
  const readOnly = rest.every((s) => READ_ONLY_STAGES.has(Object.keys(s)[0]));

  // Input: a leading $match (and $sort) runs through the query planner.
  let inputs: Document[] = [];
  const first = rest[0] ? Object.keys(rest[0])[0] : undefined;
  if (name !== undefined && (first === '$collStats' || first === '$indexStats')) {
    // Statistics stages (Compass uses them) replace the collection's documents as the input.
    inputs = statsStage(ctx, name, first, rest[0][first] as Document);
    rest = rest.slice(1);
  } else if (name !== undefined) {
    const view = ctx.scope.view(ctx.db, name);
    let filter: Document | undefined;
    if (rest[0] && '$match' in rest[0] && !JSON.stringify(Object.keys(rest[0].$match)).includes('$expr')) {
      filter = rest[0].$match as Document;
      rest = rest.slice(1);
    }
    if (ctx.body.explain) {
      const p = plan(view.coll, filter);
      const reply = explainReply(ctx, name, p.stage, p.index?.spec.name);
      const { lookups } = withIndexedLookups(ctx, rest);
      if (lookups.length > 0) {
        let k = 0;
        reply.stages = [
          { $cursor: { queryPlanner: reply.queryPlanner } },
          ...rest.map((s) => {
            const l = '$lookup' in s ? indexedLookup(ctx, s.$lookup) : null;
            return l ? { ...s, indexesUsed: [lookupIndexName(ctx, lookups[k++])] } : s;
          }),
        ];
      }
      return reply;
    }
    const { docs } = findDocs(view, {
      filter,
      sort: hintedKey(ctx, view.coll),
      collation: isPlainObject(ctx.body.collation) ? ctx.body.collation : undefined,
    });
    inputs = readOnly ? docs.map((d) => d.obj) : docs.map((d) => deserializeDocument(d.raw));
  }
  ctx.engine.stats.queries++;
  const resolver = (coll: string): Document[] => {
    const { docs } = findDocs(ctx.scope.view(ctx.db, coll), {});
    return docs.map((d) => deserializeDocument(d.raw));
  };
  // The command's collation, else the collection's default, applies to every stage (and $lookup).
  const given = isPlainObject(ctx.body.collation)
    ? ctx.body.collation
    : name !== undefined
      ? (ctx.engine.collection(ctx.db, name)?.options.collation as Document | undefined)
      : undefined;
  const collated = isCollated(given);
  const run = runnerFor(ctx, rest, resolver, collated ? given : usesTopOrBottom(rest) ? SIMPLE : undefined);
  const results = run(withBsonSort(withIndexedLookups(ctx, rest).stages), inputs);
  if (out) {
    writeOut(ctx, out, results as Document[]);
    return ctx.cursors.reply(`${ctx.db}.${name ?? '$cmd.aggregate'}`, arraySource([]), 0, true);
  }
  const raws = (results as Document[]).map((r) => {
    const b = Buffer.from(BSON.serialize(r));
    if (b.length > MAX_BSON_SIZE)
      fail(
        ErrorCodes.BSONObjectTooLarge,
        `BSONObj size: ${b.length} is invalid. Size must be between 0 and 16793600(16MB)`,
      );
    return b;
  });
  return ctx.cursors.reply(
    `${ctx.db}.${name ?? '$cmd.aggregate'}`,
    arraySource(raws),
    ctx.body.cursor?.batchSize,
  );
}

function writeOut(
  ctx: CommandContext,
  out: { kind: '$out' | '$merge'; spec: unknown },
  results: Document[],
): void {
  const spec = out.spec as string | Document;
  const targetDb =
    typeof spec === 'string'
      ? ctx.db
      : String(
          (spec.db as string) ??
            (typeof spec.into === 'object' ? (spec.into as Document).db : undefined) ??
            ctx.db,
        );
  const targetColl =
    typeof spec === 'string'
      ? spec
      : String(typeof spec.into === 'object' ? (spec.into as Document).coll : (spec.into ?? spec.coll));
  validateNamespace(targetDb, targetColl);
  const { scope } = withValidation(ctx);
  if (out.kind === '$out') {
    // The target keeps its options (a validator included, which every document must pass before
    // the old contents are replaced) and its indexes, as MongoDB's $out does.
    const existing = ctx.engine.collection(targetDb, targetColl);
    const docs = results.map((r) => makeStoredDoc(Buffer.from(BSON.serialize(r))));
    if (existing) {
      const probe: WriteScope = { ...ctx.engine.base, insert: () => undefined };
      const checked = withValidation({ ...ctx, scope: probe }).scope;
      for (const d of docs) checked.insert(targetDb, targetColl, d);
    }
    const indexes = existing ? existing.indexes.filter((i) => !i.isId).map((i) => i.spec) : [];
    ctx.engine.dropCollection(targetDb, targetColl);
    const coll = ctx.engine.ensureCollection(targetDb, targetColl, existing?.options);
    for (const s of indexes) ctx.engine.createIndex(coll, s);
    for (const d of docs) ctx.engine.base.insert(targetDb, targetColl, d);
    return;
  }
  // $merge on _id: replace matching documents, insert the others.
  const view = scope.view(targetDb, targetColl);
  for (const r of results) {
    const doc = makeStoredDoc(Buffer.from(BSON.serialize(r)));
    const old = view.coll?.docs.get(doc.id);
    if (old) scope.replace(targetDb, targetColl, old, doc, 'replace');
    else scope.insert(targetDb, targetColl, doc);
  }
}

function statsStage(ctx: CommandContext, name: string, stage: string, spec: Document): Document[] {
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll) fail(ErrorCodes.NamespaceNotFound, `ns does not exist: ${ctx.db}.${name}`);
  const host = `${ctx.server.host}:${ctx.server.port}`;
  if (stage === '$indexStats')
    return coll.indexes.map((i) => ({
      name: i.spec.name,
      key: i.spec.key,
      host,
      accesses: { ops: 0, since: ctx.engine.startedAt },
      spec: i.spec,
    }));
  const size = coll.dataSize();
  const out: Document = { ns: coll.ns, host, localTime: new Date() };
  if (isPlainObject(spec.storageStats) || spec.storageStats !== undefined) {
    const indexSizes: Document = {};
    for (const i of coll.indexes) indexSizes[i.spec.name] = 0;
    out.storageStats = {
      size,
      count: coll.docs.size,
      avgObjSize: coll.docs.size ? Math.floor(size / coll.docs.size) : 0,
      storageSize: size,
      freeStorageSize: 0,
      capped: false,
      nindexes: coll.indexes.length,
      indexBuilds: [],
      totalIndexSize: 0,
      totalSize: size,
      indexSizes,
      scaleFactor: 1,
    };
  }
  if (spec.count !== undefined) out.count = coll.docs.size;
  return [out];
}

export function explainReply(ctx: CommandContext, name: string, stage: string, indexName?: string): Document {
  const winningPlan =
    stage === 'COLLSCAN'
      ? { stage: 'COLLSCAN', direction: 'forward' }
      : {
          stage: 'FETCH',
          inputStage: {
            stage,
            indexName,
            keyPattern: indexName
              ? ctx.engine.collection(ctx.db, name)?.index(indexName)?.spec.key
              : undefined,
          },
        };
  return {
    explainVersion: '1',
    queryPlanner: { namespace: `${ctx.db}.${name}`, winningPlan, rejectedPlans: [] },
    serverInfo: { host: ctx.server.host, port: ctx.server.port, version: '7.0.0' },
    ok: 1,
  };
}
