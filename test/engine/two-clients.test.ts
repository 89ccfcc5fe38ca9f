// Two independent clients (separate connection pools, as two app processes would have) on one
// engine see each other's writes at once, share unique indexes, and do not disturb each other's
// cursors.
import { Document, MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
let second: MongoClient;
beforeAll(async () => {
  e = await openEngine();
  second = await MongoClient.connect(e.uri);
});
afterAll(async () => {
  await second.close();
  await e.stop();
});

describe('two clients on one engine', () => {
  it('see each other’s writes immediately', async () => {
    const a = e.db.collection('shared');
    const b = second.db(e.dbName).collection('shared');
    await a.insertOne({ _id: 1, by: 'a' } as Document);
    expect(await b.findOne({ _id: 1 } as Document)).toEqual({ _id: 1, by: 'a' });
    await b.updateOne({ _id: 1 } as Document, { $set: { by: 'b' } });
    expect(await a.findOne({ _id: 1 } as Document)).toEqual({ _id: 1, by: 'b' });
    await a.deleteOne({ _id: 1 } as Document);
    expect(await b.countDocuments()).toBe(0);
  });

  it('share unique indexes under concurrent inserts: exactly one wins', async () => {
    const a = e.db.collection('claims');
    const b = second.db(e.dbName).collection('claims');
    await a.createIndex({ code: 1 }, { unique: true });
    const results = await Promise.allSettled([
      ...Array.from({ length: 10 }, () => a.insertOne({ code: 'CERT-1' })),
      ...Array.from({ length: 10 }, () => b.insertOne({ code: 'CERT-1' })),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results
        .filter((r) => r.status === 'rejected')
        .every((r) => (r as PromiseRejectedResult).reason.code === 11000),
    ).toBe(true);
    expect(await b.countDocuments({ code: 'CERT-1' })).toBe(1);
  });

  it('keep their own cursors apart', async () => {
    const a = e.db.collection('paged');
    await a.insertMany(Array.from({ length: 300 }, (_, i) => ({ i })));
    const ca = a.find({}, { batchSize: 50 }).sort({ i: 1 });
    const cb = second.db(e.dbName).collection('paged').find({}, { batchSize: 50 }).sort({ i: -1 });
    const seenA: number[] = [];
    const seenB: number[] = [];
    for (let k = 0; k < 300; k++) {
      seenA.push((await ca.next())!.i);
      seenB.push((await cb.next())!.i);
    }
    expect(seenA).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(seenB).toEqual(Array.from({ length: 300 }, (_, i) => 299 - i));
  });

  it('serve a Mongoose connection and a driver client side by side', async () => {
    const conn = await mongoose.createConnection(e.uri, { dbName: e.dbName }).asPromise();
    const Opd = conn.model('Opd', new mongoose.Schema({ name: String }));
    await Opd.create({ name: 'Dinas Kominfo' });
    expect(
      await second
        .db(e.dbName)
        .collection('opds')
        .findOne({}, { projection: { _id: 0, __v: 0 } }),
    ).toEqual({ name: 'Dinas Kominfo' });
    await conn.close();
  });
});
