// The engine's state: databases → collections, the write paths (plain and transactional) that
// keep indexes, uniqueness and the journal in step, and the TTL sweeper.
import { Document, Long } from 'bson';
import { deserializeDocument } from '../bson/dbref';
import { ErrorCodes, MongoServerError, fail } from '../errors';
import { Collection, Index, IndexSpec, StoredDoc, currentVersion, nextVersion } from './collection';
import { ChangeLog, PendingChange } from './changes';
import { Journal, JournalRecord, encodeRecord } from './journal';
import { ReadView, findDocs, viewGet } from './query';
import { keyOf, valuesAtPath } from './values';

export function makeStoredDoc(raw: Buffer, obj?: Document): StoredDoc {
  const o = obj ?? deserializeDocument(raw, { validation: { utf8: false } });
  return StoredDoc.of(keyOf(o._id), raw, nextVersion(), o);
}

const INVALID_DB_CHARS = /[/\\. "$\0]/;

export function validateNamespace(db: string, coll?: string): void {
  if (!db || INVALID_DB_CHARS.test(db) || db.length > 63)
    fail(ErrorCodes.InvalidNamespace, `Invalid database name: '${db}'`);
  if (coll !== undefined) {
    if (
      typeof coll !== 'string' ||
      coll.length === 0 ||
      coll.includes('\0') ||
      coll.startsWith('.') ||
      (coll.includes('$') && !coll.startsWith('$cmd'))
    )
      fail(ErrorCodes.InvalidNamespace, `Invalid collection name: ${db}.${String(coll)}`);
  }
}

/** Reads and writes of one command: either straight to the engine or into a transaction. */
export interface WriteScope {
  view(db: string, name: string): ReadView;
  insert(db: string, name: string, doc: StoredDoc): void;
  /** `kind` says whether an update operator or a whole replacement produced `next` (change streams tell them apart). */
  replace(db: string, name: string, old: StoredDoc, next: StoredDoc, kind?: 'update' | 'replace'): void;
  remove(db: string, name: string, old: StoredDoc): void;
}

export class Engine {
  readonly dbs = new Map<string, Map<string, Collection>>();
  journal?: Journal;
  readonly startedAt = new Date();
  private ttlTimer?: NodeJS.Timeout;
  readonly transactions = new Map<string, Transaction>();
  readonly stats = { inserts: 0, queries: 0, updates: 0, deletes: 0, commands: 0 };
  /** Committed writes in order, for change streams. */
  readonly changes = new ChangeLog();

  // ---- catalog -----------------------------------------------------------------------------

  collection(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  ensureCollection(db: string, name: string, options: Document = {}): Collection {
    let c = this.collection(db, name);
    if (c) return c;
    validateNamespace(db, name);
    let colls = this.dbs.get(db);
    if (!colls) this.dbs.set(db, (colls = new Map()));
    c = new Collection(db, name, options);
    c.onSupersede = (coll, old, at) => this.recordSuperseded(coll, old, at);
    colls.set(name, c);
    this.journal?.append({ o: 'c', ns: c.ns, options });
    return c;
  }

  /** `announce: false` undoes a creation (a transaction's abort): change streams never saw it. */
  dropCollection(db: string, name: string, announce = true): boolean {
    const colls = this.dbs.get(db);
    if (!colls?.has(name)) return false;
    colls.delete(name);
    if (colls.size === 0) this.dbs.delete(db);
    this.journal?.append({ o: 'x', ns: `${db}.${name}` });
    if (announce) this.changes.append([{ op: 'drop', db, coll: name }]);
    return true;
  }

  dropDatabase(db: string): void {
    const colls = this.dbs.get(db);
    if (!colls) return;
    this.dbs.delete(db);
    this.journal?.append({ o: 'X', db });
    const drops: PendingChange[] = [...colls.keys()].map((coll) => ({ op: 'drop', db, coll }));
    this.changes.append([...drops, { op: 'dropDatabase', db }]);
  }

  createIndex(coll: Collection, spec: IndexSpec): void {
    coll.addIndex(spec);
    this.journal?.append({ o: 'i', ns: coll.ns, spec: spec as Document });
  }

  /** collMod: new collection options (validator, validationLevel, …), journaled as a create record. */
  setCollectionOptions(coll: Collection, options: Document): void {
    coll.options = options;
    this.journal?.append({ o: 'c', ns: coll.ns, options });
  }

  /** collMod on an index: its TTL or hidden flag, journaled as the index's whole new spec. */
  setIndexOptions(coll: Collection, name: string, changes: Partial<IndexSpec>): void {
    const index = coll.index(name)!;
    Object.assign(index.spec, changes);
    for (const [k, v] of Object.entries(changes)) if (v === undefined) delete (index.spec as Document)[k];
    this.journal?.append({ o: 'i', ns: coll.ns, spec: { ...index.spec } as Document });
  }

  dropIndex(coll: Collection, name: string): void {
    coll.dropIndex(name);
    this.journal?.append({ o: 'di', ns: coll.ns, name });
  }

  // ---- versions kept for transactions' snapshots --------------------------------------------

  /** ns → id → replaced or deleted versions, with the version that superseded each. */
  readonly history = new Map<string, Map<string, { doc: StoredDoc; until: number }[]>>();

  private oldestActiveSnapshot(): number | undefined {
    let min: number | undefined;
    for (const t of this.transactions.values())
      if (t.state === 'active' && (min === undefined || t.snapshot < min)) min = t.snapshot;
    return min;
  }

  private recordSuperseded(coll: Collection, old: StoredDoc, at: number): void {
    const oldest = this.oldestActiveSnapshot();
    if (oldest === undefined) return;
    let byId = this.history.get(coll.ns);
    if (!byId) this.history.set(coll.ns, (byId = new Map()));
    const list = byId.get(old.id);
    if (list) list.push({ doc: old, until: at });
    else byId.set(old.id, [{ doc: old, until: at }]);
  }

  /** The version of a document that a snapshot taken at `snap` sees. */
  visibleAt(ns: string, id: string, current: StoredDoc | undefined, snap: number): StoredDoc | undefined {
    if (current && current.ver <= snap) return current;
    const list = this.history.get(ns)?.get(id);
    if (list) for (const h of list) if (h.doc.ver <= snap && snap < h.until) return h.doc;
    return undefined;
  }

  /** Forgets versions no active snapshot can see any more. */
  pruneHistory(): void {
    const oldest = this.oldestActiveSnapshot();
    if (oldest === undefined) {
      this.history.clear();
      return;
    }
    for (const [ns, byId] of this.history) {
      for (const [id, list] of byId) {
        const keep = list.filter((h) => h.until > oldest);
        if (keep.length === 0) byId.delete(id);
        else if (keep.length !== list.length) byId.set(id, keep);
      }
      if (byId.size === 0) this.history.delete(ns);
    }
  }

  // ---- plain writes ------------------------------------------------------------------------

  readonly base: WriteScope = {
    view: (db, name) => ({ coll: this.collection(db, name) }),
    insert: (db, name, doc) => {
      const coll = this.ensureCollection(db, name);
      if (coll.docs.has(doc.id)) throw coll.indexes[0].duplicateKeyError(coll.ns, [doc.obj._id]);
      coll.checkUnique(doc);
      coll.put(doc);
      this.journal?.append({ o: 'p', ns: coll.ns, d: doc.raw });
      this.changes.append([{ op: 'insert', db, coll: name, after: doc }]);
    },
    replace: (db, name, old, next, kind = 'update') => {
      const coll = this.collection(db, name);
      if (!coll) return;
      coll.checkUnique(next, old);
      coll.put(next);
      this.journal?.append({ o: 'p', ns: coll.ns, d: next.raw });
      this.changes.append([{ op: kind, db, coll: name, before: old, after: next }]);
    },
    remove: (db, name, old) => {
      const coll = this.collection(db, name);
      if (!coll?.delete(old.id)) return;
      this.journal?.append({ o: 'd', ns: coll.ns, id: old.obj._id });
      this.changes.append([{ op: 'delete', db, coll: name, before: old }]);
    },
  };

  // ---- journal replay and snapshots --------------------------------------------------------

  applyRecord(r: JournalRecord): void {
    switch (r.o) {
      case 'p': {
        const [db, name] = splitNs(r.ns);
        this.ensureCollection(db, name).put(makeStoredDoc(r.d));
        break;
      }
      case 'd': {
        const [db, name] = splitNs(r.ns);
        this.collection(db, name)?.delete(keyOf(r.id));
        break;
      }
      case 'c': {
        const [db, name] = splitNs(r.ns);
        this.ensureCollection(db, name, r.options).options = r.options; // a later record is a collMod
        break;
      }
      case 'x': {
        const [db, name] = splitNs(r.ns);
        this.dropCollection(db, name);
        break;
      }
      case 'X':
        this.dropDatabase(r.db);
        break;
      case 'i': {
        const [db, name] = splitNs(r.ns);
        const coll = this.ensureCollection(db, name);
        const spec = r.spec as IndexSpec;
        const existing = coll.index(spec.name);
        if (existing)
          Object.assign(existing.spec, spec); // a collMod of the index
        else {
          // A unique index that the journal's later records make valid again is built without checks.
          coll.addIndex(spec, true);
        }
        break;
      }
      case 'di': {
        const [db, name] = splitNs(r.ns);
        this.collection(db, name)?.dropIndex(r.name);
        break;
      }
      case 't':
        for (const op of r.ops) this.applyRecord(op);
        break;
    }
  }

  /** Rebuilds the state from records, without journaling them again. */
  replay(records: JournalRecord[]): void {
    const journal = this.journal;
    this.journal = undefined;
    this.changes.recording = false;
    try {
      for (const r of records) this.applyRecord(r);
    } finally {
      this.journal = journal;
      this.changes.recording = true;
    }
  }

  *snapshotRecords(): Generator<Buffer> {
    for (const colls of this.dbs.values())
      for (const coll of colls.values()) {
        yield encodeRecord({ o: 'c', ns: coll.ns, options: coll.options });
        for (const idx of coll.indexes)
          if (!idx.isId) yield encodeRecord({ o: 'i', ns: coll.ns, spec: idx.spec as Document });
        for (const d of coll.docs.values()) yield encodeRecord({ o: 'p', ns: coll.ns, d: d.raw });
      }
  }

  attachJournal(journal: Journal): void {
    this.journal = journal;
    journal.setSnapshotSource(() => this.snapshotRecords());
  }

  /** Resolves when every write so far is durable (immediately without a data directory). */
  async durable(): Promise<void> {
    if (this.journal) await this.journal.commit();
  }

  // ---- TTL ---------------------------------------------------------------------------------

  startTtl(intervalMs: number): void {
    this.ttlTimer = setInterval(() => {
      try {
        this.sweepTtl();
      } catch {
        // A document the sweep cannot read must not stop the engine; the next sweep tries again.
      }
      void this.durable().catch(() => undefined);
    }, intervalMs);
    this.ttlTimer.unref();
  }

  sweepTtl(now = Date.now()): number {
    let removed = 0;
    for (const colls of this.dbs.values())
      for (const coll of colls.values()) {
        // A clustered collection's own TTL (create's expireAfterSeconds) expires a document by its
        // _id when that is a date, as MongoDB's TTL monitor does; other _id types never expire.
        const ownSecs = coll.options.clusteredIndex ? coll.options.expireAfterSeconds : undefined;
        if (typeof ownSecs === 'number') {
          const { docs } = findDocs({ coll }, { filter: { _id: { $lte: new Date(now - ownSecs * 1000) } } });
          for (const d of docs) {
            this.base.remove(coll.db, coll.name, d);
            removed++;
          }
        }
        for (const idx of coll.indexes) {
          const secs = idx.spec.expireAfterSeconds;
          if (typeof secs !== 'number' || idx.fields.length !== 1) continue;
          const cutoff = now - secs * 1000;
          const { docs } = findDocs({ coll }, { filter: { [idx.fields[0]]: { $lte: new Date(cutoff) } } });
          for (const d of docs) {
            const dates = valuesAtPath(d.obj, idx.fields[0]).filter((v): v is Date => v instanceof Date);
            if (dates.length && Math.min(...dates.map((x) => x.getTime())) <= cutoff) {
              this.base.remove(coll.db, coll.name, d);
              removed++;
            }
          }
        }
      }
    return removed;
  }

  stop(): void {
    if (this.ttlTimer) clearInterval(this.ttlTimer);
  }
}

export function splitNs(ns: string): [string, string] {
  const i = ns.indexOf('.');
  return [ns.slice(0, i), ns.slice(i + 1)];
}

// ---- transactions --------------------------------------------------------------------------

const TRANSIENT = ['TransientTransactionError'];

/**
 * A transaction buffers its writes per collection (overlay) and reads through them; commit checks
 * that no document it wrote changed meanwhile and that unique indexes still hold, then applies all
 * writes in one synchronous step (no other client can observe half of it) and journals them as
 * one record.
 */
export class Transaction implements WriteScope {
  readonly overlays = new Map<string, Map<string, StoredDoc | null>>();
  /** ns|id → version of the committed document when the transaction first wrote it (0 = absent). */
  private readonly baseVersions = new Map<string, number>();
  state: 'active' | 'committed' | 'aborted' = 'active';
  readonly startedAt = Date.now();
  /** Reads see committed data as of this version (snapshot isolation). */
  readonly snapshot = currentVersion();

  /** The transaction's writes in the order they were made, published to change streams at commit. */
  private readonly changes: PendingChange[] = [];

  /**
   * Namespaces of the collections this transaction created (by `create`, `createIndexes` or a
   * first write). They exist at once for everyone; an abort drops those still empty, as MongoDB
   * rolls their creation back.
   */
  readonly created = new Set<string>();

  private collectionFor(db: string, name: string): Collection {
    if (!this.engine.collection(db, name)) this.created.add(`${db}.${name}`);
    return this.engine.ensureCollection(db, name);
  }

  constructor(
    private readonly engine: Engine,
    readonly txnNumber: number,
    /** The session's id, carried by the transaction's change events. */
    private readonly lsid?: Document,
  ) {}

  private overlay(ns: string): Map<string, StoredDoc | null> {
    let o = this.overlays.get(ns);
    if (!o) this.overlays.set(ns, (o = new Map()));
    return o;
  }

  view(db: string, name: string): ReadView {
    const ns = `${db}.${name}`;
    return {
      coll: this.engine.collection(db, name),
      overlay: this.overlays.get(ns),
      snapshot: {
        resolve: (id, current) => this.engine.visibleAt(ns, id, current, this.snapshot),
        changedIds: () => this.engine.history.get(ns)?.keys() ?? [],
      },
    };
  }

  /** Records the version a write builds on; writing over a change made since the snapshot is a write conflict. */
  private touch(ns: string, coll: Collection | undefined, id: string): void {
    const k = ns + '|' + id;
    if (this.baseVersions.has(k)) return;
    const current = coll?.docs.get(id);
    const seen = this.engine.visibleAt(ns, id, current, this.snapshot);
    if ((current?.ver ?? 0) !== (seen?.ver ?? 0)) {
      this.abort();
      throw new MongoServerError(
        ErrorCodes.WriteConflict,
        'Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
        {},
        TRANSIENT,
      );
    }
    this.baseVersions.set(k, current?.ver ?? 0);
  }

  /**
   * Unique keys written by this transaction, per collection and index: key → id of the overlay
   * document holding it. Kept up to date write by write, so checking a write costs one lookup per
   * key instead of a pass over everything the transaction wrote (imports of thousands of rows).
   */
  private readonly uniqueKeys = new Map<string, Map<Index, Map<string, string>>>();

  private keysOf(ns: string, idx: Index): Map<string, string> {
    let byIndex = this.uniqueKeys.get(ns);
    if (!byIndex) this.uniqueKeys.set(ns, (byIndex = new Map()));
    let keys = byIndex.get(idx);
    if (!keys) {
      // First use (or an index created during the transaction): index what was written so far.
      byIndex.set(idx, (keys = new Map()));
      for (const [id, d] of this.overlay(ns)) {
        if (d) for (const f of idx.keysOf(d.obj) ?? []) keys.set(f.key, id);
      }
    }
    return keys;
  }

  private checkUnique(coll: Collection, ns: string, doc: StoredDoc): void {
    const overlay = this.overlay(ns);
    coll.checkUnique(doc, undefined, (other) => !overlay.has(other));
    for (const idx of coll.indexes) {
      if (!idx.unique || idx.isId) continue;
      const mine = idx.keysOf(doc.obj);
      if (!mine) continue;
      const keys = this.keysOf(ns, idx);
      for (const f of mine) {
        const holder = keys.get(f.key);
        if (holder !== undefined && holder !== doc.id) throw idx.duplicateKeyError(ns, f.values);
      }
    }
  }

  /** Puts a write into the overlay and moves its unique keys from the version it replaces. */
  private write(ns: string, id: string, next: StoredDoc | null): void {
    const overlay = this.overlay(ns);
    const previous = overlay.get(id);
    for (const [idx, keys] of this.uniqueKeys.get(ns) ?? []) {
      if (previous)
        for (const f of idx.keysOf(previous.obj) ?? []) if (keys.get(f.key) === id) keys.delete(f.key);
      if (next) for (const f of idx.keysOf(next.obj) ?? []) keys.set(f.key, id);
    }
    overlay.set(id, next);
  }

  insert(db: string, name: string, doc: StoredDoc): void {
    const coll = this.collectionFor(db, name);
    const ns = coll.ns;
    if (viewGet(this.view(db, name), doc.id)) throw coll.indexes[0].duplicateKeyError(ns, [doc.obj._id]);
    this.checkUnique(coll, ns, doc);
    this.touch(ns, coll, doc.id);
    this.write(ns, doc.id, doc);
    this.changes.push({ op: 'insert', db, coll: name, after: doc });
  }

  replace(
    db: string,
    name: string,
    old: StoredDoc,
    next: StoredDoc,
    kind: 'update' | 'replace' = 'update',
  ): void {
    const coll = this.collectionFor(db, name);
    this.checkUnique(coll, coll.ns, next);
    this.touch(coll.ns, coll, next.id);
    this.write(coll.ns, next.id, next);
    this.changes.push({ op: kind, db, coll: name, before: old, after: next });
  }

  remove(db: string, name: string, old: StoredDoc): void {
    const ns = `${db}.${name}`;
    this.touch(ns, this.engine.collection(db, name), old.id);
    this.write(ns, old.id, null);
    this.changes.push({ op: 'delete', db, coll: name, before: old });
  }

  commit(): void {
    if (this.state === 'committed') return;
    if (this.state === 'aborted')
      throw new MongoServerError(
        ErrorCodes.NoSuchTransaction,
        'Transaction has been aborted.',
        {},
        TRANSIENT,
      );
    // 1. Nothing this transaction wrote may have changed since.
    for (const [k, ver] of this.baseVersions) {
      const bar = k.indexOf('|');
      const [db, name] = splitNs(k.slice(0, bar));
      const current = this.engine.collection(db, name)?.docs.get(k.slice(bar + 1))?.ver ?? 0;
      if (current !== ver) {
        this.abort();
        throw new MongoServerError(
          ErrorCodes.WriteConflict,
          'Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
          {},
          TRANSIENT,
        );
      }
    }
    // 2. Unique indexes must still hold against what others committed meanwhile.
    for (const [ns, overlay] of this.overlays) {
      const [db, name] = splitNs(ns);
      const coll = this.engine.collection(db, name);
      if (!coll) continue;
      for (const d of overlay.values()) {
        if (!d) continue;
        try {
          coll.checkUnique(d, undefined, (other) => !overlay.has(other));
        } catch (e) {
          this.abort();
          throw e;
        }
      }
    }
    // 3. Apply everything synchronously and journal it as one record.
    const ops: JournalRecord[] = [];
    for (const [ns, overlay] of this.overlays) {
      const [db, name] = splitNs(ns);
      for (const [id, d] of overlay) {
        if (d) continue;
        const coll = this.engine.collection(db, name);
        const old = coll?.delete(id);
        if (old) ops.push({ o: 'd', ns, id: old.obj._id });
      }
      for (const d of overlay.values()) {
        if (!d) continue;
        const coll = this.engine.ensureCollection(db, name);
        coll.put(d.withVersion(nextVersion()));
        ops.push({ o: 'p', ns, d: d.raw });
      }
    }
    if (ops.length) this.engine.journal?.append({ o: 't', ops });
    this.engine.changes.append(this.changes, { lsid: this.lsid, txnNumber: Long.fromNumber(this.txnNumber) });
    this.state = 'committed';
    this.engine.pruneHistory();
  }

  abort(): void {
    this.overlays.clear();
    this.changes.length = 0;
    this.uniqueKeys.clear();
    for (const ns of this.created) {
      const [db, name] = splitNs(ns);
      // Someone else may have written to it meanwhile (MongoDB would have made them wait).
      if (this.engine.collection(db, name)?.docs.size === 0) this.engine.dropCollection(db, name, false);
    }
    this.created.clear();
    this.state = 'aborted';
    this.engine.pruneHistory();
  }
}
