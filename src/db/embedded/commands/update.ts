// Writes that change documents: update (multi, upsert, arrayFilters, positional $, replacement),
// delete, and findAndModify.
import { Document } from 'bson';
import { ErrorCodes, MongoServerError, fail } from '../errors';
import { IdCursor, Index, StoredDoc } from '../storage/collection';
import { checkProjectionShape, projectDocs } from '../storage/projection';
import { candidateIds, filterTest, findDocs } from '../storage/query';
import { UpdateSpec, applyUpdates, upsertDocument, validateUpdate } from '../storage/update';
import { deserializeWrapped, isPlainObject } from '../storage/values';
import { deserializeDocument } from '../bson/dbref';
import { rawArrayDocs, rawField } from '../bson/raw';
import { CommandContext, targetCollection, withValidation } from './context';
import { writeErrorEntry } from './insert';

function filterOf(v: unknown, what = 'q'): Document {
  if (v === undefined || v === null) return {};
  if (!isPlainObject(v))
    fail(ErrorCodes.TypeMismatch, `BSON field '${what}' is the wrong type, expected type 'object'`);
  return v;
}

interface UpdateOutcome {
  n: number;
  nModified: number;
  upserted?: StoredDoc;
  before?: StoredDoc;
  after?: StoredDoc;
}

/** Documents updated between two yields of a multi-document update in a transaction's overlay. */
const YIELD_EVERY = 1000;

/**
 * A multi-document update outside a transaction reads the documents of its plan in slices of this
 * many, and lets other clients' commands run once a slice has taken YIELD_AFTER_MS or more: the
 * longest another client waits is about one slice, however many documents the update touches.
 */
const SLICE = 128;
const YIELD_AFTER_MS = 4;

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs one update statement against a collection view. A multi-document update outside a
 * transaction works in batches and lets other clients' commands run between them, as MongoDB
 * yields; each document is updated atomically, and one changed meanwhile by someone else is
 * updated only if it still matches.
 */
async function runUpdate(
  ctx: CommandContext,
  name: string,
  stmt: {
    q: Document;
    u: unknown;
    multi?: boolean;
    upsert?: boolean;
    arrayFilters?: Document[];
    sort?: Document;
    collation?: Document;
  },
  rawReplacement: Buffer | undefined,
): Promise<UpdateOutcome> {
  const update = validateUpdate(stmt.u);
  if (stmt.multi && !Array.isArray(update) && !Object.keys(update).some((k) => k.startsWith('$')))
    fail(ErrorCodes.FailedToParse, 'multi update is not supported for replacement-style update');
  const view = ctx.scope.view(ctx.db, name);
  if (stmt.multi && !ctx.txn && !stmt.sort) {
    const candidates = candidateIds(view, stmt.q, stmt.collation);
    if (candidates) return updateInSlices(ctx, name, stmt, update, candidates, rawReplacement);
  }
  const { docs } = findDocs(view, {
    filter: stmt.q,
    sort: stmt.sort,
    limit: stmt.multi ? undefined : 1,
    collation: stmt.collation,
  });
  if (ctx.txn && docs.length > YIELD_EVERY) {
    // Inside a transaction the overlay is private: no need (and no way) to yield.
    return applyAll(ctx, name, docs, update, stmt, rawReplacement);
  }
  if (docs.length === 0) {
    if (!stmt.upsert) return { n: 0, nModified: 0 };
    const doc = upsertDocument(stmt.q, update, stmt.arrayFilters, rawReplacement);
    ctx.scope.insert(ctx.db, name, doc);
    return { n: 1, nModified: 0, upserted: doc, after: doc };
  }
  let n = 0;
  let nModified = 0;
  let after: StoredDoc | undefined;
  const coll = view.coll;
  let stillMatches: ((d: StoredDoc) => boolean) | undefined;
  const kind = changeKind(update);
  for (let from = 0; from < docs.length; from += YIELD_EVERY) {
    let batch = docs.slice(from, from + YIELD_EVERY);
    if (from > 0) {
      if (ctx.txn) throw new Error('a transaction never yields');
      await yieldToOthers();
      if (ctx.engine.collection(ctx.db, name) !== coll) break; // dropped meanwhile
      const collation = stmt.collation ?? (coll?.options.collation as Document | undefined);
      const test = (stillMatches ??= filterTest(coll, stmt.q, collation));
      batch = batch.flatMap((d) => {
        const current = coll?.docs.get(d.id);
        return current && (current.sameVersion(d) || test(current)) ? [current] : [];
      });
    }
    const nexts = applyUpdates(batch, stmt.q, update, stmt.arrayFilters, rawReplacement);
    batch.forEach((old, i) => {
      const next = nexts[i];
      if (next) {
        ctx.scope.replace(ctx.db, name, old, next, kind);
        nModified++;
      }
      n++;
      after ??= next ?? old;
    });
  }
  return { n, nModified, before: docs[0], after };
}

/**
 * A multi-document update outside a transaction: the plan's ids are read a slice at a time, each
 * slice is matched and updated, and other clients are served between slices (each document is
 * tested when its turn comes, so one changed or removed meanwhile is updated only if it still
 * matches, as when MongoDB yields). A document whose key in the scanned index changed is not
 * updated twice when the scan meets it again.
 */
async function updateInSlices(
  ctx: CommandContext,
  name: string,
  stmt: { q: Document; upsert?: boolean; arrayFilters?: Document[] },
  update: UpdateSpec,
  candidates: { ids: IdCursor; index?: Index; test: (d: StoredDoc) => boolean },
  rawReplacement: Buffer | undefined,
): Promise<UpdateOutcome> {
  const coll = ctx.scope.view(ctx.db, name).coll;
  const kind = changeKind(update);
  let n = 0;
  let nModified = 0;
  let before: StoredDoc | undefined;
  let after: StoredDoc | undefined;
  let since = performance.now();
  const { ids, index, test } = candidates;
  let moved: Set<string> | undefined;
  for (;;) {
    if (performance.now() - since >= YIELD_AFTER_MS) {
      await yieldToOthers();
      if (ctx.engine.collection(ctx.db, name) !== coll) break; // dropped meanwhile
      since = performance.now();
    }
    const slice = ids.take(SLICE);
    if (slice.length === 0) break;
    const batch: StoredDoc[] = [];
    for (const id of slice) {
      const d = coll?.docs.get(id);
      if (d && !moved?.has(id) && test(d)) batch.push(d);
    }
    if (batch.length === 0) continue;
    const nexts = applyUpdates(batch, stmt.q, update, stmt.arrayFilters, rawReplacement);
    batch.forEach((old, i) => {
      const next = nexts[i];
      if (next) {
        ctx.scope.replace(ctx.db, name, old, next, kind);
        if (index && !index.isId && index.mayDiffer(old, next)) (moved ??= new Set()).add(old.id);
        nModified++;
      }
      n++;
      before ??= old;
      after ??= next ?? old;
    });
  }
  if (n === 0 && stmt.upsert) {
    const doc = upsertDocument(stmt.q, update, stmt.arrayFilters, rawReplacement);
    ctx.scope.insert(ctx.db, name, doc);
    return { n: 1, nModified: 0, upserted: doc, after: doc };
  }
  return { n, nModified, before, after };
}

/** A change stream reports a whole-document update as `replace`, an operator update as `update`. */
function changeKind(update: UpdateSpec): 'update' | 'replace' {
  return !Array.isArray(update) && !Object.keys(update).some((k) => k.startsWith('$')) ? 'replace' : 'update';
}

function applyAll(
  ctx: CommandContext,
  name: string,
  docs: StoredDoc[],
  update: UpdateSpec,
  stmt: { q: Document; arrayFilters?: Document[] },
  rawReplacement: Buffer | undefined,
): UpdateOutcome {
  let nModified = 0;
  let after: StoredDoc | undefined;
  const nexts = applyUpdates(docs, stmt.q, update, stmt.arrayFilters, rawReplacement);
  const kind = changeKind(update);
  docs.forEach((old, i) => {
    const next = nexts[i];
    if (next) {
      ctx.scope.replace(ctx.db, name, old, next, kind);
      nModified++;
    }
    after ??= next ?? old;
  });
  return { n: docs.length, nModified, before: docs[0], after };
}

export async function update(command: CommandContext): Promise<Document> {
  const ctx = withValidation(command);
  const name = targetCollection(ctx);
  const stmts = (ctx.sequences.get('updates')?.map((r) => deserializeDocument(r)) ?? ctx.body.updates) as
    Document[] | undefined;
  if (!Array.isArray(stmts))
    fail(ErrorCodes.FailedToParse, "BSON field 'update.updates' is missing but a required field");
  const raws = ctx.sequences.get('updates') ?? rawArrayDocs(ctx.rawBody, 'updates');
  const ordered = ctx.body.ordered !== false;
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors: Document[] = [];
  for (let i = 0; i < stmts.length; i++) {
    const s = stmts[i];
    try {
      if (!isPlainObject(s)) fail(ErrorCodes.TypeMismatch, 'update statements must be objects');
      const st = s as Document;
      const rawU = raws[i] ? rawField(raws[i]!, 'u') : undefined;
      const r = await runUpdate(
        ctx,
        name,
        {
          q: filterOf(st.q),
          u: st.u,
          multi: !!st.multi,
          upsert: !!st.upsert,
          arrayFilters: st.arrayFilters as Document[] | undefined,
          sort: st.sort as Document | undefined,
          collation: isPlainObject(st.collation) ? st.collation : undefined,
        },
        rawU,
      );
      n += r.n;
      nModified += r.nModified;
      if (r.upserted) upserted.push({ index: i, _id: r.upserted.obj._id });
    } catch (err) {
      writeErrors.push(writeErrorEntry(i, err));
      if (ordered) break;
    }
  }
  ctx.engine.stats.updates += stmts.length;
  const reply: Document = { n, nModified };
  if (upserted.length) reply.upserted = upserted;
  if (writeErrors.length) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return reply;
}

export function deleteCommand(ctx: CommandContext): Document {
  const name = targetCollection(ctx);
  const stmts = (ctx.sequences.get('deletes')?.map((r) => deserializeDocument(r)) ?? ctx.body.deletes) as
    Document[] | undefined;
  if (!Array.isArray(stmts))
    fail(ErrorCodes.FailedToParse, "BSON field 'delete.deletes' is missing but a required field");
  const ordered = ctx.body.ordered !== false;
  let n = 0;
  const writeErrors: Document[] = [];
  for (let i = 0; i < stmts.length; i++) {
    const s = stmts[i];
    try {
      if (!isPlainObject(s)) fail(ErrorCodes.TypeMismatch, 'delete statements must be objects');
      const limit = Number(s.limit ?? 0);
      if (limit !== 0 && limit !== 1)
        fail(
          ErrorCodes.FailedToParse,
          'The limit field in delete objects must be 0 or 1. Got ' + String(s.limit),
        );
      const { docs } = findDocs(ctx.scope.view(ctx.db, name), {
        filter: filterOf(s.q),
        limit: limit === 1 ? 1 : undefined,
        collation: isPlainObject(s.collation) ? s.collation : undefined,
      });
      for (const d of docs) ctx.scope.remove(ctx.db, name, d);
      n += docs.length;
    } catch (err) {
      writeErrors.push(writeErrorEntry(i, err));
      if (ordered) break;
    }
  }
  ctx.engine.stats.deletes += n;
  return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
}

export async function findAndModify(command: CommandContext): Promise<Document> {
  const ctx = withValidation(command);
  const name = targetCollection(ctx);
  const b = ctx.body;
  const query = filterOf(b.query, 'query');
  const sort = b.sort as Document | undefined;
  const fields = b.fields as Document | undefined;
  checkProjectionShape(fields, true);
  const returnDoc = (d: StoredDoc | undefined): Document | null =>
    d ? deserializeWrapped(projectDocs([d], fields, query)[0]) : null;
  if (b.remove) {
    if (b.update !== undefined)
      fail(ErrorCodes.FailedToParse, 'Cannot specify both an update and remove=true');
    if (b.new)
      fail(
        ErrorCodes.FailedToParse,
        "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document",
      );
    const { docs } = findDocs(ctx.scope.view(ctx.db, name), { filter: query, sort, limit: 1 });
    if (docs[0]) ctx.scope.remove(ctx.db, name, docs[0]);
    ctx.engine.stats.deletes += docs.length;
    return { lastErrorObject: { n: docs.length }, value: returnDoc(docs[0]), ok: 1 };
  }
  if (b.update === undefined)
    fail(ErrorCodes.FailedToParse, 'Either an update or remove=true must be specified');
  const rawU = rawField(ctx.rawBody, 'update');
  const r = await runUpdate(
    ctx,
    name,
    { q: query, u: b.update, upsert: !!b.upsert, arrayFilters: b.arrayFilters, sort },
    rawU,
  );
  ctx.engine.stats.updates++;
  const lastErrorObject: Document = { n: r.n, updatedExisting: r.n > 0 && !r.upserted };
  if (r.upserted) lastErrorObject.upserted = r.upserted.obj._id;
  const value = b.new ? returnDoc(r.after) : r.upserted ? null : returnDoc(r.before);
  return { lastErrorObject, value, ok: 1 };
}

export { MongoServerError };
