// CRUD through the official driver: inserts, query operators, projection, sort/skip/limit,
// counts, distinct, findOneAndX, deletes — each asserting what MongoDB documents.
import { Document, ObjectId } from 'mongodb';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(async () => {
  await e.stop();
});

type Person = {
  _id: number;
  name: string;
  opd?: string | null;
  jp?: number;
  tags?: string[];
  address?: { city: string; zip?: string };
  scores?: { q: string; v: number }[];
};

const people: Person[] = [
  {
    _id: 1,
    name: 'Ani',
    opd: 'Disdukcapil',
    jp: 20,
    tags: ['it', 'komunikasi'],
    address: { city: 'Medan', zip: '20111' },
    scores: [
      { q: 'a', v: 80 },
      { q: 'b', v: 60 },
    ],
  },
  {
    _id: 2,
    name: 'Budi',
    opd: 'Diskominfo',
    jp: 12,
    tags: ['it'],
    address: { city: 'Medan' },
    scores: [{ q: 'a', v: 50 }],
  },
  { _id: 3, name: 'Citra', opd: 'BKPSDM', jp: 32, tags: [], address: { city: 'Binjai' } },
  { _id: 4, name: 'Dedi', opd: null, jp: 0 },
  { _id: 5, name: 'Eka' },
];

describe('insert and find', () => {
  beforeAll(async () => {
    const res = await e.db.collection<Person>('people').insertMany(people);
    expect(res.insertedCount).toBe(5);
  });

  const find = (filter: object, options: object = {}) =>
    e.db
      .collection<Person>('people')
      .find(filter, options)
      .toArray()
      .then((docs) => docs.map((d) => d._id));

  it('matches equality, comparison and logical operators', async () => {
    expect(await find({ opd: 'Diskominfo' })).toEqual([2]);
    expect(await find({ jp: { $gt: 12 } })).toEqual([1, 3]);
    expect(await find({ jp: { $gte: 12, $lt: 32 } })).toEqual([1, 2]);
    expect(await find({ jp: { $in: [0, 32] } })).toEqual([3, 4]);
    expect(await find({ jp: { $nin: [0, 32] } })).toEqual([1, 2, 5]);
    expect(await find({ jp: { $ne: 20 } })).toEqual([2, 3, 4, 5]);
    expect(await find({ $or: [{ name: 'Ani' }, { jp: 0 }] })).toEqual([1, 4]);
    expect(await find({ $and: [{ jp: { $gt: 0 } }, { jp: { $lt: 30 } }] })).toEqual([1, 2]);
    expect(await find({ jp: { $not: { $gt: 12 } } })).toEqual([2, 4, 5]);
    expect(await find({ $nor: [{ jp: { $gt: 12 } }, { opd: null }] })).toEqual([2]);
  });

  it('treats null as null-or-missing and $exists as presence', async () => {
    expect(await find({ opd: null })).toEqual([4, 5]);
    expect(await find({ opd: { $exists: false } })).toEqual([5]);
    expect(await find({ opd: { $exists: true } })).toEqual([1, 2, 3, 4]);
    expect(await find({ opd: { $type: 'null' } })).toEqual([4]);
    expect(await find({ opd: { $type: 'string' } })).toEqual([1, 2, 3]);
  });

  it('matches arrays, nested documents and dotted paths', async () => {
    expect(await find({ tags: 'it' })).toEqual([1, 2]);
    expect(await find({ tags: { $all: ['it', 'komunikasi'] } })).toEqual([1]);
    expect(await find({ tags: { $size: 0 } })).toEqual([3]);
    expect(await find({ tags: ['it'] })).toEqual([2]);
    expect(await find({ 'address.city': 'Medan' })).toEqual([1, 2]);
    expect(await find({ address: { city: 'Medan' } })).toEqual([2]);
    expect(await find({ 'scores.v': { $gte: 60 } })).toEqual([1]);
    expect(await find({ scores: { $elemMatch: { q: 'a', v: { $lt: 70 } } } })).toEqual([2]);
    expect(await find({ 'scores.0.v': 80 })).toEqual([1]);
  });

  it('matches regular expressions', async () => {
    expect(await find({ name: /^[ab]/i })).toEqual([1, 2]);
    expect(await find({ name: { $regex: 'k', $options: 'i' } })).toEqual([5]);
    expect(await find({ opd: { $in: [/^Dis/] } })).toEqual([1, 2]);
  });

  it('sorts, skips and limits, with missing fields first in ascending order', async () => {
    expect(await find({}, { sort: { jp: 1 } })).toEqual([5, 4, 2, 1, 3]);
    expect(await find({}, { sort: { jp: -1 }, skip: 1, limit: 2 })).toEqual([1, 2]);
    expect(await find({}, { sort: { 'address.city': 1, _id: -1 } })).toEqual([5, 4, 3, 2, 1]);
    expect(await find({ jp: { $gte: 0 } }, { sort: { name: -1 }, limit: 1 })).toEqual([4]);
  });

  it('projects inclusion, exclusion, nested fields, $slice and $elemMatch', async () => {
    const coll = e.db.collection<Person>('people');
    expect(await coll.findOne({ _id: 1 }, { projection: { name: 1 } })).toEqual({ _id: 1, name: 'Ani' });
    expect(await coll.findOne({ _id: 1 }, { projection: { name: 1, _id: 0 } })).toEqual({ name: 'Ani' });
    expect(await coll.findOne({ _id: 2 }, { projection: { scores: 0, tags: 0, address: 0 } })).toEqual({
      _id: 2,
      name: 'Budi',
      opd: 'Diskominfo',
      jp: 12,
    });
    expect(await coll.findOne({ _id: 1 }, { projection: { 'address.city': 1, _id: 0 } })).toEqual({
      address: { city: 'Medan' },
    });
    expect(await coll.findOne({ _id: 1 }, { projection: { tags: { $slice: 1 }, name: 1 } })).toEqual({
      _id: 1,
      name: 'Ani',
      tags: ['it'],
    });
    expect(await coll.findOne({ _id: 1 }, { projection: { scores: { $elemMatch: { q: 'b' } } } })).toEqual({
      _id: 1,
      scores: [{ q: 'b', v: 60 }],
    });
  });

  it('keeps field order of stored documents', async () => {
    const doc = await e.db.collection<Person>('people').findOne({ _id: 1 });
    expect(Object.keys(doc!)).toEqual(['_id', 'name', 'opd', 'jp', 'tags', 'address', 'scores']);
  });

  it('counts and lists distinct values', async () => {
    const coll = e.db.collection<Person>('people');
    expect(await coll.countDocuments()).toBe(5);
    expect(await coll.countDocuments({ jp: { $gt: 0 } })).toBe(3);
    expect(await coll.countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect(await coll.estimatedDocumentCount()).toBe(5);
    expect((await coll.distinct('opd')).sort()).toEqual(['BKPSDM', 'Disdukcapil', 'Diskominfo', null].sort());
    expect((await coll.distinct('tags')).sort()).toEqual(['it', 'komunikasi']);
    expect((await coll.distinct('address.city', { jp: { $gt: 12 } })).sort()).toEqual(['Binjai', 'Medan']);
    expect(await e.db.command({ count: 'people', query: { 'address.city': 'Medan' } })).toEqual({
      n: 2,
      ok: 1,
    });
  });
});

describe('insert', () => {
  it('adds an ObjectId _id first when the document has none', async () => {
    const raw = await e.db.command({ insert: 'noid', documents: [{ a: 1 }, { b: 2, _id: 'second' }] });
    expect(raw).toEqual({ n: 2, ok: 1 });
    const docs = await e.db.collection('noid').find().toArray();
    expect(docs[0]._id).toBeInstanceOf(ObjectId);
    expect(Object.keys(docs[0])).toEqual(['_id', 'a']);
    expect(docs[1]).toEqual({ _id: 'second', b: 2 });
    expect(Object.keys(docs[1])).toEqual(['_id', 'b']);
  });

  it('creates the collection implicitly and lists it', async () => {
    await e.db.collection('implicit').insertOne({ x: 1 });
    const names = (await e.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toContain('implicit');
  });
});

describe('delete', () => {
  it('deletes one or many and reports the count', async () => {
    const coll = e.db.collection('del');
    await coll.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }, { k: 3 }]);
    expect(await coll.deleteOne({ k: 1 })).toEqual({ acknowledged: true, deletedCount: 1 });
    expect(await coll.deleteMany({ k: { $lte: 2 } })).toEqual({ acknowledged: true, deletedCount: 2 });
    expect(await coll.deleteMany({ k: 99 })).toEqual({ acknowledged: true, deletedCount: 0 });
    expect(await coll.find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ k: 3 }]);
  });
});

describe('findOneAndUpdate, findOneAndReplace, findOneAndDelete', () => {
  it('returns the document before or after, sorted, projected, upserted', async () => {
    const coll = e.db.collection<{ _id: number; n: number; s?: string }>('fam');
    await coll.insertMany([
      { _id: 1, n: 5 },
      { _id: 2, n: 1 },
    ]);
    expect(await coll.findOneAndUpdate({}, { $inc: { n: 10 } }, { sort: { n: 1 } })).toEqual({
      _id: 2,
      n: 1,
    });
    expect(
      await coll.findOneAndUpdate(
        { _id: 2 },
        { $inc: { n: 1 } },
        { returnDocument: 'after', projection: { _id: 0 } },
      ),
    ).toEqual({ n: 12 });
    expect(await coll.findOneAndReplace({ _id: 1 }, { n: 0, s: 'r' }, { returnDocument: 'after' })).toEqual({
      _id: 1,
      n: 0,
      s: 'r',
    });
    expect(
      await coll.findOneAndUpdate({ _id: 3 }, { $set: { n: 3 } }, { upsert: true, returnDocument: 'after' }),
    ).toEqual({ _id: 3, n: 3 });
    expect(await coll.findOneAndUpdate({ _id: 4 }, { $set: { n: 4 } }, { upsert: true })).toBeNull();
    expect(await coll.findOneAndDelete({ n: { $gt: 3 } }, { sort: { n: -1 } })).toEqual({ _id: 2, n: 12 });
    expect(await coll.findOneAndDelete({ _id: 99 })).toBeNull();
    const raw = await e.db.command({
      findAndModify: 'fam',
      query: { _id: 1 },
      update: { $set: { s: 'x' } },
      new: true,
    });
    expect(raw).toEqual({
      lastErrorObject: { n: 1, updatedExisting: true },
      value: { _id: 1, n: 0, s: 'x' },
      ok: 1,
    });
    const up = await e.db.command({
      findAndModify: 'fam',
      query: { _id: 9 },
      update: { $set: { n: 9 } },
      upsert: true,
      new: true,
    });
    expect(up).toEqual({
      lastErrorObject: { n: 1, updatedExisting: false, upserted: 9 },
      value: { _id: 9, n: 9 },
      ok: 1,
    });
  });
});

describe('collections and databases', () => {
  it('creates, refuses to create again with other options, drops and lists', async () => {
    await e.db.createCollection('made');
    await e.db.createCollection('made'); // the same options: a no-op since MongoDB 7.0
    await expect(e.db.createCollection('made', { collation: { locale: 'fr' } })).rejects.toMatchObject({
      code: 48,
      codeName: 'NamespaceExists',
    });
    const info = await e.db.listCollections({ name: 'made' }).toArray();
    expect(info).toHaveLength(1);
    expect(info[0]).toMatchObject({
      name: 'made',
      type: 'collection',
      options: {},
      info: { readOnly: false },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    });
    expect(await e.db.collection('made').drop()).toBe(true);
    expect(await e.db.listCollections({ name: 'made' }).toArray()).toEqual([]);
  });

  it('lists databases and drops one', async () => {
    const other = e.client.db(`${e.dbName}_other`);
    await other.collection('x').insertOne({ a: 1 });
    const list = await e.client.db('admin').admin().listDatabases();
    expect(list.databases.map((d) => d.name)).toEqual(
      expect.arrayContaining([e.dbName, `${e.dbName}_other`]),
    );
    const entry = list.databases.find((d) => d.name === `${e.dbName}_other`)!;
    expect(entry.sizeOnDisk).toBeGreaterThan(0);
    expect(entry.empty).toBe(false);
    expect(await other.dropDatabase()).toBe(true);
    const after = await e.client.db('admin').admin().listDatabases({ nameOnly: true });
    expect(after.databases.map((d) => d.name)).not.toContain(`${e.dbName}_other`);
  });
});

describe('collation', () => {
  it('sorts strings by locale, ignoring case at strength 2, in find and aggregate', async () => {
    const coll = e.db.collection('names');
    await coll.insertMany([
      { n: 'budi' },
      { n: 'Ani' },
      { n: 'citra' },
      { n: 'Budi' },
      { n: 'ani' },
      { n: 'Çelik' },
    ]);
    const binary = (
      await coll
        .find({}, { projection: { _id: 0 } })
        .sort({ n: 1 })
        .toArray()
    ).map((d) => d.n);
    expect(binary).toEqual(['Ani', 'Budi', 'ani', 'budi', 'citra', 'Çelik']);
    const collated = (
      await coll
        .find({}, { projection: { _id: 0 }, collation: { locale: 'id', strength: 1 } })
        .sort({ n: 1 })
        .toArray()
    ).map((d) => d.n.toLowerCase());
    expect(collated).toEqual(
      ['ani', 'ani', 'budi', 'budi', 'çelik', 'citra'].sort((a, b) =>
        a.localeCompare(b, 'id', { sensitivity: 'base' }),
      ),
    );
    const agg = (
      await coll
        .aggregate([{ $sort: { n: -1 } }, { $limit: 2 }, { $project: { _id: 0, n: 1 } }], {
          collation: { locale: 'id', strength: 2 },
        })
        .toArray()
    ).map((d) => d.n.toLowerCase());
    expect(agg).toEqual(['citra', 'çelik']);
  });
});

describe('sorted pages without an index', () => {
  it('returns the same page as sorting everything', async () => {
    const coll = e.db.collection('pages');
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const docs = Array.from({ length: 3000 }, (_, i) => ({
      _id: i,
      score: rand(50),
      name: `n${rand(1000)}`,
    }));
    await coll.insertMany(docs as unknown as Document[]);
    const expected = [...docs]
      .sort((a, b) => b.score - a.score || a._id - b._id)
      .slice(40, 60)
      .map((d) => d._id);
    const page = await coll
      .find({}, { projection: { _id: 1 } })
      .sort({ score: -1, _id: 1 })
      .skip(40)
      .limit(20)
      .toArray();
    expect(page.map((d) => d._id)).toEqual(expected);
    const byTwo = await coll
      .find({ score: { $lt: 10 } })
      .sort({ score: 1, name: -1, _id: 1 })
      .limit(5)
      .toArray();
    const expectedTwo = docs
      .filter((d) => d.score < 10)
      .sort((a, b) => a.score - b.score || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0) || a._id - b._id)
      .slice(0, 5);
    expect(byTwo.map((d) => d._id)).toEqual(expectedTwo.map((d) => d._id));
  });
});
