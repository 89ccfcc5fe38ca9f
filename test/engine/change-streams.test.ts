// Change streams as MongoDB serves them to the driver and Mongoose: collection, database and Mongoose
// model streams; insert, update (with updateDescription), replace, delete, drop and invalidate events;
// fullDocument 'updateLookup'; resuming after a token, after an invalidate (startAfter) and from an
// operation time; $match and $project after the stage; a transaction's events only after it commits,
// in order. Each test also passes against a replica set (MONGODB_URI=… npx jest test/engine).
import { ChangeStream, Document, MongoClient, ResumeToken, Timestamp } from 'mongodb';
import mongoose from 'mongoose';
import { EngineUnderTest, engineOnly, openEngine } from './support';

/** Test documents with the plain ids these tests use. */
interface Doc {
  _id?: number | string;
  [field: string]: number | string | string[] | Document | undefined;
}

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(async () => {
  await e.stop();
});

/** The next `n` events of a stream (each `next()` waits for one). */
async function take(stream: ChangeStream, n: number): Promise<Document[]> {
  const out: Document[] = [];
  while (out.length < n) out.push(await stream.next());
  return out;
}

/** Opens a stream and waits until the server has answered its aggregate, so later writes are seen. */
async function opened(stream: ChangeStream): Promise<ChangeStream> {
  await stream.tryNext();
  return stream;
}

describe('a collection change stream', () => {
  it('reports inserts, updates, replacements and deletes in order, with the changed fields', async () => {
    const coll = e.db.collection<Doc>('people');
    const stream = await opened(coll.watch([], { maxAwaitTimeMS: 200 }));
    try {
      await coll.insertOne({ _id: 1, name: 'Ani', unit: { code: 'A', floor: 2 }, tags: ['x'] });
      await coll.updateOne({ _id: 1 }, { $set: { 'unit.floor': 3, tags: ['x', 'y'] }, $unset: { name: '' } });
      await coll.replaceOne({ _id: 1 }, { nick: 'A' });
      await coll.deleteOne({ _id: 1 });
      const [ins, upd, rep, del] = await take(stream, 4);
      expect(ins).toMatchObject({
        operationType: 'insert',
        ns: { db: e.dbName, coll: 'people' },
        documentKey: { _id: 1 },
        fullDocument: { _id: 1, name: 'Ani', unit: { code: 'A', floor: 2 }, tags: ['x'] },
      });
      expect(ins.clusterTime).toBeInstanceOf(Timestamp);
      expect(ins.wallTime).toBeInstanceOf(Date);
      expect(upd).toMatchObject({
        operationType: 'update',
        documentKey: { _id: 1 },
        updateDescription: { updatedFields: { 'unit.floor': 3, tags: ['x', 'y'] }, removedFields: ['name'] },
      });
      expect(upd.fullDocument).toBeUndefined();
      expect(rep).toMatchObject({ operationType: 'replace', fullDocument: { _id: 1, nick: 'A' } });
      expect(del).toMatchObject({ operationType: 'delete', documentKey: { _id: 1 } });
      expect(del.fullDocument).toBeUndefined();
      const tokens = [ins, upd, rep, del].map((ev) => JSON.stringify(ev._id));
      expect(new Set(tokens).size).toBe(4);
    } finally {
      await stream.close();
    }
  });

  it("adds the document as it is now with fullDocument 'updateLookup'", async () => {
    const coll = e.db.collection<{ _id: string; n: number; name: string }>('lookups');
    await coll.insertOne({ _id: 'p', n: 1, name: 'Budi' });
    const stream = await opened(coll.watch([], { fullDocument: 'updateLookup', maxAwaitTimeMS: 200 }));
    try {
      await coll.updateOne({ _id: 'p' }, { $inc: { n: 1 } });
      const [upd] = await take(stream, 1);
      expect(upd).toMatchObject({
        operationType: 'update',
        updateDescription: { updatedFields: { n: 2 } },
        fullDocument: { _id: 'p', n: 2, name: 'Budi' },
      });
    } finally {
      await stream.close();
    }
  });

  it('filters and reshapes events with $match and $project after the stage', async () => {
    const coll = e.db.collection<Doc>('filtered');
    const pipeline = [
      { $match: { operationType: 'insert', 'fullDocument.opd': 'DISDUKCAPIL' } },
      { $project: { 'fullDocument.name': 1, operationType: 1 } },
    ];
    const stream = await opened(coll.watch(pipeline, { maxAwaitTimeMS: 200 }));
    try {
      await coll.insertMany([
        { _id: 1, name: 'Ani', opd: 'BKPSDM' },
        { _id: 2, name: 'Budi', opd: 'DISDUKCAPIL' },
      ]);
      await coll.deleteOne({ _id: 2 });
      await coll.insertOne({ _id: 3, name: 'Citra', opd: 'DISDUKCAPIL' });
      const events = await take(stream, 2);
      expect(events.map(({ _id, ...rest }) => (void _id, rest))).toEqual([
        { operationType: 'insert', fullDocument: { name: 'Budi' } },
        { operationType: 'insert', fullDocument: { name: 'Citra' } },
      ]);
    } finally {
      await stream.close();
    }
  });
});

describe('resuming', () => {
  it('delivers, after a resume token, what happened while the stream was closed', async () => {
    const coll = e.db.collection<Doc>('resumable');
    const first = await opened(coll.watch([], { maxAwaitTimeMS: 200 }));
    await coll.insertOne({ _id: 1 });
    const [seen] = await take(first, 1);
    await first.close();
    await coll.insertMany([{ _id: 2 }, { _id: 3 }]);
    const again = coll.watch([], { resumeAfter: seen._id as ResumeToken, maxAwaitTimeMS: 200 });
    try {
      const events = await take(again, 2);
      expect(events.map((ev) => ev.documentKey._id)).toEqual([2, 3]);
    } finally {
      await again.close();
    }
  });

  it('starts at an operation time', async () => {
    const coll = e.db.collection<Doc>('timed');
    const stream = await opened(coll.watch([], { maxAwaitTimeMS: 200 }));
    await coll.insertOne({ _id: 'before' });
    const [before] = await take(stream, 1);
    await coll.insertOne({ _id: 'after' });
    await stream.close();
    const fromTime = coll.watch([], { startAtOperationTime: before.clusterTime, maxAwaitTimeMS: 200 });
    try {
      const events = await take(fromTime, 2);
      expect(events.map((ev) => ev.documentKey._id)).toEqual(['before', 'after']);
    } finally {
      await fromTime.close();
    }
  });

  it('ends with drop and invalidate when the collection is dropped, and startAfter continues past it', async () => {
    const coll = e.db.collection<Doc>('dropped');
    await coll.insertOne({ _id: 0 });
    const stream = await opened(coll.watch([], { maxAwaitTimeMS: 200 }));
    await coll.drop();
    const [drop, invalidate] = await take(stream, 2);
    expect(drop).toMatchObject({ operationType: 'drop', ns: { db: e.dbName, coll: 'dropped' } });
    expect(invalidate.operationType).toBe('invalidate');
    await expect(stream.tryNext()).resolves.toBeNull();
    expect(stream.closed).toBe(true);

    await coll.insertOne({ _id: 'new' });
    const after = coll.watch([], { startAfter: invalidate._id as ResumeToken, maxAwaitTimeMS: 200 });
    try {
      const [ins] = await take(after, 1);
      expect(ins).toMatchObject({ operationType: 'insert', documentKey: { _id: 'new' } });
    } finally {
      await after.close();
    }
  });

  engineOnly('refuses a token from outside the kept window with ChangeStreamHistoryLost (286)', async () => {
    const coll = e.db.collection<Doc>('lost');
    const forged = { _data: `82${'0'.repeat(16)}${'0'.repeat(15)}100` };
    const stream = coll.watch([], { resumeAfter: forged, maxAwaitTimeMS: 100 });
    await expect(stream.next()).rejects.toMatchObject({ code: 286 });
    await stream.close();
  });
});

describe('a transaction', () => {
  it("publishes its writes only when it commits, in order, with the session's id and txnNumber", async () => {
    const coll = e.db.collection<{ _id: string; balance?: number; amount?: number }>('transfers');
    await coll.insertMany([
      { _id: 'a', balance: 100 },
      { _id: 'b', balance: 0 },
    ]);
    const stream = await opened(coll.watch([], { maxAwaitTimeMS: 200 }));
    const session = e.client.startSession();
    try {
      session.startTransaction();
      await coll.updateOne({ _id: 'a' }, { $inc: { balance: -40 } }, { session });
      await coll.updateOne({ _id: 'b' }, { $inc: { balance: 40 } }, { session });
      await coll.insertOne({ _id: 'log', amount: 40 }, { session });
      await expect(stream.tryNext()).resolves.toBeNull(); // nothing before the commit
      await session.commitTransaction();
      const events = await take(stream, 3);
      expect(events.map((ev) => [ev.operationType, ev.documentKey._id])).toEqual([
        ['update', 'a'],
        ['update', 'b'],
        ['insert', 'log'],
      ]);
      expect(events[0].lsid).toBeDefined();
      expect(Number(events[0].txnNumber)).toBeGreaterThan(0);
    } finally {
      await session.endSession();
      await stream.close();
    }
  });

  it('publishes nothing when it aborts', async () => {
    const coll = e.db.collection<Doc>('aborted');
    const stream = await opened(coll.watch([], { maxAwaitTimeMS: 200 }));
    const session = e.client.startSession();
    try {
      session.startTransaction();
      await coll.insertOne({ _id: 'never' }, { session });
      await session.abortTransaction();
      await coll.insertOne({ _id: 'after' });
      const [ev] = await take(stream, 1);
      expect(ev.documentKey._id).toBe('after');
    } finally {
      await session.endSession();
      await stream.close();
    }
  });
});

describe('database and Mongoose streams', () => {
  it('db.watch() sees every collection of the database', async () => {
    const other = await MongoClient.connect(e.uri);
    const stream = await opened(e.db.watch([], { maxAwaitTimeMS: 200 }));
    try {
      await other.db(e.dbName).collection<Doc>('one').insertOne({ _id: 1 });
      await other.db(e.dbName).collection<Doc>('two').insertOne({ _id: 2 });
      const events = await take(stream, 2);
      expect(events.map((ev) => ev.ns.coll)).toEqual(['one', 'two']);
    } finally {
      await stream.close();
      await other.close();
    }
  });

  it('Model.watch() delivers changes made through another connection', async () => {
    const conn = await mongoose.createConnection(e.uri, { dbName: e.dbName }).asPromise();
    try {
      const Person = conn.model('WatchedPerson', new mongoose.Schema({ name: String }), 'watched_people');
      const stream = Person.watch([], { maxAwaitTimeMS: 200 });
      const received = new Promise<Document>((resolve) => stream.once('change', resolve));
      // Mongoose opens the stream when the first listener is added; give its aggregate time to arrive.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await e.db.collection<Doc>('watched_people').insertOne({ name: 'Dewi' });
      await expect(received).resolves.toMatchObject({
        operationType: 'insert',
        fullDocument: { name: 'Dewi' },
      });
      await stream.close();
    } finally {
      await conn.close();
    }
  });
});
