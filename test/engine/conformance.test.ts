// Answers that must be MongoDB's own, where the engine once took another library's semantics:
// projection field order, positional updates, $pull conditions, $all, $slice and $elemMatch
// projections, Binary comparisons, pipeline and hint errors, capped
// collections, index options, collMod and a collection's default collation. Each passes unchanged
// against a real MongoDB.
import { Binary, Document } from 'mongodb';
import { EngineUnderTest, engineOnly, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(() => e.stop());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- documents of every shape, _id included
const coll = (name: string) => e.db.collection<any>(name);

describe('$project', () => {
  it('puts _id first, included fields in document order, computed fields in projection order', async () => {
    await coll('order').insertOne({ z: 1, _id: 1, b: 2, a: 3, c: 4 });
    const [doc] = await coll('order')
      .aggregate([{ $project: { c: 1, a: 1, y: { $literal: 'y' }, x: '$b' } }])
      .toArray();
    expect(Object.keys(doc)).toEqual(['_id', 'a', 'c', 'y', 'x']);
    const [computed] = await coll('order')
      .aggregate([{ $project: { _id: 0, y: '$a', x: '$b' } }])
      .toArray();
    expect(Object.keys(computed)).toEqual(['y', 'x']);
  });
});

describe('updates through arrays', () => {
  beforeAll(async () => {
    await coll('posts').insertOne({
      _id: 1,
      comments: [
        { k: 1, body: 'one' },
        { k: 2, body: 'two' },
      ],
    });
  });

  it('accepts two positional paths into one array (as Mongoose timestamps write them)', async () => {
    const at = new Date('2026-01-02T03:04:05Z');
    await coll('posts').updateOne(
      { _id: 1, 'comments.k': 1 },
      { $set: { 'comments.$.body': 'uno', 'comments.$.updatedAt': at } },
    );
    expect((await coll('posts').findOne({ _id: 1 }))!.comments[0]).toEqual({
      k: 1,
      body: 'uno',
      updatedAt: at,
    });
  });

  it('accepts two array filters into one array', async () => {
    await coll('posts').updateOne(
      { _id: 1 },
      { $set: { 'comments.$[a].body': 'ONE', 'comments.$[b].seen': true } },
      { arrayFilters: [{ 'a.k': 1 }, { 'b.k': 2 }] },
    );
    const doc = await coll('posts').findOne({ _id: 1 });
    expect(doc!.comments.map((c: Document) => [c.body, c.seen])).toEqual([
      ['ONE', undefined],
      ['two', true],
    ]);
  });

  it('refuses to $set a field through an array of subdocuments (28 PathNotViable)', async () => {
    await expect(
      coll('posts').updateOne({ _id: 1 }, { $set: { 'comments.body': 'x' } }),
    ).rejects.toMatchObject({
      code: 28,
    });
    expect((await coll('posts').findOne({ _id: 1 }))!.comments).toHaveLength(2);
  });

  it('$pull removes the elements matching an $or condition', async () => {
    await coll('pull').insertOne({ _id: 1, items: [{ k: 1 }, { k: 2 }, { k: 3 }] });
    await coll('pull').updateOne({ _id: 1 }, { $pull: { items: { $or: [{ k: 1 }, { k: 3 }] } } as Document });
    expect((await coll('pull').findOne({ _id: 1 }))!.items).toEqual([{ k: 2 }]);
  });
});

describe('queries', () => {
  it('$all matches a non-array field equal to its only value', async () => {
    await coll('all').insertMany([
      { _id: 1, tag: 'a' },
      { _id: 2, tag: ['a', 'b'] },
      { _id: 3, tag: 'b' },
    ]);
    const ids = (
      await coll('all')
        .find({ tag: { $all: ['a'] } })
        .toArray()
    ).map((d) => d._id);
    expect(ids).toEqual([1, 2]);
  });

  it('compares Binary values in BSON order (length, then subtype, then bytes)', async () => {
    const bin = (bytes: number[]) => new Binary(Buffer.from(bytes));
    await coll('bin').insertMany([
      { _id: 1, b: bin([1, 2]) },
      { _id: 2, b: bin([1, 3]) },
      { _id: 3, b: bin([0, 0, 0]) },
      { _id: 4, b: 'text' },
    ]);
    const ids = async (filter: Document) =>
      (await coll('bin').find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(await ids({ b: { $gt: bin([1, 2]) } })).toEqual([2, 3]);
    expect(await ids({ b: { $lte: bin([1, 3]) } })).toEqual([1, 2]);
    expect(await ids({ b: { $in: [bin([1, 3])] } })).toEqual([2]);
    expect(await ids({ b: bin([1, 2]) })).toEqual([1]);
  });
});

describe('projections with operators', () => {
  beforeAll(async () => {
    await coll('proj').insertOne({ _id: 1, name: 'x', scores: [70, 85, 90], tags: ['a', 'b', 'c'] });
  });

  it('$slice keeps the other fields', async () => {
    const doc = await coll('proj').findOne({ _id: 1 }, { projection: { tags: { $slice: 1 } } });
    expect(doc).toEqual({ _id: 1, name: 'x', scores: [70, 85, 90], tags: ['a'] });
  });

  it('$elemMatch takes operator-only criteria on an array of scalars', async () => {
    const doc = await coll('proj').findOne(
      { _id: 1 },
      { projection: { scores: { $elemMatch: { $gte: 80 } } } },
    );
    expect(doc).toEqual({ _id: 1, scores: [85] });
  });
});

describe('aggregate', () => {
  beforeAll(async () => {
    await coll('agg').insertMany([3, 1, 2].map((n) => ({ _id: n, n: -n })));
    await coll('agg').createIndex({ n: 1 }, { name: 'n_1' });
  });

  it('answers an unknown stage with 40324', async () => {
    await expect(
      coll('agg')
        .aggregate([{ $frobnicate: {} }])
        .toArray(),
    ).rejects.toMatchObject({
      code: 40324,
      message: "Unrecognized pipeline stage name: '$frobnicate'",
    });
  });

  it('reads through the hinted index (its order shows), and refuses a hint to no index', async () => {
    const viaIndex = await coll('agg')
      .aggregate([{ $match: {} }], { hint: { n: 1 } })
      .toArray();
    expect(viaIndex.map((d) => d.n)).toEqual([-3, -2, -1]);
    const byName = await coll('agg').aggregate([], { hint: 'n_1' }).toArray();
    expect(byName.map((d) => d.n)).toEqual([-3, -2, -1]);
    await expect(
      coll('agg')
        .aggregate([], { hint: { missing: 1 } })
        .toArray(),
    ).rejects.toMatchObject({ code: 2 });
  });
});

describe('collections and indexes', () => {
  it('refuses a capped collection without a size', async () => {
    await expect(e.db.command({ create: 'capped_nosize', capped: true })).rejects.toMatchObject({ code: 72 });
  });

  it('echoes index options in listIndexes', async () => {
    const c = coll('ixopts');
    await c.createIndex({ email: 1 }, { unique: true, sparse: true, name: 'email_u' });
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 3600 });
    await c.createIndex({ opd: 1 }, { partialFilterExpression: { active: true } });
    await c.createIndex({ name: 1 }, { collation: { locale: 'en', strength: 2 } });
    const byName = Object.fromEntries((await c.listIndexes().toArray()).map((i) => [i.name, i]));
    expect(byName.email_u).toMatchObject({ v: 2, key: { email: 1 }, unique: true, sparse: true });
    expect(byName.at_1).toMatchObject({ key: { at: 1 }, expireAfterSeconds: 3600 });
    expect(byName.opd_1).toMatchObject({ key: { opd: 1 }, partialFilterExpression: { active: true } });
    expect(byName.name_1).toMatchObject({ key: { name: 1 }, collation: { locale: 'en', strength: 2 } });
  });

  it('collMod changes an index TTL and hides it, and stores a validator', async () => {
    const c = coll('modded');
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 60 });
    const ttl = await e.db.command({
      collMod: 'modded',
      index: { keyPattern: { at: 1 }, expireAfterSeconds: 120 },
    });
    expect(ttl).toMatchObject({ expireAfterSeconds_old: 60, expireAfterSeconds_new: 120, ok: 1 });
    const hide = await e.db.command({ collMod: 'modded', index: { name: 'at_1', hidden: true } });
    expect(hide).toMatchObject({ hidden_old: false, hidden_new: true, ok: 1 });
    const index = (await c.listIndexes().toArray()).find((i) => i.name === 'at_1');
    expect(index).toMatchObject({ expireAfterSeconds: 120, hidden: true });

    const validator = { $jsonSchema: { bsonType: 'object', required: ['name'] } };
    await e.db.command({ collMod: 'modded', validator, validationLevel: 'moderate' });
    const [info] = await e.db.listCollections({ name: 'modded' }).toArray();
    expect((info as Document).options).toMatchObject({ validator, validationLevel: 'moderate' });

    await expect(
      e.db.command({ collMod: 'no_such_collection', validationLevel: 'off' }),
    ).rejects.toMatchObject({
      code: 26,
    });
    await expect(
      e.db.command({ collMod: 'modded', index: { name: 'nope', hidden: true } }),
    ).rejects.toMatchObject({ code: 27 });
  });
});

describe("a collection's default collation", () => {
  const names = (docs: Document[]) => docs.map((d) => d._id as number).sort((a, b) => a - b);

  it('applies to equality, $in, $ne and ranges of its queries, counts, updates and deletes', async () => {
    await e.db.createCollection('collated_ci', { collation: { locale: 'en', strength: 2 } });
    const c = coll('collated_ci');
    await c.insertMany([
      { _id: 1, name: 'Medan', tags: ['Kota', 'sumut'] },
      { _id: 2, name: 'MEDAN' },
      { _id: 3, name: 'medan' },
      { _id: 4, name: 'Médan' },
      { _id: 5, name: 'Binjai' },
    ]);
    expect(names(await c.find({ name: 'medan' }).toArray())).toEqual([1, 2, 3]);
    expect(names(await c.find({ name: { $in: ['BINJAI', 'x'] } }).toArray())).toEqual([5]);
    expect(names(await c.find({ name: { $ne: 'MeDaN' } }).toArray())).toEqual([4, 5]);
    expect(names(await c.find({ name: { $gte: 'b', $lt: 'C' } }).toArray())).toEqual([5]);
    expect(names(await c.find({ tags: 'KOTA' }).toArray())).toEqual([1]);
    expect(await c.countDocuments({ name: 'MEDAN' })).toBe(3);
    // A collation given with the query takes precedence; 'simple' compares bytes.
    expect(names(await c.find({ name: 'medan' }, { collation: { locale: 'simple' } }).toArray())).toEqual([
      3,
    ]);
    expect((await c.updateMany({ name: 'MEDAN' }, { $set: { city: true } })).modifiedCount).toBe(3);
    expect((await c.deleteMany({ name: 'binjai' })).deletedCount).toBe(1);
  });

  it('at strength 1 also ignores accents', async () => {
    await e.db.createCollection('collated_base', { collation: { locale: 'en', strength: 1 } });
    const c = coll('collated_base');
    await c.insertMany([
      { _id: 1, name: 'Médan' },
      { _id: 2, name: 'medan' },
      { _id: 3, name: 'Binjai' },
    ]);
    expect(names(await c.find({ name: 'MEDAN' }).toArray())).toEqual([1, 2]);
  });

  it('uses an index of the field and still applies the collation', async () => {
    await e.db.createCollection('collated_ix', { collation: { locale: 'en', strength: 2 } });
    const c = coll('collated_ix');
    await c.createIndex({ email: 1 });
    await c.insertMany([
      { _id: 1, email: 'Ani@Kota.go.id' },
      { _id: 2, email: 'ani@kota.go.id' },
      { _id: 3, email: 'budi@kota.go.id' },
    ]);
    expect(names(await c.find({ email: 'ANI@KOTA.GO.ID' }).toArray())).toEqual([1, 2]);
    expect(
      names(await c.find({ email: 'ani@kota.go.id' }, { collation: { locale: 'simple' } }).toArray()),
    ).toEqual([2]);
  });

  it('applies to every stage of an aggregation and to its $lookup, not the foreign default', async () => {
    await e.db.createCollection('collated_agg', { collation: { locale: 'en', strength: 2 } });
    const c = coll('collated_agg');
    await c.insertMany([
      { _id: 1, name: 'Medan', opd: 'dinkes' },
      { _id: 2, name: 'binjai', opd: 'DINKES' },
      { _id: 3, name: 'MEDAN', opd: 'bappeda' },
      { _id: 4, name: 'Aceh', opd: 'Dinkes' },
    ]);
    // A $match after another stage compares by the collation, as the first one does.
    const later = await c
      .aggregate([{ $project: { name: 1, opd: 1 } }, { $match: { name: 'medan' } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(later.map((d) => d._id)).toEqual([1, 3]);
    const ranged = await c
      .aggregate([{ $match: { opd: 'DINKES' } }, { $match: { name: { $gt: 'b' } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(ranged.map((d) => d._id)).toEqual([1, 2]);
    // $sort after the first stage: case ignored, ties in input order.
    const sorted = await c.aggregate([{ $match: {} }, { $sort: { name: 1, _id: 1 } }]).toArray();
    expect(sorted.map((d) => d._id)).toEqual([4, 2, 1, 3]);
    // $lookup compares by the aggregation's collation (the foreign collection has none).
    const units = coll('collated_agg_units');
    await units.createIndex({ code: 1 });
    await units.insertMany([
      { _id: 'u1', code: 'DINKES' },
      { _id: 'u2', code: 'bappeda' },
    ]);
    const joined = await c
      .aggregate([
        { $lookup: { from: 'collated_agg_units', localField: 'opd', foreignField: 'code', as: 'unit' } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(joined.map((d) => (d.unit as Document[]).map((u) => u._id))).toEqual([
      ['u1'],
      ['u1'],
      ['u2'],
      ['u1'],
    ]);
    // With the simple collation given, bytes again.
    const simple = await c
      .aggregate([{ $project: { name: 1 } }, { $match: { name: 'medan' } }], {
        collation: { locale: 'simple' },
      })
      .toArray();
    expect(simple).toEqual([]);
  });

  engineOnly('refuses stages it cannot run by the collation (115) rather than compare bytes', async () => {
    await e.db.createCollection('collated_agg_refused', { collation: { locale: 'en', strength: 2 } });
    const c = coll('collated_agg_refused');
    await c.insertMany([{ name: 'Medan' }, { name: 'MEDAN' }]);
    await expect(c.aggregate([{ $group: { _id: '$name', n: { $sum: 1 } } }]).toArray()).rejects.toMatchObject(
      {
        code: 115,
      },
    );
    await expect(
      c.aggregate([{ $project: { same: { $eq: ['$name', 'medan'] } } }]).toArray(),
    ).rejects.toMatchObject({ code: 115 });
    // Without the collation the same pipeline runs.
    const groups = await c
      .aggregate([{ $group: { _id: '$name', n: { $sum: 1 } } }], { collation: { locale: 'simple' } })
      .toArray();
    expect(groups).toHaveLength(2);
  });

  it('applies to the _id index: _id values that differ only in case are one key', async () => {
    await e.db.createCollection('collated_ids', { collation: { locale: 'en', strength: 2 } });
    const c = coll('collated_ids');
    await c.insertOne({ _id: 'Ani' as never, n: 1 });
    await expect(c.insertOne({ _id: 'ANI' as never, n: 2 })).rejects.toMatchObject({ code: 11000 });
    expect(await c.findOne({ _id: 'ani' as never })).toEqual({ _id: 'Ani', n: 1 });
    expect(await c.countDocuments({ _id: { $in: ['aNi', 'budi'] } } as Document)).toBe(1);
    expect(await c.findOne({ _id: 'ani' as never }, { collation: { locale: 'simple' } })).toBeNull();
    const upd = await c.updateOne({ _id: 'ANI' } as Document, { $set: { n: 3 } }, { upsert: true });
    expect(upd).toMatchObject({ matchedCount: 1, upsertedCount: 0 });
    const idIndex = (await c.listIndexes().toArray()).find((i) => i.name === '_id_');
    expect(idIndex).toMatchObject({ key: { _id: 1 }, collation: { locale: 'en', strength: 2 } });
    await c.deleteOne({ _id: 'aNI' } as Document);
    await c.insertOne({ _id: 'ANI' as never, n: 4 });
    expect(await c.countDocuments({})).toBe(1);
  });

  it('makes a unique index refuse values that differ only in case (11000)', async () => {
    await e.db.createCollection('collated_unique', { collation: { locale: 'en', strength: 2 } });
    const c = coll('collated_unique');
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertOne({ _id: 1, email: 'Ani@Kota.go.id' });
    await expect(c.insertOne({ _id: 2, email: 'ani@kota.go.id' })).rejects.toMatchObject({ code: 11000 });
    // An index created with the simple collation compares bytes.
    await c.createIndex({ nip: 1 }, { unique: true, collation: { locale: 'simple' } });
    await c.insertMany([
      { _id: 3, email: 'x@kota.go.id', nip: 'A1' },
      { _id: 4, email: 'y@kota.go.id', nip: 'a1' },
    ]);
    expect(await c.countDocuments({ nip: 'a1' })).toBe(2);
  });
});
