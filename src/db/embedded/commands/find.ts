// Reads: find (filter, sort, projection, skip, limit, batchSize, singleBatch), getMore,
// killCursors, count and distinct.
import { BSON, Document, Long } from 'bson';
import { ErrorCodes, fail } from '../errors';
import { checkProjectionShape, projectDocs } from '../storage/projection';
import { findDocs } from '../storage/query';
import { valuesAtPath, keyOf } from '../storage/values';
import { ChangeStreamCursor, changeStreamGetMore } from './changestream';
import { distinctValues, valueComparator } from '../storage/collation';
import { CommandContext, arraySource, targetCollection } from './context';

function num(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) fail(ErrorCodes.TypeMismatch, `Field '${field}' should be a number`);
  return n;
}

function checkObject(v: unknown, field: string): Document | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v))
    fail(
      ErrorCodes.TypeMismatch,
      `BSON field 'FindCommandRequest.${field}' is the wrong type '${Array.isArray(v) ? 'array' : typeof v}', expected type 'object'`,
    );
  return v as Document;
}

export function find(ctx: CommandContext): Buffer {
  const name = targetCollection(ctx);
  const b = ctx.body;
  const filter = checkObject(b.filter, 'filter');
  const sort = checkObject(b.sort, 'sort');
  const projection = checkObject(b.projection, 'projection');
  const skip = num(b.skip, 'skip');
  const limit = num(b.limit, 'limit');
  const batchSize = num(b.batchSize, 'batchSize');
  if (skip !== undefined && skip < 0) fail(ErrorCodes.BadValue, 'skip value must be non-negative');
  if (limit !== undefined && limit < 0) fail(ErrorCodes.BadValue, 'limit value must be non-negative');
  checkProjectionShape(projection, true);
  ctx.engine.stats.queries++;
  const { docs, scores } = findDocs(ctx.scope.view(ctx.db, name), {
    filter,
    sort,
    skip,
    limit: limit || undefined,
    collation: checkObject(b.collation, 'collation'),
  });
  // Project lazily, batch by batch.
  let pos = 0;
  const PAGE = 256;
  let page: Buffer[] = [];
  let pagePos = 0;
  const next = (): Buffer | undefined => {
    if (pagePos >= page.length) {
      if (pos >= docs.length) return undefined;
      page = projectDocs(docs.slice(pos, pos + PAGE), projection, filter, scores);
      pos += PAGE;
      pagePos = 0;
    }
    return page[pagePos++];
  };
  return ctx.cursors.reply(
    `${ctx.db}.${name}`,
    arraySource(next),
    batchSize,
    b.singleBatch === true || (limit !== undefined && limit > 0 && limit <= (batchSize ?? 101)),
  );
}

export function getMore(ctx: CommandContext): Buffer | Promise<Buffer> {
  const id = ctx.body.getMore;
  const cursorId = typeof id === 'number' ? Long.fromNumber(id) : (id as Long);
  if (!cursorId || (cursorId as { _bsontype?: string })._bsontype !== 'Long')
    fail(ErrorCodes.TypeMismatch, "Field 'getMore' must be of type long");
  const coll = ctx.body.collection;
  if (typeof coll !== 'string') fail(ErrorCodes.TypeMismatch, "Field 'collection' must be of type string");
  const stream = ctx.cursors.stream(cursorId);
  if (stream) return changeStreamGetMore(ctx, stream as ChangeStreamCursor, `${ctx.db}.${coll}`);
  return ctx.cursors.getMore(cursorId, `${ctx.db}.${coll}`, num(ctx.body.batchSize, 'batchSize'));
}

export function killCursors(ctx: CommandContext): Document {
  targetCollection(ctx);
  const killed: Long[] = [];
  const notFound: Long[] = [];
  for (const c of (ctx.body.cursors as unknown[]) ?? []) {
    const id = typeof c === 'number' ? Long.fromNumber(c) : (c as Long);
    (ctx.cursors.kill(id) ? killed : notFound).push(id);
  }
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

export function count(ctx: CommandContext): Document {
  const name = targetCollection(ctx);
  const view = ctx.scope.view(ctx.db, name);
  const query = checkObject(ctx.body.query, 'query');
  const skip = num(ctx.body.skip, 'skip') ?? 0;
  const limit = Math.abs(num(ctx.body.limit, 'limit') ?? 0);
  let n: number;
  if (!query || Object.keys(query).length === 0) {
    n = view.overlay?.size || view.snapshot ? findDocs(view, {}).docs.length : (view.coll?.docs.size ?? 0);
    n = Math.max(0, n - skip);
    if (limit) n = Math.min(n, limit);
  } else {
    n = findDocs(view, {
      filter: query,
      skip,
      limit: limit || undefined,
      collation: checkObject(ctx.body.collation, 'collation'),
    }).docs.length;
  }
  return { n, ok: 1 };
}

export function distinct(ctx: CommandContext): Document {
  const name = targetCollection(ctx);
  const key = ctx.body.key;
  if (typeof key !== 'string')
    fail(ErrorCodes.TypeMismatch, "BSON field 'distinct.key' is missing but a required field");
  const view = ctx.scope.view(ctx.db, name);
  const collation =
    checkObject(ctx.body.collation, 'collation') ?? (view.coll?.options.collation as Document | undefined);
  const { docs } = findDocs(view, { filter: checkObject(ctx.body.query, 'query'), collation });
  const seen = new Map<string, unknown>();
  for (const d of docs)
    for (const v of valuesAtPath(d.obj, key)) {
      if (v === undefined) continue;
      const k = keyOf(v);
      if (!seen.has(k)) seen.set(k, v);
    }
  // Under a collation, values it holds equal are one value (the first seen), as in MongoDB.
  const values = distinctValues([...seen.values()], valueComparator(collation));
  // distinct's result must fit in one document.
  if (BSON.calculateObjectSize({ values }) > 16 * 1024 * 1024) fail(17217, 'distinct too big, 16mb cap');
  return { values, ok: 1 };
}
