// Answers that must be MongoDB's own, where the engine once took another library's semantics:
// projection field order, positional updates, $pull conditions, $all, $slice and $elemMatch
// projections, Binary comparisons, ranges against MinKey and MaxKey, pipeline and hint errors, capped
// collections, index options, collMod and a collection's default collation. Each passes unchanged
// against a real MongoDB.
import { Binary, Document, MaxKey, MinKey } from 'mongodb';
import { EngineUnderTest, openEngine } from './support';

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

  it('compares with MinKey and MaxKey across every type, a missing field and arrays included', async () => {
    await coll('minmax').insertMany([
      { _id: 'max', a: new MaxKey() },
      { _id: 'min', a: new MinKey() },
      { _id: 'null', a: null },
      { _id: 'number', a: 4 },
      { _id: 'object', a: { b: 'hi' } },
      { _id: 'string', a: 'hello' },
      { _id: 'missing' },
      { _id: 'array', a: [1, 2] },
      { _id: 'empty', a: [] },
      { _id: 'minInArray', a: [new MinKey()] },
    ]);
    let all = ['array', 'empty', 'max', 'min', 'minInArray', 'missing', 'null', 'number', 'object', 'string'];
    const but = (...ids: string[]) => all.filter((id) => !ids.includes(id));
    const ids = async (filter: Document) =>
      (await coll('minmax').find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
    const expectAll = async () => {
      expect(await ids({ a: { $gt: new MinKey() } })).toEqual(but('min'));
      expect(await ids({ a: { $gte: new MinKey() } })).toEqual(all);
      expect(await ids({ a: { $lt: new MinKey() } })).toEqual([]);
      expect(await ids({ a: { $lte: new MinKey() } })).toEqual(all.filter((id) => id.startsWith('min')));
      expect(await ids({ a: { $gt: new MaxKey() } })).toEqual([]);
      expect(await ids({ a: { $gte: new MaxKey() } })).toEqual(['max']);
      expect(await ids({ a: { $lt: new MaxKey() } })).toEqual(but('max'));
      expect(await ids({ a: { $lte: new MaxKey() } })).toEqual(all);
      // Between the two keys: everything but the keys themselves; other bounds stay bracketed by type.
      expect(await ids({ a: { $gt: new MinKey(), $lt: new MaxKey() } })).toEqual(but('min', 'max'));
      expect(await ids({ a: { $gt: 1 } })).toEqual(['array', 'number']);
      expect(await ids({ $or: [{ a: { $gt: new MinKey() } }, { _id: 'min' }] })).toEqual(all);
      const matched = await coll('minmax')
        .aggregate([{ $match: { a: { $lt: new MaxKey() } } }, { $sort: { _id: 1 } }])
        .toArray();
      expect(matched.map((d) => d._id)).toEqual(but('max'));
    };
    await expectAll();
    // An array holding only MinKey has MinKey as its one index key: whether MongoDB's index bounds
    // for $gt: MinKey reach it is not established, so the indexed run leaves that document out.
    await coll('minmax').deleteOne({ _id: 'minInArray' });
    all = all.filter((id) => id !== 'minInArray');
    await coll('minmax').createIndex({ a: 1 });
    await expectAll();
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

  it('applies to $graphLookup, inside $facet too (test/engine/collation-stages.test.ts has the rest)', async () => {
    await e.db.createCollection('collated_agg_graph', { collation: { locale: 'en', strength: 2 } });
    const c = coll('collated_agg_graph');
    await c.insertMany([{ name: 'Medan' }, { name: 'MEDAN' }]);
    const graph = {
      $graphLookup: {
        from: 'collated_agg_graph',
        startWith: '$name',
        connectFromField: 'name',
        connectToField: 'name',
        as: 'same',
      },
    };
    const sizes = (docs: Document[]) => docs.map((d) => (d.same as Document[]).length);
    expect(sizes(await c.aggregate([graph]).toArray())).toEqual([2, 2]);
    const [facet] = await c.aggregate([{ $facet: { g: [graph] } }]).toArray();
    expect(sizes(facet.g as Document[])).toEqual([2, 2]);
    // With the simple collation each name finds only itself.
    const joined = await c.aggregate([graph], { collation: { locale: 'simple' } }).toArray();
    expect(sizes(joined)).toEqual([1, 1]);
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

describe('every stage of an aggregation under a collation (strength 2: case ignored)', () => {
  const lower = (v: unknown) => String(v).toLowerCase();
  const c = () => coll('collated_stages');
  beforeAll(async () => {
    await e.db.createCollection('collated_stages', { collation: { locale: 'en', strength: 2 } });
    await c().insertMany([
      { _id: 1, name: 'Medan', opd: 'dinkes', tags: ['Kota', 'sumut'], score: 10 },
      { _id: 2, name: 'MEDAN', opd: 'DINKES', tags: ['kota'], score: 20 },
      { _id: 3, name: 'medan', opd: 'bappeda', tags: ['SUMUT', 'Kota'], score: 30 },
      { _id: 4, name: 'Binjai', opd: 'Bappeda', tags: [], score: 40 },
      { _id: 5, name: 'binjai', opd: 'disdik', score: 50 },
    ]);
  });

  it('$group puts keys equal by the collation in one group, keyed by one of them', async () => {
    const groups = await c()
      .aggregate([
        { $sort: { _id: 1 } },
        { $group: { _id: '$name', n: { $sum: 1 }, total: { $sum: '$score' } } },
        { $sort: { n: 1 } },
      ])
      .toArray();
    expect(groups.map((g) => [lower(g._id), g.n, g.total])).toEqual([
      ['binjai', 2, 90],
      ['medan', 3, 60],
    ]);
    expect(['Medan', 'MEDAN', 'medan']).toContain(groups[1]._id);
    // A compound key compares each string by the collation; $addToSet keeps one of equal values.
    const byOpd = await c()
      .aggregate([
        { $group: { _id: { opd: '$opd' }, names: { $addToSet: '$name' }, n: { $sum: 1 } } },
        { $sort: { n: -1, '_id.opd': 1 } },
      ])
      .toArray();
    expect(
      byOpd.map((g) => [lower((g._id as Document).opd), g.n, (g.names as string[]).map(lower).sort()]),
    ).toEqual([
      ['bappeda', 2, ['binjai', 'medan']],
      ['dinkes', 2, ['medan']],
      ['disdik', 1, ['binjai']],
    ]);
    // $sortByCount groups the same way.
    const counted = await c()
      .aggregate([{ $sortByCount: '$name' }])
      .toArray();
    expect(counted.map((g) => [lower(g._id), g.count])).toEqual([
      ['medan', 3],
      ['binjai', 2],
    ]);
  });

  it('distinct answers values equal by the collation once', async () => {
    expect((await c().distinct('name')).map(lower).sort()).toEqual(['binjai', 'medan']);
    expect((await c().distinct('tags')).map(lower).sort()).toEqual(['kota', 'sumut']);
    expect((await c().distinct('opd', { score: { $gte: 20 } })).map(lower).sort()).toEqual([
      'bappeda',
      'dinkes',
      'disdik',
    ]);
    // The simple collation compares bytes.
    expect(await c().distinct('name', {}, { collation: { locale: 'simple' } })).toHaveLength(5);
  });

  it('$expr compares strings by the collation, in find and in $match', async () => {
    const ids = (docs: Document[]) => docs.map((d) => d._id as number).sort((a, b) => a - b);
    expect(
      ids(
        await c()
          .find({ $expr: { $eq: ['$name', 'MEDAN'] } })
          .toArray(),
      ),
    ).toEqual([1, 2, 3]);
    expect(
      ids(
        await c()
          .find({ $expr: { $in: ['$opd', ['Dinkes', 'x']] } })
          .toArray(),
      ),
    ).toEqual([1, 2]);
    const later = await c()
      .aggregate([{ $sort: { _id: 1 } }, { $match: { $expr: { $lt: ['$name', 'c'] } } }])
      .toArray();
    expect(ids(later)).toEqual([4, 5]);
    expect(await c().countDocuments({ $expr: { $eq: ['$opd', 'BAPPEDA'] } })).toBe(2);
  });

  it('comparison, $in and set expressions compare by the collation', async () => {
    const docs = await c()
      .aggregate([
        { $sort: { _id: 1 } },
        {
          $project: {
            same: { $eq: ['$name', 'medan'] },
            cmp: { $cmp: ['$name', 'MEDAN'] },
            inList: { $in: ['$opd', ['Dinkes', 'x']] },
            tagCount: { $size: { $ifNull: [{ $setUnion: ['$tags', ['KOTA']] }, []] } },
            hasBoth: { $setIsSubset: [['KOTA', 'Sumut'], { $ifNull: ['$tags', []] }] },
            at: { $indexOfArray: [{ $ifNull: ['$tags', []] }, 'SUMUT'] },
          },
        },
      ])
      .toArray();
    expect(docs.map((d) => [d.same, d.cmp, d.inList, d.tagCount, d.hasBoth, d.at])).toEqual([
      [true, 0, true, 2, true, 1],
      [true, 0, true, 1, false, -1],
      [true, 0, false, 2, true, 0],
      [false, -1, false, 1, false, -1],
      [false, -1, false, 0, false, -1],
    ]);
  });

  it('$facet sub-pipelines group and match by the collation', async () => {
    const [facets] = await c()
      .aggregate([
        {
          $facet: {
            byName: [{ $group: { _id: '$name', n: { $sum: 1 } } }, { $sort: { n: 1 } }],
            medan: [{ $match: { name: 'MEDAN' } }, { $count: 'n' }],
          },
        },
      ])
      .toArray();
    expect((facets.byName as Document[]).map((g) => g.n)).toEqual([2, 3]);
    expect(facets.medan).toEqual([{ n: 3 }]);
  });

  it('$bucket places strings between boundaries by the collation', async () => {
    const buckets = await c()
      .aggregate([{ $bucket: { groupBy: '$name', boundaries: ['a', 'c', 'n'], default: 'other' } }])
      .toArray();
    // In byte order 'Binjai', 'Medan' and 'MEDAN' would fall before 'a', into 'other'.
    expect(buckets).toEqual([
      { _id: 'a', count: 2 },
      { _id: 'c', count: 3 },
    ]);
  });

  it('$lookup without a foreign index joins by the collation, in both forms', async () => {
    await coll('collated_units').insertMany([
      { _id: 'u1', code: 'DINKES' },
      { _id: 'u2', code: 'Bappeda' },
    ]);
    const expected = [['u1'], ['u1'], ['u2'], ['u2'], []];
    const byField = await c()
      .aggregate([
        { $lookup: { from: 'collated_units', localField: 'opd', foreignField: 'code', as: 'unit' } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(byField.map((d) => (d.unit as Document[]).map((u) => u._id))).toEqual(expected);
    const byPipeline = await c()
      .aggregate([
        {
          $lookup: {
            from: 'collated_units',
            let: { opd: '$opd' },
            pipeline: [{ $match: { $expr: { $eq: ['$code', '$$opd'] } } }, { $project: { _id: 1 } }],
            as: 'unit',
          },
        },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(byPipeline.map((d) => (d.unit as Document[]).map((u) => u._id))).toEqual(expected);
  });
});
