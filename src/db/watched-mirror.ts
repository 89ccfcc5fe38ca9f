// A copy in memory of the rows of one collection a feature reads whole (the monitoring dashboards
// count every enrolment of the city), kept exact by a change stream. Once the stream is open, every
// row is loaded once, in the background (reads go to the database meanwhile); from then on each
// change committed to the collection, by this app instance or any other, marks its document, and
// the next read fetches the marked documents again (by id) before answering. Writes of this
// instance mark their documents at once through `touch` (the model's hooks), so a page read right
// after a write shows it even before the stream reports it. A write the hooks cannot name document
// by document (an updateMany) loads every row again. While the stream is not open (a standalone
// mongod has none; a broken stream is being resumed) or the rows are loading, every read goes to
// the database (the caller's own query), so nothing stale is ever served; /readyz shows the state.
import mongoose from 'mongoose';
import { ChangeFollower, registerWatched, type CacheState, type Watched } from './watched-cache';

export interface MirrorSource<T> {
  /** Every row of the mirror, by document id. */
  loadAll(): Promise<Map<string, T>>;
  /** The rows of these documents (a document missing from the answer was deleted or left the mirror). */
  loadSome(ids: string[]): Promise<Map<string, T>>;
}

/** What a read returns: the rows, and a version that changes whenever a row does (for derived indexes). */
export interface MirrorSnapshot<T> {
  rows: ReadonlyMap<string, T>;
  version: number;
}

/** More documents marked than this: they are not fetched by id, every row is loaded again. */
const MAX_REFETCH = 1000;

export class WatchedMirror<T> implements Watched {
  private rows?: Map<string, T>;
  private version = 0;
  private readonly dirty = new Set<string>();
  private readonly derivedValues = new Map<string, { version: number; rows: unknown; value: unknown }>();
  /** touchAll() counts up; a complete load records the count it began at. */
  private wantedAll = 0;
  private loadedAll = -1;
  private syncing?: Promise<void>;
  /** Bumped whenever the rows are dropped: a load begun before must not be kept. */
  private generation = 0;
  private readonly follower: ChangeFollower;

  /** The mirror's name in /readyz ("mirror:" and the collection: a cache may watch it too). */
  readonly name: string;

  constructor(
    /** The collection watched. */
    private readonly collection: string,
    private readonly source: MirrorSource<T>,
  ) {
    this.name = `mirror:${collection}`;
    this.follower = new ChangeFollower(collection, this.name, {
      forgetAll: () => this.drop(),
      changed: (id) => (id !== undefined ? this.touch(id) : this.touchAll()),
      // Loads in the background; reads go to the database meanwhile.
      live: () => void this.kick().catch(() => undefined),
    });
    registerWatched(this);
  }

  /** Live once the rows are loaded; until then (and while they load again) reads go to the database. */
  get state(): CacheState {
    return this.isLive && this.isLoaded ? 'live' : 'reading-through';
  }

  private get isLive(): boolean {
    return this.follower.isLive;
  }

  get isStarted(): boolean {
    return this.follower.isStarted;
  }

  private get isLoaded(): boolean {
    return !!this.rows && this.loadedAll === this.wantedAll;
  }

  /**
   * The rows as the database holds them now (this instance's writes included), or undefined while
   * the stream is not open or the rows are (re)loading: the caller then asks the database itself,
   * as it would without a mirror, so no page waits for a whole load.
   */
  async snapshot(): Promise<MirrorSnapshot<T> | undefined> {
    this.follower.ensureStarted();
    if (!this.isLive) return undefined;
    // After a bulk write (an import, the demo seed) one pass over the collection beats a long `$in`.
    if (this.dirty.size > MAX_REFETCH) this.touchAll();
    if (!this.isLoaded) {
      void this.kick().catch(() => undefined); // the next read will try again
      return undefined;
    }
    // The first round may be a sync begun before this read; the second begins after it, so it
    // covers every write marked before the read. Later writes may wait for the next read.
    for (let round = 0; round < 2 && this.dirty.size > 0 && this.isLive && this.isLoaded; round++)
      await this.kick();
    if (!this.isLive || !this.isLoaded || !this.rows) return undefined;
    return { rows: this.rows, version: this.version };
  }

  /** A value derived from the rows (an index by person, say), computed again only when a row changed. */
  derived<D>(snapshot: MirrorSnapshot<T>, key: string, compute: (rows: ReadonlyMap<string, T>) => D): D {
    const known = this.derivedValues.get(key);
    if (known && known.version === snapshot.version && known.rows === snapshot.rows) return known.value as D;
    const value = compute(snapshot.rows);
    this.derivedValues.set(key, { version: snapshot.version, rows: snapshot.rows, value });
    return value;
  }

  /** A document this instance wrote: fetched again at the next read (the stream will say so too). */
  touch(id: string): void {
    if (this.isLive) this.dirty.add(id);
  }

  /** A write whose documents are not known one by one: every row is loaded again. */
  touchAll(): void {
    this.wantedAll++;
  }

  private kick(): Promise<void> {
    this.syncing ??= this.sync().finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async sync(): Promise<void> {
    const generation = this.generation;
    if (!this.isLoaded) {
      const wanted = this.wantedAll;
      this.dirty.clear(); // the load reads them; a change after it begins marks them again
      const rows = await this.source.loadAll();
      if (generation !== this.generation) return;
      this.rows = rows;
      this.loadedAll = wanted;
      this.version++;
      return;
    }
    const ids = [...this.dirty];
    this.dirty.clear();
    let found: Map<string, T>;
    try {
      found = await this.source.loadSome(ids);
    } catch (error) {
      if (generation === this.generation) for (const id of ids) this.dirty.add(id);
      throw error;
    }
    if (generation !== this.generation || !this.rows) return;
    for (const id of ids) {
      const row = found.get(id);
      if (row === undefined) this.rows.delete(id);
      else this.rows.set(id, row);
    }
    this.version++;
  }

  private drop(): void {
    this.generation++;
    this.rows = undefined;
    this.dirty.clear();
    this.derivedValues.clear();
  }

  /** The connection broke: until the stream answers again, every read goes to the database. */
  suspend(): void {
    this.follower.suspend();
  }

  /** Closes the stream (the app is stopping, or its connection closed). */
  stop(): Promise<void> {
    return this.follower.stop();
  }
}

/** Where a model's hooks report its writes; the feature attaches its mirror when it creates it. */
export interface MirrorWrites {
  mirror?: Pick<WatchedMirror<unknown>, 'touch' | 'touchAll'>;
}

/**
 * Marks the documents a Mongoose write reached in the mirror attached to the returned handle: documents saved or inserted, and updates
 * or deletes whose filter names the `_id` (every write of the features that use a mirror does);
 * any other update or delete reloads the whole mirror at its next read.
 */
export function mirrorWrites(schema: mongoose.Schema): MirrorWrites {
  const writes: MirrorWrites = {};
  const touch = (id: unknown) => writes.mirror?.touch(String(id));
  const idsOf = (filter: Record<string, unknown>): string[] | undefined => {
    const id = filter?._id as unknown;
    if (id === undefined || id === null) return undefined;
    if (typeof id === 'string' || id instanceof mongoose.Types.ObjectId) return [String(id)];
    const list = (id as { $in?: unknown[]; $eq?: unknown }).$in ?? (id as { $eq?: unknown }).$eq;
    if (Array.isArray(list)) return list.map(String);
    if (typeof list === 'string' || list instanceof mongoose.Types.ObjectId) return [String(list)];
    return undefined;
  };
  schema.post('save', function (doc: { _id: unknown }) {
    touch(doc._id);
  });
  schema.post('insertMany', function (docs: Array<{ _id: unknown }>) {
    for (const doc of docs ?? []) touch(doc._id);
  });
  schema.post(
    [
      'updateOne',
      'findOneAndUpdate',
      'replaceOne',
      'deleteOne',
      'findOneAndDelete',
      'updateMany',
      'deleteMany',
    ],
    { document: false, query: true },
    function (this: mongoose.Query<unknown, unknown>) {
      const ids = idsOf(this.getFilter() as Record<string, unknown>);
      if (ids) for (const id of ids) touch(id);
      else writes.mirror?.touchAll();
    },
  );
  schema.post('deleteOne', { document: true, query: false }, function (this: { _id: unknown }) {
    touch(this._id);
  });
  return writes;
}
