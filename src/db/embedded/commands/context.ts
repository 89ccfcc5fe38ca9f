// What every command handler receives, and the server-wide cursor registry.
import { BSON, Document, Long, ObjectId } from 'bson';
import { ErrorCodes, fail } from '../errors';
import type { ScramConversation, ScramUser } from '../scram';
import { Engine, Transaction, WriteScope, validateNamespace } from '../storage/engine';
import type { StoredDoc } from '../storage/collection';
import { validatorOf } from '../storage/validation';
import { MAX_BSON_SIZE } from '../bson/limits';
import { RawDocWriter } from '../bson/raw';

export interface ServerInfo {
  host: string;
  port: number;
  connections: () => number;
  totalConnections: () => number;
  dataDir?: string;
  argv: string[];
  log: string[];
  /** The users who may sign in; undefined when the engine runs without authentication. */
  users?: ScramUser[];
  /**
   * This process's topology version, as MongoDB reports it in `hello`: a processId new at every
   * start and a counter raised on a change of role (never, for this single primary). Drivers use it
   * to stream awaitable hellos, and to reset their monitor after a network error.
   */
  topologyVersion: { processId: ObjectId; counter: Long };
}

export interface ConnectionInfo {
  id: number;
  remote: string;
  client?: Document;
  /** The user this connection authenticated as. */
  user?: { user: string; db: string };
  /** SASL conversations in progress, by conversationId. */
  sasl?: Map<number, ScramConversation>;
  /** Aborted when the connection closes (a command waiting for time or data stops waiting). */
  closed?: AbortSignal;
}

export interface CommandContext {
  engine: Engine;
  db: string;
  name: string;
  body: Document;
  rawBody: Buffer;
  sequences: Map<string, Buffer[]>;
  scope: WriteScope;
  txn?: Transaction;
  cursors: CursorRegistry;
  server: ServerInfo;
  conn: ConnectionInfo;
}

export type CommandResult = Document | Buffer;
export type Handler = (ctx: CommandContext) => CommandResult | Promise<CommandResult>;

/** The collection name a command targets (its first field), validated. */
export function targetCollection(ctx: CommandContext): string {
  const name = ctx.body[ctx.name];
  if (typeof name !== 'string')
    fail(
      ErrorCodes.InvalidNamespace,
      `collection name has invalid type ${name === null ? 'null' : typeof name}`,
    );
  validateNamespace(ctx.db, name);
  return name;
}

/** A source of already-encoded documents that a cursor hands out in batches. */
export interface DocSource {
  next(): Buffer | undefined;
  /** Puts back a document that did not fit in a batch. */
  unshift(doc: Buffer): void;
}

export function arraySource(docs: Buffer[] | (() => Buffer | undefined)): DocSource {
  let pos = 0;
  let held: Buffer | undefined;
  const next = typeof docs === 'function' ? docs : () => (pos < docs.length ? docs[pos++] : undefined);
  return {
    next: () => {
      if (held) {
        const h = held;
        held = undefined;
        return h;
      }
      return next();
    },
    unshift: (d) => {
      held = d;
    },
  };
}

interface OpenCursor {
  id: Long;
  ns: string;
  source: DocSource;
  lastUsed: number;
}

/** `{ cursor: { <batchName>: [...docs], id, ns }, ok: 1 }` around already-encoded documents. */
export function cursorReply(
  id: Long,
  ns: string,
  batchName: 'firstBatch' | 'nextBatch',
  docs: Buffer[],
): Buffer {
  const cursor = new RawDocWriter().array(batchName, docs).long('id', id).string('ns', ns).finish();
  return new RawDocWriter().doc('cursor', cursor).double('ok', 1).finish();
}

const BATCH_BYTES = MAX_BSON_SIZE - 16 * 1024;

/** What the registry needs of a change stream's cursor (commands/changestream.ts). */
export interface StreamCursor {
  id: Long;
  ns: string;
  lastUsed: number;
}

export class CursorRegistry {
  private open = new Map<string, OpenCursor>();
  private streams = new Map<string, StreamCursor>();

  openStream(cursor: StreamCursor): void {
    this.streams.set(cursor.id.toString(), cursor);
  }

  stream(id: Long): StreamCursor | undefined {
    return this.streams.get(id.toString());
  }

  closeStream(cursor: StreamCursor): void {
    this.streams.delete(cursor.id.toString());
  }

  /** Takes up to `batchSize` documents (and at most ~16 MiB) from a source. */
  static batch(source: DocSource, batchSize: number): { docs: Buffer[]; exhausted: boolean } {
    const docs: Buffer[] = [];
    let bytes = 0;
    while (docs.length < batchSize) {
      const d = source.next();
      if (!d) return { docs, exhausted: true };
      if (docs.length > 0 && bytes + d.length > BATCH_BYTES) {
        source.unshift(d);
        return { docs, exhausted: false };
      }
      docs.push(d);
      bytes += d.length;
    }
    const peek = source.next();
    if (!peek) return { docs, exhausted: true };
    source.unshift(peek);
    return { docs, exhausted: false };
  }

  /** Builds a first-batch cursor reply, registering the cursor if documents remain. */
  reply(ns: string, source: DocSource, batchSize: number | undefined, singleBatch = false): Buffer {
    const size = batchSize === undefined || batchSize <= 0 ? (batchSize === 0 ? 0 : 101) : batchSize;
    const { docs, exhausted } =
      size === 0 ? { docs: [], exhausted: false } : CursorRegistry.batch(source, size);
    let id = Long.ZERO;
    if (!exhausted && !singleBatch) {
      // Like MongoDB's, ids use 63 bits, so drivers keep them as Long rather than promoting to number.
      id = Long.fromBits(
        (Math.random() * 2 ** 32) | 0,
        2 ** 21 + Math.floor(Math.random() * (2 ** 31 - 2 ** 21)),
      );
      this.open.set(id.toString(), { id, ns, source, lastUsed: Date.now() });
    }
    return cursorReply(id, ns, 'firstBatch', docs);
  }

  getMore(id: Long, ns: string, batchSize: number | undefined): Buffer {
    const c = this.open.get(id.toString());
    if (!c) fail(ErrorCodes.CursorNotFound, `cursor id ${id.toString()} not found`);
    if (c.ns !== ns)
      fail(
        ErrorCodes.Unauthorized,
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${c.ns}`,
      );
    const { docs, exhausted } = CursorRegistry.batch(
      c.source,
      batchSize && batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER,
    );
    c.lastUsed = Date.now();
    let replyId = c.id;
    if (exhausted) {
      this.open.delete(id.toString());
      replyId = Long.ZERO;
    }
    return cursorReply(replyId, ns, 'nextBatch', docs);
  }

  kill(id: Long): boolean {
    return this.open.delete(id.toString()) || this.streams.delete(id.toString());
  }

  /** Closes cursors idle for longer than `idleMs` (MongoDB: 10 minutes). */
  reap(idleMs: number): void {
    const now = Date.now();
    for (const [k, c] of this.open) if (now - c.lastUsed > idleMs) this.open.delete(k);
    for (const [k, c] of this.streams) if (now - c.lastUsed > idleMs) this.streams.delete(k);
  }

  get size(): number {
    return this.open.size + this.streams.size;
  }
}

/**
 * The command's context with its writes checked against the validators of the collections they
 * go to (unless the command asks `bypassDocumentValidation`): a document that fails is
 * DocumentValidationFailure (121) before anything is written, or, with `validationAction: 'warn'`,
 * written with a warning in the server log. At `validationLevel: 'moderate'` an update of a
 * document that already failed is not checked. A collection without a validator costs one lookup.
 */
export function withValidation(ctx: CommandContext): CommandContext {
  if (ctx.body.bypassDocumentValidation === true) return ctx;
  const inner = ctx.scope;
  const { engine, server } = ctx;
  const check = (db: string, name: string, next: StoredDoc, old?: StoredDoc) => {
    const v = validatorOf(engine.collection(db, name));
    if (!v || v.passes(next)) return;
    if (old && v.level === 'moderate' && !v.passes(old)) return;
    const error = v.failure(next);
    if (v.action !== 'warn') throw error;
    server.log.push(
      BSON.EJSON.stringify(
        {
          t: { $date: new Date().toISOString() },
          s: 'W',
          c: 'STORAGE',
          id: 20294,
          msg: 'Document would fail validation',
          attr: { namespace: `${db}.${name}`, document: next.obj, errInfo: error.extra.errInfo },
        },
        { relaxed: true },
      ),
    );
    if (server.log.length > 2048) server.log.splice(0, 1024);
  };
  const scope: WriteScope = {
    view: (db, name) => inner.view(db, name),
    insert: (db, name, doc) => {
      check(db, name, doc);
      inner.insert(db, name, doc);
    },
    replace: (db, name, old, next, kind) => {
      check(db, name, next, old);
      inner.replace(db, name, old, next, kind);
    },
    remove: (db, name, old) => inner.remove(db, name, old),
  };
  return { ...ctx, scope };
}
