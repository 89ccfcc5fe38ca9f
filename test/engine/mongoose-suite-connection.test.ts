// Connection-level commands (create, listCollections, dropDatabase, …) and transactions as
// Mongoose's own test suite and its Connection helpers use them: one test per difference from
// MongoDB found there, each written to pass unchanged against a real MongoDB ≥ 7.0
// (MONGODB_URI=… npx jest test/engine).
import mongoose from 'mongoose';
import { EngineUnderTest, engineOnly, openEngine } from './support';

let e: EngineUnderTest;
let conn: mongoose.Connection;
beforeAll(async () => {
  e = await openEngine();
  conn = await mongoose.createConnection(e.uri, { dbName: e.dbName }).asPromise();
});
afterAll(async () => {
  await conn.close();
  await e.stop();
});

describe('create', () => {
  it('is a no-op for a collection that exists with the same options, a conflict (48) with others', async () => {
    await conn.createCollection('repeated');
    await expect(conn.createCollection('repeated')).resolves.toBeDefined();
    // Created implicitly by a write: its options are empty, as those of a plain createCollection.
    await conn.collection('implicit').insertOne({ a: 1 });
    await expect(conn.createCollection('implicit')).resolves.toBeDefined();

    const collation = { locale: 'en', strength: 2 };
    await conn.createCollection('folded', { collation });
    await expect(conn.createCollection('folded', { collation })).resolves.toBeDefined();
    await expect(conn.createCollection('folded')).rejects.toMatchObject({
      code: 48,
      message: expect.stringContaining('already exists, but with different options'),
    });
    await expect(conn.createCollection('repeated', { collation })).rejects.toMatchObject({ code: 48 });
    expect((await conn.listCollections()).filter((c) => c.name === 'folded')).toHaveLength(1);
  });

  it("refuses a 'pipeline' without 'viewOn' and 'expireAfterSeconds' on an unclustered collection (72)", async () => {
    await expect(conn.db!.command({ create: 'loosePipeline', pipeline: [] })).rejects.toMatchObject({
      code: 72,
      message: "'pipeline' requires 'viewOn' to also be specified",
    });
    await expect(conn.createCollection('unclustered', { expireAfterSeconds: 60 })).rejects.toMatchObject({
      code: 72,
      message: "'expireAfterSeconds' requires clustering to be enabled",
    });
    const names = (await conn.listCollections()).map((c) => c.name);
    expect(names).not.toContain('loosePipeline');
    expect(names).not.toContain('unclustered');
  });

  // MongoDB creates these; the engine answers CommandNotSupported (115) rather than store an empty
  // collection that reads as nothing (a view) or never expires a document (TTL by _id).
  engineOnly('answers 115 for a view and for a clustered collection with expireAfterSeconds', async () => {
    await conn.collection('people').insertOne({ name: 'Val', age: 30 });
    await expect(
      conn.createCollection('adults', { viewOn: 'people', pipeline: [{ $match: { age: { $gte: 18 } } }] }),
    ).rejects.toMatchObject({ code: 115 });
    await expect(
      conn.createCollection('expiring', {
        clusteredIndex: { key: { _id: 1 }, unique: true },
        expireAfterSeconds: 60,
      }),
    ).rejects.toMatchObject({ code: 115 });
    const names = (await conn.listCollections()).map((c) => c.name);
    expect(names).not.toContain('adults');
    expect(names).not.toContain('expiring');
  });
});
