// Differences from MongoDB found while running Mongoose's populate tests against the engine
// (model.populate, document.populate, model.populate.setting and .divergent; see README.md here)
// and checking the filters populate sends: each test is written to pass unchanged against a real
// MongoDB (MONGODB_URI=… npx jest test/engine).
import { Document, MongoServerError } from 'mongodb';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(() => e.stop());

const coll = (name: string) => e.db.collection<Document>(name);
const ids = (docs: Document[]) => docs.map((d) => d._id as number);

describe('$in and $nin with an array among their values', () => {
  // MongoDB compares each value with the field's elements and with the field's array as a whole,
  // as an equality does (jstests/core expressions_matching_whole_array.js).
  beforeAll(async () => {
    await coll('tagged').insertMany([
      { _id: 1 as never, tags: ['x', 'y'], o: { a: [1, 2] } },
      { _id: 2 as never, tags: [['x', 'y']], o: [{ a: [1, 2] }] },
      { _id: 3 as never, tags: 'x' },
      { _id: 4 as never, tags: [] },
      { _id: 5 as never, tags: ['x', 'y', 'z'] },
    ]);
  });
  const find = async (filter: Document) => ids(await coll('tagged').find(filter).sort({ _id: 1 }).toArray());

  it('match a field holding that very array, as an equality does', async () => {
    expect(await find({ tags: ['x', 'y'] })).toEqual([1, 2]);
    expect(await find({ tags: { $in: [['x', 'y']] } })).toEqual([1, 2]);
    expect(await find({ tags: { $in: [['x', 'y'], 'z'] } })).toEqual([1, 2, 5]);
    expect(await find({ tags: { $in: [[]] } })).toEqual([4]);
    expect(await find({ 'o.a': { $in: [[1, 2]] } })).toEqual([1, 2]);
    expect(await coll('tagged').countDocuments({ tags: { $in: [['x', 'y']] } })).toBe(2);
  });

  it('$nin excludes it, also with the field’s other operators', async () => {
    expect(await find({ tags: { $nin: [['x', 'y']] } })).toEqual([3, 4, 5]);
    expect(await find({ tags: { $nin: [['x', 'y'], 'z'], $exists: true } })).toEqual([3, 4]);
    expect(await find({ tags: { $in: [['x', 'y'], 'x'], $size: 2 } })).toEqual([1]);
  });

  it('in an aggregation $match after the first stage, and in an update’s filter', async () => {
    const later = await coll('tagged')
      .aggregate([
        { $project: { tags: 1 } },
        { $match: { tags: { $in: [['x', 'y']] } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(ids(later)).toEqual([1, 2]);
    const res = await coll('tagged').updateMany({ tags: { $in: [['x', 'y']] } }, { $set: { hit: true } });
    expect(res.modifiedCount).toBe(2);
    expect(await find({ hit: true })).toEqual([1, 2]);
  });

  it('a value that is not an array is refused (BadValue), even when nothing would be read', async () => {
    for (const op of ['$in', '$nin']) {
      const err = await coll('tagged')
        .find({ tags: { [op]: 'x' } })
        .toArray()
        .catch((x: unknown) => x);
      expect(err).toBeInstanceOf(MongoServerError);
      expect((err as MongoServerError).code).toBe(2);
      expect((err as MongoServerError).message).toContain(`${op} needs an array`);
    }
  });
});

describe('$all in an aggregation $match after the first stage', () => {
  it('matches a field equal to its only value, as in a find', async () => {
    await coll('labels').insertMany([
      { _id: 1 as never, tags: ['x', 'y'] },
      { _id: 2 as never, tags: 'x' },
      { _id: 3 as never, tags: ['y'] },
    ]);
    const docs = await coll('labels')
      .aggregate([{ $project: { tags: 1 } }, { $match: { tags: { $all: ['x'] } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(ids(docs)).toEqual([1, 2]);
  });
});
