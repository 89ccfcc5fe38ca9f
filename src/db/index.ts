// Database connection: Mongoose on MONGODB_URI, or on the embedded engine started in-process when
// it is unset (development and tests): in a worker thread of its own (embedded-worker.ts), or on the
// app's event loop (config.embeddedThread = 'main', the tests' default). Production without MONGODB_URI is refused by loadConfig too.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import type { MongoClient } from 'mongodb';
import type { Config } from '../config';
import { stopWatchedCaches } from './watched-cache';

// Query filters never take operators from the request (SECURITY.md): sanitizeFilter wraps any
// `$`-keyed object in $eq, strictQuery drops unknown paths from filters.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);
// Mongoose otherwise captures a stack trace on every query run (only to report a query executed
// twice); under tsx's source maps that was ~0.3 ms of CPU per query on the signed-in pages.
mongoose.set('skipOriginalStackTraces', true);

export interface Database {
  uri: string;
  dbName: string;
  connection: Connection;
  client: MongoClient;
  /** True when the app runs on the embedded engine rather than a real MongoDB. */
  isEmbedded: boolean;
  close(): Promise<void>;
}

interface EmbeddedEngine {
  uri: string;
  socketUri?: string;
  stop(): Promise<void>;
}

/**
 * The app reaches its embedded engine over a Unix domain socket in a private directory (0700, the
 * socket 0600, credentials still required): a round trip costs the engine 15–25 % less CPU than
 * over TCP loopback (`npm run bench:roundtrip`). The TCP port stays open for mongosh and tools.
 */
function privateSocketPath(): { socketPath?: string; remove(): void } {
  if (process.platform === 'win32') return { remove: () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-socket-'));
  return {
    socketPath: path.join(dir, 'engine.sock'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

async function startEmbedded(
  dataDir: string | undefined,
  thread: 'worker' | 'main',
): Promise<EmbeddedEngine> {
  const socket = privateSocketPath();
  const options = { dataDir, socketPath: socket.socketPath };
  try {
    const started =
      thread === 'worker'
        ? await (await import('./embedded-worker')).startEmbeddedMongoInWorker(options)
        : await (await import('./embedded')).startEmbeddedMongo(options);
    return { ...started, stop: () => started.stop().finally(socket.remove) };
  } catch (error) {
    socket.remove();
    throw error;
  }
}

/**
 * Connects the app's Mongoose (the default connection, which the models use) and returns handles
 * for the session store and health checks. One Database per process; tests open one per test file.
 */
export async function openDatabase(
  config: Pick<Config, 'mongodbUri' | 'dbName' | 'embeddedDataDir' | 'isProduction'> &
    Partial<Pick<Config, 'embeddedThread'>>,
): Promise<Database> {
  let engine: EmbeddedEngine | undefined;
  let uri = config.mongodbUri;
  if (!uri) {
    if (config.isProduction)
      throw new Error(
        'MONGODB_URI is required in production; the embedded engine is for development and tests.',
      );
    engine = await startEmbedded(config.embeddedDataDir, config.embeddedThread ?? 'main');
    uri = engine.socketUri ?? engine.uri;
  }
  try {
    // A real deployment acknowledges writes on a majority of the replica set (DESIGN.md).
    const durability = engine ? {} : { writeConcern: { w: 'majority' as const } };
    await mongoose.connect(uri, { dbName: config.dbName, serverSelectionTimeoutMS: 10_000, ...durability });
    await Promise.all(Object.values(mongoose.models).map((m) => m.init()));
  } catch (error) {
    await engine?.stop();
    throw error;
  }
  const connection = mongoose.connection;
  let closed = false;
  return {
    uri,
    dbName: config.dbName,
    connection,
    client: connection.getClient() as unknown as MongoClient,
    isEmbedded: engine !== undefined,
    async close() {
      if (closed) return;
      closed = true;
      await stopWatchedCaches(); // their streams' awaiting getMores end before the connection does
      await mongoose.disconnect();
      await engine?.stop();
    },
  };
}

/** True when the database answers a ping within the timeout. */
export async function isDatabaseReachable(db: Database, timeoutMs = 2000): Promise<boolean> {
  const admin = db.connection.db?.admin();
  if (!admin || db.connection.readyState !== 1) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([admin.command({ ping: 1 }).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
