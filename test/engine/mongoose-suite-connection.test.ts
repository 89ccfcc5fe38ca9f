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

  it('reports an existing collection in a transaction, which it aborts (48)', async () => {
    await conn.createCollection('inTransaction');
    const session = await conn.startSession();
    try {
      session.startTransaction();
      await conn.collection('inTransaction').insertOne({ a: 1 }, { session });
      await expect(conn.db!.createCollection('inTransaction', { session })).rejects.toMatchObject({
        code: 48,
      });
      await expect(session.commitTransaction()).rejects.toMatchObject({ code: 251 });
    } finally {
      await session.endSession();
    }
    expect(await conn.collection('inTransaction').countDocuments()).toBe(0);
  });

  it("refuses a 'pipeline' without 'viewOn' and 'expireAfterSeconds' on an unclustered collection (72)", async () => {
    await expect(conn.db!.command({ create: 'loosePipeline', pipeline: [] })).rejects.toMatchObject({
      code: 72,
      message: "'pipeline' requires 'viewOn' to also be specified",
    });
    await expect(conn.createCollection('unclustered', { expireAfterSeconds: 60 })).rejects.toMatchObject({
      code: 72,
      message: expect.stringContaining("'expireAfterSeconds' is only supported on time-series collections"),
    });
    const names = (await conn.listCollections()).map((c) => c.name);
    expect(names).not.toContain('loosePipeline');
    expect(names).not.toContain('unclustered');
  });

  // MongoDB creates a view; the engine answers CommandNotSupported (115) rather than store an empty
  // collection that reads as nothing and takes writes.
  engineOnly('answers 115 for a view', async () => {
    await conn.collection('people').insertOne({ name: 'Val', age: 30 });
    await expect(
      conn.createCollection('adults', { viewOn: 'people', pipeline: [{ $match: { age: { $gte: 18 } } }] }),
    ).rejects.toMatchObject({ code: 115 });
    expect((await conn.listCollections()).map((c) => c.name)).not.toContain('adults');
  });
});

describe('transactions', () => {
  // estimatedDocumentCount() sends `count`, which MongoDB refuses in a transaction (since 4.0);
  // countDocuments() is an aggregation and runs there.
  it("refuses 'count' but runs countDocuments (263)", async () => {
    await conn.collection('tallies').insertMany([{ a: 1 }, { a: 2 }]);
    const session = await conn.startSession();
    try {
      session.startTransaction();
      await conn.collection('tallies').insertOne({ a: 3 }, { session });
      expect(await conn.collection('tallies').countDocuments({}, { session })).toBe(3);
      await expect(conn.collection('tallies').estimatedDocumentCount({ session })).rejects.toMatchObject({
        code: 263,
        message: expect.stringContaining("Cannot run 'count' in a multi-document transaction"),
      });
    } finally {
      await session.abortTransaction().catch(() => undefined);
      await session.endSession();
    }
  });

  it('rolls back the collections it created when it aborts, keeps them when it commits', async () => {
    for (const outcome of ['abort', 'commit'] as const) {
      const session = await conn.startSession();
      try {
        session.startTransaction();
        await conn.db!.createCollection(`created_${outcome}`, { session });
        await conn.collection(`inserted_${outcome}`).insertOne({ a: 1 }, { session });
        await conn.collection(`indexed_${outcome}`).createIndex({ a: 1 }, { session });
        if (outcome === 'abort') await session.abortTransaction();
        else await session.commitTransaction();
      } finally {
        await session.endSession();
      }
    }
    const names = (await conn.listCollections()).map((c) => c.name);
    for (const prefix of ['created', 'inserted', 'indexed']) {
      expect(names).toContain(`${prefix}_commit`);
      expect(names).not.toContain(`${prefix}_abort`);
    }
    expect(await conn.collection('inserted_commit').countDocuments()).toBe(1);
  });

  it('refuses a new index on a collection it did not create (263), not one that exists', async () => {
    await conn.collection('indexedBefore').createIndex({ a: 1 });
    const session = await conn.startSession();
    try {
      session.startTransaction();
      await conn.collection('indexedBefore').insertOne({ a: 1, b: 1 }, { session });
      await expect(conn.collection('indexedBefore').createIndex({ a: 1 }, { session })).resolves.toBe('a_1');
      await expect(conn.collection('indexedBefore').createIndex({ b: 1 }, { session })).rejects.toMatchObject(
        {
          code: 263,
          message: expect.stringContaining('Cannot create new indexes on existing collection'),
        },
      );
    } finally {
      await session.abortTransaction().catch(() => undefined);
      await session.endSession();
    }
    const indexes = await conn.collection('indexedBefore').indexes();
    expect(indexes.map((i) => i.name)).toEqual(['_id_', 'a_1']);
  });

  it('refuses $out and $merge, whose writes it could not hold back (263)', async () => {
    await conn.collection('sources').insertMany([{ a: 1 }, { a: 2 }]);
    for (const stage of [{ $out: 'outTarget' }, { $merge: { into: 'mergeTarget' } }]) {
      const session = await conn.startSession();
      try {
        session.startTransaction();
        await conn.collection('sources').insertOne({ a: 3 }, { session });
        await expect(
          conn.collection('sources').aggregate([stage], { session }).toArray(),
        ).rejects.toMatchObject({
          code: 263,
          message: `${Object.keys(stage)[0]} cannot be used in a transaction`,
        });
      } finally {
        await session.abortTransaction().catch(() => undefined);
        await session.endSession();
      }
    }
    const names = (await conn.listCollections()).map((c) => c.name);
    expect(names).not.toContain('outTarget');
    expect(names).not.toContain('mergeTarget');
    expect(await conn.collection('sources').countDocuments()).toBe(2);
  });
});
