// A cache kept exact by a change stream: values read from one collection are kept in memory, keyed
// by document id, and every change committed to that collection — by this app instance or any other
// — removes the entry it concerns the moment the stream delivers it. While the stream is not open
// (a standalone mongod has none; a broken stream is being resumed) the cache reads through to the
// database on every call, so nothing stale is ever served; it says so in the log and in /readyz.
import mongoose from 'mongoose';
import type { ChangeStream, ChangeStreamDocument, Document, ResumeToken } from 'mongodb';

export type CacheState = 'live' | 'reading-through';

interface Entry<V> {
  value: V;
}

interface Loading {
  isDirty: boolean;
}

type Log = (level: 'info' | 'warn', message: string, details?: Record<string, unknown>) => void;

const RETRY_MS = [250, 1000, 5000, 15_000];

/** What this module keeps track of: the caches, and the mirrors of src/db/watched-mirror.ts. */
export interface Watched {
  readonly name: string;
  readonly state: CacheState;
  readonly isStarted: boolean;
  suspend(): void;
  stop(): Promise<void>;
}
const caches: Watched[] = [];

/** Adds a mirror (or another stream-kept copy) to the start-up, health and shut-down bookkeeping. */
export function registerWatched(watched: Watched): void {
  caches.push(watched);
}
let log: Log = () => undefined;

/** Where caches report a broken or resumed stream (the app's logger, set at start-up). */
export function setWatchedCacheLog(next: Log): void {
  log = next;
}

/** Closes every cache's stream and waits for it (before the connection closes). */
export async function stopWatchedCaches(): Promise<void> {
  await Promise.all(caches.map((c) => c.stop()));
}

let isCloseWatched = false;
/**
 * Stops every cache and mirror when the connection closes: one listener for all of them, since a
 * listener each passed Node's limit of ten on the connection.
 */
export function stopAllWhenConnectionCloses(): void {
  if (isCloseWatched) return;
  isCloseWatched = true;
  mongoose.connection.once('close', () => {
    isCloseWatched = false;
    void stopWatchedCaches();
  });
}

/** Resolves once every started cache is live (tests use it before counting queries); gives up after `ms`. */
export async function whenWatchedCachesLive(ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (caches.some((c) => c.isStarted && c.state !== 'live') && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Each cache's state, for /readyz. */
export function watchedCacheStates(): Record<string, CacheState> {
  return Object.fromEntries(caches.map((c) => [c.name, c.state]));
}

let isConnectionHealthy = true;
/** False from the moment the driver lost the server until it sees it again. */
export const connectionIsHealthy = () => isConnectionHealthy;
let watchedClient: unknown;

/** Suspends every cache the moment the driver sees the server go away (a pool cleared, a server unknown). */
export function watchConnectionHealth(): void {
  const client = mongoose.connection.getClient();
  if (watchedClient === client) return;
  watchedClient = client;
  const lost = () => {
    isConnectionHealthy = false;
    for (const cache of caches) cache.suspend();
  };
  client.on('connectionPoolCleared', lost);
  client.on('serverDescriptionChanged', (event: { newDescription: { type: string } }) => {
    if (event.newDescription.type === 'Unknown') lost();
    else isConnectionHealthy = true;
  });
}

export class WatchedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly loading = new Map<string, Set<Loading>>();
  private readonly follower: ChangeFollower;

  constructor(
    /** The collection watched; also the cache's name in logs and /readyz. */
    readonly name: string,
    private readonly maxEntries = 10_000,
    /** Values made of many documents (a whole small collection): any change forgets everything. */
    options: { forgetAllOnAnyChange?: boolean } = {},
  ) {
    this.follower = new ChangeFollower(name, name, {
      forgetAll: () => this.clear(),
      changed: (id) => (id !== undefined && !options.forgetAllOnAnyChange ? this.forget(id) : this.clear()),
    });
    caches.push(this);
  }

  private get isLive(): boolean {
    return this.follower.isLive;
  }

  get state(): CacheState {
    return this.isLive ? 'live' : 'reading-through';
  }

  get isStarted(): boolean {
    return this.follower.isStarted;
  }

  /** The cached value of `key`, or `load()`'s (kept only if nothing changed `key` meanwhile). */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    this.follower.ensureStarted();
    if (!this.isLive) return load();
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last: the first key is the one to evict.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const mark: Loading = { isDirty: false };
    let marks = this.loading.get(key);
    if (!marks) this.loading.set(key, (marks = new Set()));
    marks.add(mark);
    try {
      const value = await load();
      if (!mark.isDirty && this.isLive) {
        if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
        this.entries.set(key, { value });
      }
      return value;
    } finally {
      marks.delete(mark);
      if (marks.size === 0) this.loading.delete(key);
    }
  }

  /**
   * The values of `keys`, cached ones from memory and the others through one `load(missing)` (one
   * query for a list of ids), each kept only if nothing changed it meanwhile. A key `load` does not
   * answer is left out of the result.
   */
  async getMany(
    keys: Iterable<string>,
    load: (missing: string[]) => Promise<ReadonlyMap<string, V>>,
  ): Promise<Map<string, V>> {
    this.follower.ensureStarted();
    const wanted = [...new Set(keys)];
    if (!this.isLive) return new Map(await load(wanted));
    const found = new Map<string, V>();
    const missing: Array<{ key: string; mark: Loading; marks: Set<Loading> }> = [];
    for (const key of wanted) {
      const hit = this.entries.get(key);
      if (hit) {
        this.entries.delete(key);
        this.entries.set(key, hit);
        found.set(key, hit.value);
        continue;
      }
      let marks = this.loading.get(key);
      if (!marks) this.loading.set(key, (marks = new Set()));
      const mark: Loading = { isDirty: false };
      marks.add(mark);
      missing.push({ key, mark, marks });
    }
    if (missing.length === 0) return found;
    try {
      const loaded = await load(missing.map((m) => m.key));
      for (const { key, mark } of missing) {
        if (!loaded.has(key)) continue;
        const value = loaded.get(key)!;
        found.set(key, value);
        if (mark.isDirty || !this.isLive) continue;
        if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
        this.entries.set(key, { value });
      }
      return found;
    } finally {
      for (const { key, mark, marks } of missing) {
        marks.delete(mark);
        if (marks.size === 0) this.loading.delete(key);
      }
    }
  }

  /** Forgets `key` now (a write of this instance; the stream will say so too, a moment later). */
  forget(key: string): void {
    this.entries.delete(key);
    for (const mark of this.loading.get(key) ?? []) mark.isDirty = true;
  }

  /** Forgets everything (a write whose documents are not known one by one). */
  clear(): void {
    this.entries.clear();
    for (const marks of this.loading.values()) for (const mark of marks) mark.isDirty = true;
  }

  /** Reads through from now on: the connection broke (src/db: watchConnectionHealth). */
  suspend(): void {
    this.follower.suspend();
  }

  /** Closes the stream (the app is stopping, or its connection closed). */
  stop(): Promise<void> {
    return this.follower.stop();
  }
}

/** What a change follower tells the copy it keeps exact (a cache, a mirror). */
export interface FollowerOwner {
  /** Whatever the copy holds may be stale (the stream starts, broke or stopped): drop it. */
  forgetAll(): void;
  /** A document changed (its id), or with undefined any may have (drop, rename, invalidate). */
  changed(id: string | undefined): void;
  /** From now on every change reaches the owner (called after forgetAll). */
  live?(): void;
}

/**
 * Follows one collection's change stream for a copy kept in memory: opens it once the connection
 * is up, is live from the server's first answer on (every change arrives from then), resumes after
 * a break with growing delays, and has the copy dropped whenever a change could have been missed.
 */
export class ChangeFollower {
  private stream?: ChangeStream;
  private resumeToken?: ResumeToken;
  private isLiveNow = false;
  private failures = 0;
  private retryTimer?: NodeJS.Timeout;
  private isStopped = true;

  constructor(
    /** The collection watched. */
    private readonly collection: string,
    /** The copy's name in logs. */
    private readonly name: string,
    private readonly owner: FollowerOwner,
  ) {}

  get isLive(): boolean {
    return this.isLiveNow;
  }

  get isStarted(): boolean {
    return !this.isStopped;
  }

  /** Opens the stream at the first read once the connection is up. */
  ensureStarted(): void {
    if (!this.isStopped || mongoose.connection.readyState !== 1) return;
    this.isStopped = false;
    stopAllWhenConnectionCloses();
    watchConnectionHealth();
    this.open();
  }

  /**
   * The connection to the server broke: the driver will resume the stream by itself once it can,
   * but changes committed meanwhile may arrive only then, so until the stream answers again the
   * copy holds nothing and reads go through.
   */
  suspend(): void {
    if (!this.isLiveNow) return;
    this.isLiveNow = false;
    this.owner.forgetAll();
    log('warn', 'cache connection lost: reading through to the database until its stream answers again', {
      cache: this.name,
    });
  }

  private open(): void {
    this.retryTimer = undefined;
    if (this.isStopped) return;
    const collection = mongoose.connection.db?.collection(this.collection);
    if (!collection) return this.retry();
    const options = this.resumeToken ? { resumeAfter: this.resumeToken } : {};
    // Only ids and kinds travel: the copies never need the documents themselves.
    const pipeline = [{ $project: { documentKey: 1, operationType: 1 } }];
    const stream = collection.watch(pipeline, { ...options, maxAwaitTimeMS: 1000 });
    this.stream = stream;
    // The first resume token arrives with the server's answer to the stream's aggregate: from then
    // on every change reaches the copy, so it may start keeping values.
    const becomeLive = () => {
      if (this.stream !== stream || this.isLiveNow || !isConnectionHealthy) return;
      this.owner.forgetAll();
      this.isLiveNow = true;
      if (this.failures > 0) log('info', 'cache stream resumed', { cache: this.name });
      this.failures = 0;
      this.owner.live?.();
    };
    stream.on('change', (change: ChangeStreamDocument<Document>) => {
      becomeLive();
      this.resumeToken = change._id;
      const id = (change as { documentKey?: { _id?: unknown } }).documentKey?._id;
      this.owner.changed(id === undefined ? undefined : String(id));
      if (change.operationType === 'invalidate') this.resumeToken = undefined;
    });
    stream.on('resumeTokenChanged', (token: ResumeToken) => {
      this.resumeToken = token;
      becomeLive();
    });
    stream.on('error', (error: Error) => this.broken(stream, error));
    stream.on('close', () => this.broken(stream, new Error('stream closed')));
  }

  private broken(stream: ChangeStream, error: Error & { code?: number }): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    this.isLiveNow = false;
    this.owner.forgetAll();
    void stream.close().catch(() => undefined);
    if (this.isStopped) return;
    // A resume point the server no longer has: start afresh (the copy is empty anyway).
    if (error.code === 286 || error.code === 280 || error.code === 260) this.resumeToken = undefined;
    log('warn', 'cache stream broken: reading through to the database until it resumes', {
      cache: this.name,
      error: error.message,
      code: error.code,
    });
    this.retry();
  }

  private retry(): void {
    if (this.isStopped || this.retryTimer) return;
    const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)];
    this.failures += 1;
    this.retryTimer = setTimeout(() => this.open(), delay);
    this.retryTimer.unref();
  }

  /** Closes the stream (the app is stopping, or its connection closed). */
  async stop(): Promise<void> {
    this.isStopped = true;
    this.isLiveNow = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const stream = this.stream;
    this.stream = undefined;
    this.owner.forgetAll();
    this.resumeToken = undefined;
    this.failures = 0;
    await stream?.close().catch(() => undefined);
  }
}
