// `$or` and `$and` of simple clauses, as MongoDB documents them
// (https://www.mongodb.com/docs/manual/reference/operator/query/or/ and .../and/): a document
// matches `$or` when any clause matches and `$and` when every clause does; clauses on array fields
// match when an element does; top-level fields beside `$or` must match too.
import { Document } from 'mongodb';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
type Doc = Document & { _id: number | string };
const coll = (name = 'logical') => e.db.collection<Doc>(name);

const t0 = new Date('2026-01-01T00:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

beforeAll(async () => {
  e = await openEngine();
  await coll().insertMany([
    { _id: 1, kind: 'a', n: 1, tags: ['x', 'y'], at: later(0) },
    { _id: 2, kind: 'a', n: 5, tags: [], at: later(10), lockedUntil: later(5) },
    { _id: 3, kind: 'b', n: 10, at: later(20), lockedUntil: later(30), nested: { ok: true } },
    { _id: 4, kind: 'b', n: null, nested: { ok: false } },
    { _id: 5, kind: 'c' },
  ]);
});
afterAll(async () => {
  await e.stop();
});

const ids = async (filter: Document) =>
  (await coll().find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);

describe('$or', () => {
  it('matches when any clause matches, with $exists and date ranges (the sign-in limiter shape)', async () => {
    const now = later(15);
    expect(await ids({ $or: [{ lockedUntil: { $exists: false } }, { lockedUntil: { $lte: now } }] })).toEqual(
      [1, 2, 4, 5],
    );
    expect(
      await ids({
        kind: 'a',
        at: { $lte: now },
        $or: [{ lockedUntil: { $exists: false } }, { lockedUntil: { $lte: now } }],
      }),
    ).toEqual([1, 2]);
  });

  it('matches array fields by element, whichever clause settles it', async () => {
    expect(await ids({ $or: [{ tags: 'y' }, { n: 10 }] })).toEqual([1, 3]);
    expect(await ids({ $or: [{ tags: 'z' }, { n: 1 }] })).toEqual([1]);
    expect(await ids({ $or: [{ tags: 'z' }, { kind: 'c' }] })).toEqual([5]);
  });

  it('treats null as null or missing, and dotted paths into subdocuments', async () => {
    expect(await ids({ $or: [{ n: null }, { 'nested.ok': true }] })).toEqual([3, 4, 5]);
    expect(await ids({ $or: [{ n: { $gt: 4 } }, { 'nested.ok': false }] })).toEqual([2, 3, 4]);
  });

  it('takes $in, $ne and $nin clauses, and an empty clause matches everything', async () => {
    expect(await ids({ $or: [{ kind: { $in: ['c'] } }, { n: { $ne: 5, $nin: [null, 10] } }] })).toEqual([
      1, 5,
    ]);
    expect(await ids({ $or: [{}, { kind: 'zzz' }] })).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects an empty $or/$and/$nor or a clause that is not a document (BadValue)', async () => {
    await expect(coll().find({ $or: [] }).toArray()).rejects.toMatchObject({
      code: 2,
      message: '$and/$or/$nor must be a nonempty array',
    });
    await expect(
      coll()
        .find({ kind: 'a', $and: [{ $nor: [] }] })
        .toArray(),
    ).rejects.toMatchObject({ code: 2, message: '$and/$or/$nor must be a nonempty array' });
    await expect(coll().countDocuments({ $or: [1] } as Document)).rejects.toMatchObject({
      code: 2,
      message: '$or/$and/$nor entries need to be full objects',
    });
  });
});

describe('$and and nesting', () => {
  it('matches when every clause matches, including ranges on the same field', async () => {
    expect(await ids({ $and: [{ n: { $gte: 1 } }, { n: { $lt: 10 } }] })).toEqual([1, 2]);
    expect(await ids({ $and: [{ kind: 'b' }, { $or: [{ n: 10 }, { n: null }] }] })).toEqual([3, 4]);
    expect(await ids({ $or: [{ $and: [{ kind: 'a' }, { n: 5 }] }, { kind: 'c' }] })).toEqual([2, 5]);
  });

  it('answers with an array on the path in any clause', async () => {
    expect(await ids({ $and: [{ tags: 'x' }, { kind: 'a' }] })).toEqual([1]);
    expect(await ids({ $and: [{ kind: 'a' }, { tags: { $exists: true } }, { tags: { $ne: 'x' } }] })).toEqual(
      [2],
    );
  });
});

describe('writes and counts filtered by $or', () => {
  it('updates, counts and deletes exactly the matching documents', async () => {
    const c = coll('logical-writes');
    await c.insertMany([
      { _id: 'ip:1', windowStart: later(0), count: 3 },
      { _id: 'ip:2', windowStart: later(0), count: 1, lockedUntil: later(60) },
      { _id: 'ip:3', windowStart: later(30), count: 2, lockedUntil: later(1) },
    ]);
    const now = later(10);
    const open = {
      windowStart: { $lte: now },
      $or: [{ lockedUntil: { $exists: false } }, { lockedUntil: { $lte: now } }],
    };
    expect(await c.countDocuments(open)).toBe(1);
    const res = await c.updateMany(open, { $inc: { count: 1 } });
    expect(res.modifiedCount).toBe(1);
    expect((await c.find({}).sort({ _id: 1 }).toArray()).map((d) => d.count)).toEqual([4, 1, 2]);
    expect((await c.deleteMany({ $or: [{ count: { $gte: 4 } }, { _id: 'ip:3' }] })).deletedCount).toBe(2);
    expect((await c.find({}).toArray()).map((d) => d._id)).toEqual(['ip:2']);
  });
});
