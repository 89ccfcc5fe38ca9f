// Where the engine conformance suite runs: a fresh embedded engine per test file, or, when
// MONGODB_URI is set, a real MongoDB with a unique database per test file (dropped afterwards).
//   MONGODB_URI='mongodb://localhost:27017/?replicaSet=rs0' npx jest test/engine
import { randomBytes } from 'crypto';
import { Db, Document, MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../../src/db/embedded';

export interface EngineUnderTest {
  uri: string;
  dbName: string;
  client: MongoClient;
  db: Db;
  /** True when running against a real MongoDB. */
  isReal: boolean;
  stop(): Promise<void>;
}

/** Engine-specific behaviour (wire-level error codes, disabled server-side JavaScript, timing) is not tested against a real MongoDB. */
export const engineOnly: jest.It = process.env.MONGODB_URI ? it.skip : it;

/** Gossip fields a replica set adds to every reply; tests compare replies without them. */
export function withoutGossip<T extends Document | null>(reply: T): T {
  if (!reply) return reply;
  const { $clusterTime, operationTime, ...rest } = reply as Document;
  void $clusterTime;
  void operationTime;
  return rest as T;
}

/**
 * `auth: false` starts the embedded engine without authentication (for raw wire-protocol tests);
 * by default it requires the per-process credentials its URI carries, as the app's engine does.
 */
export async function openEngine(options: { auth?: boolean } = {}): Promise<EngineUnderTest> {
  const real = process.env.MONGODB_URI;
  const dbName = `engine_${randomBytes(6).toString('hex')}`;
  if (real) {
    const client = await MongoClient.connect(real);
    const db = client.db(dbName);
    const command = db.command.bind(db);
    db.command = (async (cmd: Document, options?: Document) =>
      withoutGossip(await command(cmd, options))) as typeof db.command;
    return {
      uri: real,
      dbName,
      client,
      db,
      isReal: true,
      stop: async () => {
        await client
          .db(dbName)
          .dropDatabase()
          .catch(() => undefined);
        await client.close();
      },
    };
  }
  const engine = await startEmbeddedMongo(options.auth === false ? { auth: false } : {});
  const client = await MongoClient.connect(engine.uri);
  return {
    uri: engine.uri,
    dbName,
    client,
    db: client.db(dbName),
    isReal: false,
    stop: async () => {
      await client.close();
      await engine.stop();
    },
  };
}
