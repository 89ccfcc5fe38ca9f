// Update operators, array updates (positional $, $[], $[<id>] with arrayFilters), replacements,
// upserts and pipeline updates, asserting the stored documents.
import { Document } from 'mongodb';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(async () => {
  await e.stop();
});

let n = 0;
async function afterUpdate(
  doc: Document,
  update: Document | Document[],
  options: Document = {},
): Promise<Document | null> {
  const coll = e.db.collection(`u${++n}`);
  await coll.insertOne({ _id: 1, ...doc } as Document);
  await coll.updateOne({ _id: 1, ...(options.filter ?? {}) } as Document, update, options);
  return coll.findOne({ _id: 1 } as Document);
}

describe('field operators', () => {
  it('$set, $unset, $inc, $mul, $min, $max, $rename', async () => {
    expect(await afterUpdate({ a: 1, b: { c: 2 } }, { $set: { a: 5, 'b.d': 3, 'x.y': 1 } })).toEqual({
      _id: 1,
      a: 5,
      b: { c: 2, d: 3 },
      x: { y: 1 },
    });
    expect(await afterUpdate({ a: 1, b: 2 }, { $unset: { a: '' } })).toEqual({ _id: 1, b: 2 });
    expect(await afterUpdate({ a: 1 }, { $inc: { a: 2, b: -1 } })).toEqual({ _id: 1, a: 3, b: -1 });
    expect(await afterUpdate({ a: 3 }, { $mul: { a: 1.5, z: 2 } })).toEqual({ _id: 1, a: 4.5, z: 0 });
    expect(
      await afterUpdate({ lo: 5, hi: 5 }, { $min: { lo: 3, hi: 9 }, $max: { hi: 7 } }).catch(
        (err) => err.code,
      ),
    ).toBe(40);
    expect(await afterUpdate({ lo: 5, hi: 5 }, { $min: { lo: 3 }, $max: { hi: 7 } })).toEqual({
      _id: 1,
      lo: 3,
      hi: 7,
    });
    expect(await afterUpdate({ d: new Date('2024-01-02') }, { $min: { d: new Date('2023-05-01') } })).toEqual(
      { _id: 1, d: new Date('2023-05-01') },
    );
    expect(await afterUpdate({ a: 1, b: 2 }, { $rename: { a: 'c' } })).toEqual({ _id: 1, b: 2, c: 1 });
  });

  it('$currentDate sets a date', async () => {
    const before = Date.now();
    const doc = await afterUpdate({}, { $currentDate: { at: true } });
    expect(doc!.at).toBeInstanceOf(Date);
    expect(doc!.at.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('does not count an update that changes nothing as modified', async () => {
    const coll = e.db.collection('nochange');
    await coll.insertOne({ _id: 1, a: 1 } as Document);
    expect(await coll.updateOne({ _id: 1 } as Document, { $set: { a: 1 } })).toMatchObject({
      matchedCount: 1,
      modifiedCount: 0,
    });
    expect(await coll.updateOne({ _id: 2 } as Document, { $set: { a: 1 } })).toMatchObject({
      matchedCount: 0,
      modifiedCount: 0,
      upsertedCount: 0,
    });
  });
});

describe('array operators', () => {
  it('$push with $each, $position, $slice and $sort', async () => {
    expect(await afterUpdate({ t: [1] }, { $push: { t: 2 } })).toEqual({ _id: 1, t: [1, 2] });
    expect(await afterUpdate({ t: [1, 5] }, { $push: { t: { $each: [3, 4], $position: 1 } } })).toEqual({
      _id: 1,
      t: [1, 3, 4, 5],
    });
    expect(await afterUpdate({ t: [5, 1] }, { $push: { t: { $each: [3], $sort: 1, $slice: 2 } } })).toEqual({
      _id: 1,
      t: [1, 3],
    });
    expect(await afterUpdate({}, { $push: { t: 'new' } })).toEqual({ _id: 1, t: ['new'] });
  });

  it('$addToSet, $pull, $pullAll, $pop', async () => {
    expect(await afterUpdate({ t: ['a'] }, { $addToSet: { t: { $each: ['a', 'b'] } } })).toEqual({
      _id: 1,
      t: ['a', 'b'],
    });
    expect(await afterUpdate({ t: [1, 2, 3, 2] }, { $pull: { t: 2 } })).toEqual({ _id: 1, t: [1, 3] });
    expect(await afterUpdate({ t: [{ v: 1 }, { v: 5 }] }, { $pull: { t: { v: { $gt: 2 } } } })).toEqual({
      _id: 1,
      t: [{ v: 1 }],
    });
    expect(await afterUpdate({ t: [1, 2, 3] }, { $pullAll: { t: [1, 3] } })).toEqual({ _id: 1, t: [2] });
    expect(await afterUpdate({ t: [1, 2, 3] }, { $pop: { t: -1 } })).toEqual({ _id: 1, t: [2, 3] });
    expect(await afterUpdate({ t: [1, 2, 3] }, { $pop: { t: 1 } })).toEqual({ _id: 1, t: [1, 2] });
  });

  it('updates the first matching element with positional $', async () => {
    const doc = await afterUpdate(
      {
        items: [
          { k: 'a', v: 1 },
          { k: 'b', v: 2 },
        ],
      },
      { $set: { 'items.$.v': 20 } },
      { filter: { 'items.k': 'b' } },
    );
    expect(doc).toEqual({
      _id: 1,
      items: [
        { k: 'a', v: 1 },
        { k: 'b', v: 20 },
      ],
    });
  });

  it('updates all elements with $[] and chosen ones with $[<id>] and arrayFilters', async () => {
    expect(await afterUpdate({ g: [1, 2, 3] }, { $inc: { 'g.$[]': 10 } })).toEqual({
      _id: 1,
      g: [11, 12, 13],
    });
    const doc = await afterUpdate(
      { g: [{ s: 50 }, { s: 90 }, { s: 70 }] },
      { $set: { 'g.$[hi].pass': true } },
      { arrayFilters: [{ 'hi.s': { $gte: 70 } }] },
    );
    expect(doc).toEqual({ _id: 1, g: [{ s: 50 }, { s: 90, pass: true }, { s: 70, pass: true }] });
  });

  it('sets array elements by index, as Mongoose does after changing a subdocument', async () => {
    const doc = await afterUpdate(
      { items: [{ a: 1 }, { a: 2 }] },
      { $set: { 'items.1.a': 5, 'items.2': { a: 9 } } },
    );
    expect(doc).toEqual({ _id: 1, items: [{ a: 1 }, { a: 5 }, { a: 9 }] });
  });
});

describe('updateMany, replacement and upsert', () => {
  it('updates every match with multi', async () => {
    const coll = e.db.collection('many');
    await coll.insertMany([{ g: 1 }, { g: 1 }, { g: 2 }]);
    expect(await coll.updateMany({ g: 1 }, { $set: { seen: true } })).toMatchObject({
      matchedCount: 2,
      modifiedCount: 2,
    });
    expect(await coll.countDocuments({ seen: true })).toBe(2);
  });

  it('replaces a document, keeping _id and taking the new field order', async () => {
    const coll = e.db.collection('repl');
    await coll.insertOne({ _id: 1, a: 1, b: 2 } as Document);
    expect(await coll.replaceOne({ _id: 1 } as Document, { c: 3, a: 0 })).toMatchObject({
      matchedCount: 1,
      modifiedCount: 1,
    });
    const doc = await coll.findOne({ _id: 1 } as Document);
    expect(doc).toEqual({ _id: 1, c: 3, a: 0 });
    expect(Object.keys(doc!)).toEqual(['_id', 'c', 'a']);
    await expect(coll.replaceOne({ _id: 1 } as Document, { _id: 2, c: 1 })).rejects.toMatchObject({
      code: 66,
    });
  });

  it('upserts from the filter equalities, $setOnInsert only on insert', async () => {
    const coll = e.db.collection('ups');
    const r = await coll.updateOne(
      { nip: '199001012015031001', 'meta.kind': 'pns' },
      { $set: { name: 'Ani' }, $setOnInsert: { created: 1 } },
      { upsert: true },
    );
    expect(r).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    const doc = await coll.findOne({ _id: r.upsertedId! });
    expect(doc).toEqual({
      _id: r.upsertedId,
      nip: '199001012015031001',
      meta: { kind: 'pns' },
      name: 'Ani',
      created: 1,
    });
    await coll.updateOne(
      { nip: '199001012015031001' },
      { $set: { name: 'Ani S' }, $setOnInsert: { created: 2 } },
      { upsert: true },
    );
    expect(
      await coll.findOne({ nip: '199001012015031001' }, { projection: { _id: 0, name: 1, created: 1 } }),
    ).toEqual({ name: 'Ani S', created: 1 });
    const raw = await e.db.command({
      update: 'ups',
      updates: [{ q: { _id: 'x' }, u: { v: 1 }, upsert: true }],
    });
    expect(raw).toEqual({ n: 1, nModified: 0, upserted: [{ index: 0, _id: 'x' }], ok: 1 });
  });

  it('updates each document once when the update moves it along the index it is found by', async () => {
    // Thousands of documents, so the update works in several slices and yields between them.
    const coll = e.db.collection('many_moved');
    await coll.createIndex({ rank: 1 });
    await coll.insertMany(Array.from({ length: 3000 }, (_, i) => ({ _id: i, rank: i })) as Document[]);
    const r = await coll.updateMany({ rank: { $gte: 0 } }, { $inc: { rank: 5000 } });
    expect(r).toMatchObject({ matchedCount: 3000, modifiedCount: 3000 });
    const ranks = (await coll.find({}).sort({ _id: 1 }).toArray()).map((d) => d.rank);
    expect(ranks).toEqual(Array.from({ length: 3000 }, (_, i) => i + 5000));
    // Backwards along the index, and through a compound index's equality prefix.
    await coll.createIndex({ group: 1, rank: -1 });
    await coll.updateMany({}, [{ $set: { group: { $mod: ['$_id', 2] } } }]);
    const r2 = await coll.updateMany({ group: 1, rank: { $lt: 6000 } }, { $inc: { rank: -1 } });
    expect(r2).toMatchObject({ matchedCount: 500, modifiedCount: 500 });
    expect(await coll.countDocuments({ group: 1, rank: { $lt: 6000 } })).toBe(500);
    expect(await coll.findOne({ _id: 1 } as Document)).toMatchObject({ rank: 5000, group: 1 });
    expect(await coll.findOne({ _id: 2 } as Document)).toMatchObject({ rank: 5002, group: 0 });
  });

  it('applies a pipeline update', async () => {
    const doc = await afterUpdate({ a: 2, b: 3 }, [
      { $set: { sum: { $add: ['$a', '$b'] } } },
      { $unset: 'b' },
    ]);
    expect(doc).toEqual({ _id: 1, a: 2, sum: 5 });
  });
});

describe('invalid updates', () => {
  it('answers MongoDB errors for bad modifiers', async () => {
    const coll = e.db.collection('bad');
    await coll.insertOne({ _id: 1, s: 'text', n: 1 } as Document);
    await expect(
      coll.updateOne({ _id: 1 } as Document, { $bogus: { a: 1 } } as Document),
    ).rejects.toMatchObject({ code: 9 });
    await expect(
      coll.updateOne({ _id: 1 } as Document, { $set: { n: 1 }, $inc: { n: 1 } }),
    ).rejects.toMatchObject({ code: 40 });
    await expect(coll.updateOne({ _id: 1 } as Document, { $set: { _id: 2 } })).rejects.toMatchObject({
      code: 66,
    });
    await expect(coll.updateOne({ _id: 1 } as Document, { $inc: { s: 1 } })).rejects.toHaveProperty('code');
    expect(await coll.findOne({ _id: 1 } as Document)).toEqual({ _id: 1, s: 'text', n: 1 });
  });
});
