// Change streams: `aggregate` with a leading `$changeStream` stage opens a stream over one collection,
// one database (`aggregate: 1`) or the whole deployment (`allChangesForCluster` on admin). getMore
// answers the events committed since the stream's position, waiting up to `maxAwaitTimeMS` when there
// are none, with the resume token of the batch's end (`postBatchResumeToken`). Resuming (resumeAfter,
// startAfter, startAtOperationTime) works within the engine's change log window; a token that fell
// out of it, or comes from before a restart, is ChangeStreamHistoryLost (286).
import { BSON, Document, Long, Timestamp } from 'bson';
import { Aggregator } from 'mingo';
import { ErrorCodes, MongoServerError, fail } from '../errors';
import { Change, bytesOf, describeUpdate, idOf } from '../storage/changes';
import type { Engine } from '../storage/engine';
import { MINGO_OPTIONS } from '../storage/matcher';
import { findDocs } from '../storage/query';
import { isPlainObject } from '../storage/values';
import { RawDocWriter } from '../bson/raw';
import type { CommandContext } from './context';

const HISTORY_LOST = 286;
const FATAL = 280;
const DEFAULT_AWAIT_MS = 1000;
/** Stages MongoDB allows after $changeStream. */
const ALLOWED_STAGES = new Set([
  '$match',
  '$project',
  '$addFields',
  '$set',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
  '$redact',
]);

type Scope =
  { kind: 'collection'; db: string; coll: string } | { kind: 'database'; db: string } | { kind: 'cluster' };

export class ChangeStreamCursor {
  readonly id: Long;
  lastUsed = Date.now();
  private closed = false;

  constructor(
    private readonly engine: Engine,
    readonly ns: string,
    private readonly scope: Scope,
    /** The stream has seen everything up to this sequence number. */
    private position: number,
    private readonly fullDocument: 'default' | 'updateLookup',
    private readonly pipeline: Document[],
  ) {
    this.id = Long.fromBits(
      (Math.random() * 2 ** 32) | 0,
      2 ** 21 + Math.floor(Math.random() * (2 ** 31 - 2 ** 21)),
    );
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private inScope(c: Change): boolean {
    const s = this.scope;
    if (s.kind === 'cluster') return c.db !== 'admin' && c.db !== 'config' && c.db !== 'local';
    if (c.db !== s.db) return false;
    return s.kind === 'database' || c.op === 'dropDatabase' || c.coll === s.coll;
  }

  /** Whether this event ends the stream (its collection or database dropped). */
  private invalidates(c: Change): boolean {
    if (this.scope.kind === 'collection') return c.op === 'drop' || c.op === 'dropDatabase';
    return this.scope.kind === 'database' && c.op === 'dropDatabase';
  }

  private eventOf(c: Change): Document {
    const changes = this.engine.changes;
    const event: Document = {
      _id: changes.token(c.seq),
      operationType: c.op,
      clusterTime: c.clusterTime,
      wallTime: c.wallTime,
    };
    if (c.op === 'dropDatabase') event.ns = { db: c.db };
    else event.ns = { db: c.db, coll: c.coll };
    const stored = c.after ?? c.before;
    if (stored) event.documentKey = { _id: idOf(bytesOf(stored)) };
    if (c.op === 'insert' || c.op === 'replace') event.fullDocument = BSON.deserialize(bytesOf(c.after!));
    if (c.op === 'update') {
      event.updateDescription = describeUpdate(bytesOf(c.before!), bytesOf(c.after!));
      if (this.fullDocument === 'updateLookup') event.fullDocument = this.lookup(c);
    }
    if (c.lsid) event.lsid = c.lsid;
    if (c.txnNumber) event.txnNumber = c.txnNumber;
    return event;
  }

  /** The document as it is now (MongoDB's updateLookup), or null when it is gone. */
  private lookup(c: Change): Document | null {
    const coll = this.engine.collection(c.db, c.coll!);
    if (!coll) return null;
    const { docs } = findDocs({ coll }, { filter: { _id: idOf(bytesOf(c.after!)) }, limit: 1 });
    return docs[0] ? BSON.deserialize(docs[0].raw) : null;
  }

  private transform(event: Document): Buffer | undefined {
    let out = event;
    if (this.pipeline.length) {
      const [result] = new Aggregator(this.pipeline, MINGO_OPTIONS).run([event]) as Document[];
      if (!result) return undefined;
      out = result;
    }
    if (!out._id || !Buffer.from(BSON.serialize({ t: out._id })).equals(BSON.serialize({ t: event._id })))
      throw new MongoServerError(
        FATAL,
        'Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. Modifying the _id field of an event makes it impossible to resume the stream from that point. Only transformations that retain the unmodified _id field are allowed.',
      );
    return Buffer.from(BSON.serialize(out));
  }

  /** The events after the stream's position, up to `limit`; ends the stream after an invalidate. */
  collect(limit: number): Buffer[] {
    const changes = this.engine.changes;
    if (this.position < changes.oldestResumable) this.historyLost();
    const out: Buffer[] = [];
    for (const c of changes.after(this.position)) {
      if (out.length >= limit) break;
      this.position = c.seq;
      if (!this.inScope(c)) continue;
      const isDatabaseDropOfCollectionStream = c.op === 'dropDatabase' && this.scope.kind === 'collection';
      if (!isDatabaseDropOfCollectionStream) {
        const doc = this.transform(this.eventOf(c));
        if (doc) out.push(doc);
      }
      if (this.invalidates(c)) {
        const invalidate = {
          _id: changes.token(c.seq, true),
          operationType: 'invalidate',
          clusterTime: c.clusterTime,
          wallTime: c.wallTime,
        };
        out.push(Buffer.from(BSON.serialize(invalidate)));
        this.closed = true;
        break;
      }
    }
    return out;
  }

  private historyLost(): never {
    throw new MongoServerError(
      HISTORY_LOST,
      'Resume of change stream was not possible, as the resume point may no longer be in the oplog.',
    );
  }

  /** The token a client resumes from to continue after everything this stream has seen. */
  get resumeToken(): Document {
    return this.engine.changes.token(this.position);
  }

  reply(batchName: 'firstBatch' | 'nextBatch', docs: Buffer[]): Buffer {
    const cursor = new RawDocWriter()
      .array(batchName, docs)
      .doc('postBatchResumeToken', Buffer.from(BSON.serialize(this.resumeToken)))
      .long('id', this.closed ? Long.ZERO : this.id)
      .string('ns', this.ns)
      .finish();
    return new RawDocWriter().doc('cursor', cursor).double('ok', 1).finish();
  }

  /** getMore: the next events, waiting up to `awaitMs` for the first one. */
  async next(batchSize: number, awaitMs: number): Promise<Buffer> {
    this.lastUsed = Date.now();
    let docs = this.collect(batchSize);
    const deadline = Date.now() + awaitMs;
    while (docs.length === 0 && !this.closed && Date.now() < deadline) {
      await this.engine.changes.wait(deadline - Date.now());
      docs = this.collect(batchSize);
    }
    this.lastUsed = Date.now();
    return this.reply('nextBatch', docs);
  }
}

function scopeOf(ctx: CommandContext, spec: Document): { scope: Scope; ns: string } {
  const target = ctx.body.aggregate;
  if (typeof target === 'string')
    return { scope: { kind: 'collection', db: ctx.db, coll: target }, ns: `${ctx.db}.${target}` };
  if (spec.allChangesForCluster === true) {
    if (ctx.db !== 'admin')
      fail(
        ErrorCodes.InvalidOptions,
        "$changeStream may not be opened on the internal admin database unless 'allChangesForCluster' is set",
      );
    return { scope: { kind: 'cluster' }, ns: 'admin.$cmd.aggregate' };
  }
  if (ctx.db === 'admin' || ctx.db === 'config' || ctx.db === 'local')
    fail(ErrorCodes.InvalidNamespace, `$changeStream may not be opened on the internal ${ctx.db} database`);
  return { scope: { kind: 'database', db: ctx.db }, ns: `${ctx.db}.$cmd.aggregate` };
}

/** Where a new stream starts: after a resume token, at an operation time, or now. */
function startPosition(engine: Engine, spec: Document): number {
  const changes = engine.changes;
  const given = ['resumeAfter', 'startAfter', 'startAtOperationTime'].filter((k) => spec[k] !== undefined);
  if (given.length > 1)
    fail(ErrorCodes.BadValue, 'Only one type of resume option is allowed, but multiple were found.');
  const resumeFrom = spec.resumeAfter ?? spec.startAfter;
  if (resumeFrom !== undefined) {
    const point = changes.parseToken(resumeFrom);
    if (!point)
      throw new MongoServerError(
        HISTORY_LOST,
        'Resume of change stream was not possible, as the resume point may no longer be in the oplog.',
      );
    if (point.invalidate && spec.resumeAfter !== undefined)
      fail(
        260,
        "Attempted to resume a stream on a collection which has been dropped. The change stream's pipeline may need to make comparisons which should be based on the collection's collation. Consider using startAfter instead.",
      );
    if (point.seq < changes.oldestResumable || point.seq > changes.latest)
      throw new MongoServerError(
        HISTORY_LOST,
        'Resume of change stream was not possible, as the resume point may no longer be in the oplog.',
      );
    return point.seq;
  }
  if (spec.startAtOperationTime !== undefined) {
    const time = spec.startAtOperationTime;
    if (!(time instanceof Timestamp) && (time as { _bsontype?: string })?._bsontype !== 'Timestamp')
      fail(
        ErrorCodes.TypeMismatch,
        "BSON field '$changeStream.startAtOperationTime' is the wrong type, expected type 'timestamp'",
      );
    const seq = changes.seqAtOrAfter(time as Timestamp);
    if (seq === undefined) return changes.latest; // a time in the future or now: everything from here
    if (seq - 1 < changes.oldestResumable)
      throw new MongoServerError(
        HISTORY_LOST,
        'Resume of change stream was not possible, as the resume point may no longer be in the oplog.',
      );
    return seq - 1;
  }
  return changes.latest;
}

/** aggregate with a leading $changeStream: opens the stream and answers its first batch. */
export function openChangeStream(ctx: CommandContext, pipeline: Document[]): Buffer {
  if (ctx.txn)
    fail(
      ErrorCodes.OperationNotSupportedInTransaction,
      'Operation not permitted in transaction :: caused by :: $changeStream',
    );
  const spec = pipeline[0].$changeStream;
  if (!isPlainObject(spec))
    fail(ErrorCodes.TypeMismatch, 'the $changeStream stage must be specified as an object');
  const known = [
    'fullDocument',
    'fullDocumentBeforeChange',
    'resumeAfter',
    'startAfter',
    'startAtOperationTime',
    'allChangesForCluster',
    'showExpandedEvents',
  ];
  for (const key of Object.keys(spec))
    if (!known.includes(key)) fail(40415, `BSON field '$changeStream.${key}' is an unknown field.`);
  const fullDocument = spec.fullDocument ?? 'default';
  if (fullDocument !== 'default' && fullDocument !== 'updateLookup')
    fail(
      ErrorCodes.BadValue,
      `fullDocument '${String(fullDocument)}' needs changeStreamPreAndPostImages, which this server does not keep`,
    );
  if (spec.fullDocumentBeforeChange !== undefined && spec.fullDocumentBeforeChange !== 'off')
    fail(
      ErrorCodes.BadValue,
      'fullDocumentBeforeChange needs changeStreamPreAndPostImages, which this server does not keep',
    );
  const rest = pipeline.slice(1);
  for (const stage of rest) {
    const name = Object.keys(stage)[0];
    if (!ALLOWED_STAGES.has(name))
      fail(ErrorCodes.IllegalOperation, `${name} is not permitted in a $changeStream pipeline`);
  }
  const { scope, ns } = scopeOf(ctx, spec as Document);
  const cursor = new ChangeStreamCursor(
    ctx.engine,
    ns,
    scope,
    startPosition(ctx.engine, spec as Document),
    fullDocument,
    rest,
  );
  const batchSize = typeof ctx.body.cursor?.batchSize === 'number' ? ctx.body.cursor.batchSize : 101;
  const docs = cursor.collect(batchSize);
  if (!cursor.isClosed) ctx.cursors.openStream(cursor);
  return cursor.reply('firstBatch', docs);
}

/** getMore on a change stream's cursor. */
export async function changeStreamGetMore(
  ctx: CommandContext,
  cursor: ChangeStreamCursor,
  ns: string,
): Promise<Buffer> {
  if (cursor.ns !== ns)
    fail(
      ErrorCodes.Unauthorized,
      `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`,
    );
  const batchSize =
    typeof ctx.body.batchSize === 'number' && ctx.body.batchSize > 0 ? ctx.body.batchSize : 101;
  const awaitMs = typeof ctx.body.maxTimeMS === 'number' ? ctx.body.maxTimeMS : DEFAULT_AWAIT_MS;
  try {
    const reply = await cursor.next(batchSize, Math.min(awaitMs, 60_000));
    if (cursor.isClosed) ctx.cursors.closeStream(cursor);
    return reply;
  } catch (error) {
    ctx.cursors.closeStream(cursor);
    throw error;
  }
}
