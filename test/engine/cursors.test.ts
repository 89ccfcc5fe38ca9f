// Cursors over thousands of documents: batch sizes, getMore, limits, killCursors, and the error
// for an unknown cursor.
import { Document, Long } from 'mongodb';
import { EngineUnderTest, engineOnly, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
  await e.db
    .collection('big')
    .insertMany(Array.from({ length: 5000 }, (_, i) => ({ _id: i, pad: 'x'.repeat(100) })) as Document[]);
});
afterAll(async () => {
  await e.stop();
});

describe('cursors', () => {
  it('iterates 5,000 documents in default batches', async () => {
    let count = 0;
    let last = -1;
    for await (const d of e.db.collection('big').find().sort({ _id: 1 })) {
      expect(d._id).toBe(last + 1);
      last = d._id as unknown as number;
      count++;
    }
    expect(count).toBe(5000);
  });

  it('answers find and getMore with MongoDB batch shapes', async () => {
    const first = await e.db.command({ find: 'big', filter: { _id: { $lt: 250 } }, batchSize: 100 });
    expect(first.cursor.firstBatch).toHaveLength(100);
    expect(first.cursor.ns).toBe(`${e.dbName}.big`);
    expect(first.cursor.id).toBeInstanceOf(Long);
    expect(first.cursor.id.isZero()).toBe(false);
    const second = await e.db.command({ getMore: first.cursor.id, collection: 'big', batchSize: 100 });
    expect(second.cursor.nextBatch.map((d: Document) => d._id)).toEqual(
      Array.from({ length: 100 }, (_, i) => 100 + i),
    );
    expect(second.cursor.id.equals(first.cursor.id)).toBe(true);
    const third = await e.db.command({ getMore: first.cursor.id, collection: 'big', batchSize: 100 });
    expect(third.cursor.nextBatch).toHaveLength(50);
    expect(Number(third.cursor.id)).toBe(0);
    await expect(e.db.command({ getMore: first.cursor.id, collection: 'big' })).rejects.toMatchObject({
      code: 43,
      codeName: 'CursorNotFound',
    });
  });

  it('closes the cursor when the limit fits in the first batch', async () => {
    const r = await e.db.command({ find: 'big', limit: 10 });
    expect(r.cursor.firstBatch).toHaveLength(10);
    expect(Number(r.cursor.id)).toBe(0);
    const single = await e.db.command({ find: 'big', batchSize: 5, singleBatch: true });
    expect(single.cursor.firstBatch).toHaveLength(5);
    expect(Number(single.cursor.id)).toBe(0);
  });

  it('honours skip and limit across batches', async () => {
    const docs = await e.db
      .collection('big')
      .find({}, { batchSize: 7 })
      .sort({ _id: -1 })
      .skip(10)
      .limit(30)
      .toArray();
    expect(docs.map((d) => d._id)).toEqual(Array.from({ length: 30 }, (_, i) => 4989 - i));
  });

  it('kills cursors and reports which ones', async () => {
    const first = await e.db.command({ find: 'big', batchSize: 2 });
    const r = await e.db.command(
      { killCursors: 'big', cursors: [first.cursor.id, Long.fromNumber(12345)] },
      { promoteLongs: false },
    );
    expect(r.cursorsKilled).toEqual([first.cursor.id]);
    expect(r.cursorsNotFound).toEqual([Long.fromNumber(12345)]);
    expect(r.ok).toBe(1);
    await expect(e.db.command({ getMore: first.cursor.id, collection: 'big' })).rejects.toMatchObject({
      code: 43,
    });
  });

  engineOnly('closes a cursor the driver abandons early', async () => {
    const cursor = e.db.collection('big').find({}, { batchSize: 10 });
    await cursor.next();
    await cursor.close();
    const status = await e.client.db('admin').command({ serverStatus: 1 });
    expect(status.metrics.cursor.open.total).toBe(0);
  });
});
