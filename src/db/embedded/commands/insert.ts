// insert: stores the documents' exact bytes (adding `_id` first when missing), ordered or
// unordered, with MongoDB's writeErrors for duplicate keys and invalid documents.
import { BSON, Document, ObjectId } from 'bson';
import { ErrorCodes, MongoServerError, asServerError } from '../errors';
import { makeStoredDoc } from '../storage/engine';
import { deserializeWrapped } from '../storage/values';
import { MAX_BSON_SIZE } from '../bson/limits';
import { rawArrayDocs, rawShape } from '../bson/raw';
import { CommandContext, targetCollection, withValidation } from './context';

export function writeErrorEntry(index: number, err: unknown): Document {
  const e = asServerError(err);
  return { index, code: e.code, ...e.extra, errmsg: e.message };
}

/** Validates a document to be stored and returns its raw bytes with `_id` first. */
export function prepareDocument(raw: Buffer): Buffer {
  if (raw.length > MAX_BSON_SIZE)
    throw new MongoServerError(
      ErrorCodes.BSONObjectTooLarge,
      `object to insert too large. size in bytes: ${raw.length}, max size: ${MAX_BSON_SIZE}`,
    );
  // `$`-prefixed field names, top-level ones included, are stored as given (MongoDB ≥ 5.0).
  const { idType, idPos } = rawShape(raw);
  if (idType === 0x04)
    throw new MongoServerError(ErrorCodes.InvalidIdField, "The '_id' value cannot be of type array");
  if (idType === 0x0b)
    throw new MongoServerError(ErrorCodes.InvalidIdField, "The '_id' value cannot be of type regex");
  if (idType === 0x06)
    throw new MongoServerError(ErrorCodes.InvalidIdField, "The '_id' value cannot be of type undefined");
  if (idPos !== 0) {
    const { _id, ...rest } = deserializeWrapped(raw);
    return Buffer.from(BSON.serialize({ _id: _id === undefined ? new ObjectId() : _id, ...rest }));
  }
  return raw;
}

export function insert(ctx: CommandContext): Document {
  const name = targetCollection(ctx);
  const raws = ctx.sequences.get('documents') ?? rawArrayDocs(ctx.rawBody, 'documents');
  const ordered = ctx.body.ordered !== false;
  const { scope } = withValidation(ctx);
  const writeErrors: Document[] = [];
  let n = 0;
  for (let i = 0; i < raws.length; i++) {
    try {
      const raw = raws[i];
      if (!raw) throw new MongoServerError(ErrorCodes.TypeMismatch, 'insert documents must be objects');
      const doc = makeStoredDoc(prepareDocument(raw));
      scope.insert(ctx.db, name, doc);
      n++;
    } catch (err) {
      writeErrors.push(writeErrorEntry(i, err));
      if (ordered) break;
    }
  }
  ctx.engine.stats.inserts += n;
  if (n === 0 && raws.length === 0) ctx.engine.ensureCollection(ctx.db, name);
  return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
}
