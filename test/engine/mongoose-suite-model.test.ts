// Differences from MongoDB that Mongoose's model and document-array tests (test/model.test.js,
// test/types.documentarray.test.js, run with `npm run test:mongoose-suite`, see README.md here)
// found in the engine: one test per difference, each written to pass unchanged against a real
// MongoDB (MONGODB_URI=… npx jest test/engine) unless it is marked engineOnly.
import { Document, MongoClient, ObjectId } from 'mongodb';
import { startEmbeddedMongo } from '../../src/db/embedded';
import { EngineUnderTest, engineOnly, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(() => e.stop());

const coll = (name: string) => e.db.collection<Document>(name);

describe('index options', () => {
  it('lists back the background option an index was created with (model syncIndexes gh-8645)', async () => {
    await coll('people').createIndex({ name: 1 }, { background: false });
    await coll('people').createIndex({ age: 1 }, { background: true });
    await coll('people').createIndex({ city: 1 });
    const byName = new Map((await coll('people').listIndexes().toArray()).map((i) => [i.name, i]));
    expect(byName.get('name_1')!.background).toBe(false);
    expect(byName.get('age_1')!.background).toBe(true);
    expect(byName.get('city_1')).not.toHaveProperty('background');
  });

  it('leaves background out when it compares a spec with an existing index', async () => {
    await coll('pets').createIndex({ name: 1 }, { background: false });
    // The same index asked for again in the background is the same index: a no-op, not a conflict.
    await expect(coll('pets').createIndex({ name: 1 }, { background: true })).resolves.toBe('name_1');
    const indexes = await coll('pets').listIndexes().toArray();
    expect(indexes.map((i) => i.name)).toEqual(['_id_', 'name_1']);
    expect(indexes[1].background).toBe(false);
  });
});

describe('time-series collections, which the engine does not support', () => {
  // MongoDB creates them and lists them as type 'timeseries'; the engine had made a plain
  // collection that listCollections called 'collection' (model createCollection gh-10611).
  engineOnly('answer CommandNotSupported (115) instead of a plain collection', async () => {
    await expect(
      e.db.createCollection('readings', { timeseries: { timeField: 'at', metaField: 'sensor' } }),
    ).rejects.toMatchObject({ code: 115 });
    expect(await e.db.listCollections({ name: 'readings' }).toArray()).toEqual([]);
  });
});

describe('a collection-level TTL (create with expireAfterSeconds)', () => {
  // Mongoose passes a schema's expireAfterSeconds or expires to createCollection (model
  // createCollection gh-11229); the engine had stored it and never applied it.
  it('is refused without clustering (InvalidOptions, 72)', async () => {
    await expect(e.db.createCollection('plainTtl', { expireAfterSeconds: 60 })).rejects.toMatchObject({
      code: 72,
    });
    expect(await e.db.listCollections({ name: 'plainTtl' }).toArray()).toEqual([]);
  });

  // MongoDB's TTL monitor runs every 60 s; this engine sweeps every 200 ms.
  engineOnly('expires the documents of a clustered collection whose _id is an old enough date', async () => {
    const engine = await startEmbeddedMongo({ ttlIntervalMs: 200 });
    const client = await MongoClient.connect(engine.uri);
    try {
      const db = client.db('ttl');
      await db.createCollection('events', {
        clusteredIndex: { key: { _id: 1 }, unique: true },
        expireAfterSeconds: 60,
      });
      const now = Date.now();
      const events = db.collection<Document>('events');
      await events.insertMany([
        { _id: new Date(now - 120_000) as never, name: 'old' },
        { _id: new Date(now + 3_600_000) as never, name: 'future' },
        { _id: new ObjectId(Math.floor((now - 120_000) / 1000)), name: 'old object id' },
        { _id: 'text' as never, name: 'not a date' },
      ]);
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && (await events.countDocuments()) > 3)
        await new Promise((r) => setTimeout(r, 100));
      expect((await events.find().toArray()).map((d) => d.name).sort()).toEqual([
        'future',
        'not a date',
        'old object id',
      ]);
    } finally {
      await client.close();
      await engine.stop();
    }
  });
});
