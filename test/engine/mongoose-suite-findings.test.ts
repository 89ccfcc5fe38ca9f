// Differences from MongoDB that Mongoose's own test suite found in the engine
// (`npm run test:mongoose-suite`, see README.md here): one test per difference, each written to
// pass unchanged against a real MongoDB (MONGODB_URI=… npx jest test/engine).
import { Document } from 'mongodb';
import { EngineUnderTest, engineOnly, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(() => e.stop());

const coll = (name: string) => e.db.collection<Document>(name);

describe('updates', () => {
  it('accepts positional paths of two operators into one matched element (model.updateOne gh-479)', async () => {
    await coll('threads').insertOne({
      _id: 1 as never,
      comments: [
        { body: 'been there', comments: [] },
        { body: 'done that', comments: [] },
      ],
    });
    await coll('threads').updateOne(
      { _id: 1 as never, 'comments.body': 'been there' },
      {
        $addToSet: { 'comments.$.comments': { body: 'The Ring Of Power' } },
        $set: { 'comments.$.title': 'MongoDB++' },
      },
    );
    const doc = await coll('threads').findOne({ _id: 1 as never });
    expect(doc!.comments).toEqual([
      { body: 'been there', comments: [{ body: 'The Ring Of Power' }], title: 'MongoDB++' },
      { body: 'done that', comments: [] },
    ]);
  });

  it('resolves $ once, on the document as it was, when the update writes the field the query matched (timestamps gh-7712)', async () => {
    const at = new Date('2026-03-04T05:06:07Z');
    await coll('parents').insertMany([
      { _id: 1 as never, children: [{ name: 'foo' }, { name: 'other' }] },
      { _id: 2 as never, children: [{ name: 'other' }, { name: 'foo' }] },
    ]);
    const res = await coll('parents').updateMany(
      { 'children.name': 'foo' },
      { $set: { 'children.$.name': 'bar', 'children.$.updatedAt': at } },
    );
    expect(res.modifiedCount).toBe(2);
    const docs = await coll('parents').find().sort({ _id: 1 }).toArray();
    expect(docs.map((d) => d.children)).toEqual([
      [{ name: 'bar', updatedAt: at }, { name: 'other' }],
      [{ name: 'other' }, { name: 'bar', updatedAt: at }],
    ]);
    const fam = await coll('parents').findOneAndUpdate(
      { _id: 1 as never, 'children.name': 'other' },
      { $set: { 'children.$.name': 'renamed' }, $inc: { 'children.$.n': 1 } },
      { returnDocument: 'after' },
    );
    expect(fam!.children[1]).toEqual({ name: 'renamed', n: 1 });
  });

  it('an upsert that inserts may $set a top-level dollar-prefixed field; an update of an existing document may not (gh-13786)', async () => {
    const res = await coll('dollars').updateOne(
      { _id: 7 as never },
      { $set: { $myKey: 'gh13786', plain: 1 }, $setOnInsert: { __v: 0 } },
      { upsert: true },
    );
    expect(res.upsertedCount).toBe(1);
    expect(await coll('dollars').findOne({ _id: 7 as never })).toEqual({
      _id: 7,
      $myKey: 'gh13786',
      plain: 1,
      __v: 0,
    });
    await expect(
      coll('dollars').updateOne({ _id: 7 as never }, { $set: { $myKey: 'changed' } }, { upsert: true }),
    ).rejects.toThrow();
    expect((await coll('dollars').findOne({ _id: 7 as never }))!.$myKey).toBe('gh13786');
  });
});

describe('$text in English', () => {
  beforeAll(async () => {
    await coll('posts').createIndex({ title: 'text' });
    await coll('posts').insertMany([
      { _id: 1 as never, title: 'searching in mongoose' },
      { _id: 2 as never, title: 'text search in mongoose' },
      { _id: 3 as never, title: 'cooking lessons' },
    ]);
    await coll('plain').createIndex({ title: 'text' }, { default_language: 'none' });
    await coll('plain').insertMany([
      { _id: 1 as never, title: 'searching in mongoose' },
      { _id: 2 as never, title: 'text search in mongoose' },
    ]);
  });

  it('matches words by their stems and ranks more matching terms first (model.querying: sort by text score)', async () => {
    const docs = await coll('posts')
      .find({ $text: { $search: 'text search' } }, { projection: { score: { $meta: 'textScore' } } })
      .sort({ score: { $meta: 'textScore' } })
      .toArray();
    expect(docs.map((d) => d._id)).toEqual([2, 1]);
    const lessons = await coll('posts')
      .find({ $text: { $search: 'lesson cooked' } })
      .toArray();
    expect(lessons.map((d) => d._id)).toEqual([3]);
  });

  it('ignores stop words', async () => {
    expect(await coll('posts').countDocuments({ $text: { $search: 'in' } })).toBe(0);
    expect(await coll('posts').countDocuments({ $text: { $search: 'the mongoose' } })).toBe(2);
  });

  it("compares whole words under the language 'none' (the index's or the query's)", async () => {
    const plain = await coll('plain')
      .find({ $text: { $search: 'search' } })
      .toArray();
    expect(plain.map((d) => d._id)).toEqual([2]);
    expect(await coll('plain').countDocuments({ $text: { $search: 'in' } })).toBe(2);
    // The query's language reads the query; the documents were indexed in English.
    expect(await coll('posts').countDocuments({ $text: { $search: 'searching', $language: 'none' } })).toBe(
      0,
    );
    expect(await coll('posts').countDocuments({ $text: { $search: 'search', $language: 'none' } })).toBe(2);
  });
});

describe('$text in a language the engine does not stem', () => {
  engineOnly('answers CommandNotSupported (115) rather than compare unstemmed words', async () => {
    await coll('french').createIndex({ title: 'text' }, { default_language: 'french' });
    await coll('french').insertOne({ title: 'les recherches' });
    await expect(coll('french').countDocuments({ $text: { $search: 'recherche' } })).rejects.toMatchObject({
      code: 115,
    });
  });
});

describe('geospatial queries, which the engine does not support', () => {
  // MongoDB runs them; the engine answers CommandNotSupported (115), never a wrong result and
  // never "unknown operator" (model.querying's 2d and 2dsphere tests).
  engineOnly('answer 115 for a query operator, also under $and/$elemMatch, and for $geoNear', async () => {
    await coll('places').createIndex({ loc: '2dsphere' });
    await coll('places').insertOne({ loc: { type: 'Point', coordinates: [98.67, 3.59] } });
    const point = { type: 'Point', coordinates: [98.6, 3.5] };
    for (const filter of [
      { loc: { $near: { $geometry: point } } },
      { loc: { $geoWithin: { $centerSphere: [[98.6, 3.5], 0.01] } } },
      { $and: [{ loc: { $geoIntersects: { $geometry: point } } }] },
      { spots: { $elemMatch: { loc: { $nearSphere: [98.6, 3.5] } } } },
    ])
      await expect(coll('places').find(filter).toArray()).rejects.toMatchObject({ code: 115 });
    await expect(
      coll('places')
        .aggregate([{ $geoNear: { near: point, distanceField: 'd' } }])
        .toArray(),
    ).rejects.toMatchObject({ code: 115 });
    await expect(
      coll('places')
        .aggregate([
          { $project: { loc: 1 } },
          {
            $match: {
              loc: {
                $geoWithin: {
                  $box: [
                    [0, 0],
                    [1, 1],
                  ],
                },
              },
            },
          },
        ])
        .toArray(),
    ).rejects.toMatchObject({ code: 115 });
  });
});
