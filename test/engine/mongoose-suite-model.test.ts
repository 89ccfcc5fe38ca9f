// Differences from MongoDB that Mongoose's model and document-array tests (test/model.test.js,
// test/types.documentarray.test.js, run with `npm run test:mongoose-suite`, see README.md here)
// found in the engine: one test per difference, each written to pass unchanged against a real
// MongoDB (MONGODB_URI=… npx jest test/engine) unless it is marked engineOnly.
import { Document } from 'mongodb';
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
