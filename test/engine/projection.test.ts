// Find projections of plain paths (dotted or not), as MongoDB documents them
// (https://www.mongodb.com/docs/manual/tutorial/project-fields-from-query-results/ and
// "Projection Restrictions"): nested subdocuments keep only the projected fields, arrays of
// subdocuments are projected element by element, missing paths stay absent, `_id` is kept unless
// excluded, and fields keep their stored order. BSON number types survive the projection.
import { Document, Double, Long } from 'mongodb';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
type Doc = Document & { _id: number };
const people = () => e.db.collection<Doc>('people');
beforeAll(async () => {
  e = await openEngine();
  await people().insertMany([
    {
      _id: 1,
      name: 'Ani',
      email: 'ani@medan.go.id',
      mfa: { secret: 's3cr3t', enabled: true, codes: ['x', 'y'] },
      address: { city: 'Medan', geo: { lat: 3.59, lng: 98.67 } },
      scores: [{ q: 'a', v: 80 }, { q: 'b', v: 60, extra: 1 }, 7, [{ q: 'n', v: 1 }, 2], { v: 10 }],
    },
    { _id: 2, name: 'Budi', mfa: 'legacy', address: { zip: '20111' }, scores: 'none' },
    { _id: 3, name: 'Citra' },
  ]);
});
afterAll(async () => {
  await e.stop();
});

const find = (projection: Document) => people().find({}, { projection }).sort({ _id: 1 }).toArray();

describe('inclusion of plain paths', () => {
  it('keeps a nested subdocument with only the projected field (the session check)', async () => {
    expect(await find({ name: 1, 'mfa.enabled': 1 })).toEqual([
      { _id: 1, name: 'Ani', mfa: { enabled: true } },
      { _id: 2, name: 'Budi' }, // a scalar where a subdocument is expected is dropped
      { _id: 3, name: 'Citra' }, // a missing path stays absent
    ]);
  });

  it('keeps the stored field order, not the projection order', async () => {
    const [doc] = await people()
      .find({ _id: 1 }, { projection: { 'mfa.enabled': 1, 'mfa.secret': true, name: 1 } })
      .toArray();
    expect(Object.keys(doc)).toEqual(['_id', 'name', 'mfa']);
    expect(Object.keys(doc.mfa)).toEqual(['secret', 'enabled']);
  });

  it('gives an empty subdocument when the subdocument lacks the field, and goes several levels deep', async () => {
    expect(await find({ 'address.geo.lat': 1, _id: 0 })).toEqual([
      { address: { geo: { lat: 3.59 } } },
      { address: {} },
      {},
    ]);
  });

  it('projects arrays element by element: subdocuments projected, nested arrays recursed, other values dropped', async () => {
    expect(await find({ 'scores.q': 1 })).toEqual([
      { _id: 1, scores: [{ q: 'a' }, { q: 'b' }, [{ q: 'n' }], {}] },
      { _id: 2 },
      { _id: 3 },
    ]);
  });

  it('includes only _id for { _id: 1 }', async () => {
    expect(await find({ _id: 1 })).toEqual([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
  });

  it('keeps whole values included by a top-level name, arrays included', async () => {
    expect(await find({ 'mfa.codes': 1, scores: 1, _id: false })).toEqual([
      {
        mfa: { codes: ['x', 'y'] },
        scores: [{ q: 'a', v: 80 }, { q: 'b', v: 60, extra: 1 }, 7, [{ q: 'n', v: 1 }, 2], { v: 10 }],
      },
      { scores: 'none' },
      {},
    ]);
  });
});

describe('exclusion of plain paths', () => {
  it('removes a nested field and keeps the rest of the subdocument', async () => {
    expect(await find({ 'mfa.secret': 0, scores: 0, email: 0, address: 0 })).toEqual([
      { _id: 1, name: 'Ani', mfa: { enabled: true, codes: ['x', 'y'] } },
      { _id: 2, name: 'Budi', mfa: 'legacy' }, // a scalar on the path is kept
      { _id: 3, name: 'Citra' },
    ]);
  });

  it('removes the field from each subdocument of an array and keeps other elements', async () => {
    const [ani, budi] = await find({ 'scores.v': 0, _id: 0, name: 0, email: 0, mfa: 0, address: 0 });
    expect(ani).toEqual({ scores: [{ q: 'a' }, { q: 'b', extra: 1 }, 7, [{ q: 'n' }, 2], {}] });
    expect(budi).toEqual({ scores: 'none' });
  });

  it('removes only _id for { _id: 0 }, and deep paths', async () => {
    expect(await find({ _id: 0, 'address.geo.lng': 0, scores: 0, mfa: 0, email: 0 })).toEqual([
      { name: 'Ani', address: { city: 'Medan', geo: { lat: 3.59 } } },
      { name: 'Budi', address: { zip: '20111' } },
      { name: 'Citra' },
    ]);
  });
});

describe('types and other commands', () => {
  it('keeps doubles and longs exactly as stored inside projected subdocuments', async () => {
    const coll = e.db.collection<Doc>('typed');
    await coll.insertOne({
      _id: 1,
      m: { d: new Double(1), l: Long.fromNumber(5), s: 'x' },
      arr: [{ d: new Double(2), o: 1 }],
    });
    const doc = await coll.findOne(
      { _id: 1 },
      { projection: { 'm.d': 1, 'm.l': 1, 'arr.d': 1 }, promoteValues: false },
    );
    expect(doc?.m.d).toBeInstanceOf(Double);
    expect(doc?.m.l).toBeInstanceOf(Long);
    expect(Object.keys(doc?.m)).toEqual(['d', 'l']);
    expect(doc?.arr[0].d).toBeInstanceOf(Double);
    expect(Object.keys(doc?.arr[0])).toEqual(['d']);
  });

  it('applies a dotted projection in findOneAndUpdate', async () => {
    const coll = people();
    expect(
      await coll.findOneAndUpdate(
        { _id: 3 },
        { $set: { 'mfa.enabled': false, 'mfa.secret': 'z' } },
        { returnDocument: 'after', projection: { 'mfa.enabled': 1, _id: 0 } },
      ),
    ).toEqual({
      mfa: { enabled: false },
    });
    await coll.updateOne({ _id: 3 }, { $unset: { mfa: 1 } });
  });

  it('rejects a mix of inclusion and exclusion, and a path collision, as MongoDB does', async () => {
    await expect(find({ name: 1, email: 0 })).rejects.toMatchObject({ name: 'MongoServerError' });
    await expect(find({ mfa: 1, 'mfa.enabled': 1 })).rejects.toMatchObject({
      name: 'MongoServerError',
      message: expect.stringMatching(/collision/i),
    });
  });

  it('still answers operator projections ($slice, $elemMatch) next to dotted paths', async () => {
    const doc = await people().findOne(
      { _id: 1 },
      { projection: { 'mfa.enabled': 1, 'mfa.codes': { $slice: 1 } } },
    );
    expect(doc).toEqual({ _id: 1, mfa: { enabled: true, codes: ['x'] } });
  });
});

describe("MongoDB's projection errors", () => {
  const expectError = async (run: Promise<unknown>, code: number, message: string) =>
    expect(run).rejects.toMatchObject({ name: 'MongoServerError', code, message });

  it('refuses mixed inclusion and exclusion with 31253 and 31254, naming the field', async () => {
    await expectError(
      find({ name: 1, email: 0 }),
      31254,
      'Cannot do exclusion on field email in inclusion projection',
    );
    await expectError(
      find({ email: 0, name: 1 }),
      31253,
      'Cannot do inclusion on field name in exclusion projection',
    );
    await expectError(
      find({ mfa: { enabled: 1, secret: 0 } }),
      31254,
      'Cannot do exclusion on field secret in inclusion projection',
    );
    // _id may be excluded from an inclusion and included in an exclusion.
    expect(await find({ _id: 0, name: 1 })).toEqual([{ name: 'Ani' }, { name: 'Budi' }, { name: 'Citra' }]);
    expect((await find({ _id: 1, scores: 0, address: 0, mfa: 0, email: 0 }))[2]).toEqual({
      _id: 3,
      name: 'Citra',
    });
  });

  it('refuses colliding paths with 31249 and 31250', async () => {
    await expectError(
      find({ mfa: 1, 'mfa.enabled': 1 }),
      31249,
      'Path collision at mfa.enabled remaining portion enabled',
    );
    await expectError(find({ 'mfa.enabled': 1, mfa: 1 }), 31250, 'Path collision at mfa');
  });

  it('refuses an expression in an exclusion with 31252, a literal with 31310', async () => {
    await expect(find({ email: 0, tag: 'x' })).rejects.toMatchObject({ code: 31310 });
    await expectError(
      find({ email: 0, upper: { $toUpper: '$name' } }),
      31252,
      'Cannot use expression other than $meta in exclusion projection',
    );
  });

  it('answers the same in findAndModify (before writing) and in an aggregation $project', async () => {
    await expectError(
      people().findOneAndUpdate({ _id: 3 }, { $set: { seen: true } }, { projection: { name: 1, email: 0 } }),
      31254,
      'Cannot do exclusion on field email in inclusion projection',
    );
    expect(await people().findOne({ _id: 3 })).toEqual({ _id: 3, name: 'Citra' });
    await expectError(
      people()
        .aggregate([{ $project: { email: 0, name: 1 } }])
        .toArray(),
      31253,
      'Cannot do inclusion on field name in exclusion projection',
    );
    await expectError(
      people()
        .aggregate([{ $project: { mfa: 1, 'mfa.enabled': 1 } }])
        .toArray(),
      31249,
      'Path collision at mfa.enabled remaining portion enabled',
    );
  });

  it('refuses a bad projection even when no document is found', async () => {
    await expectError(
      people()
        .find({ _id: 99 }, { projection: { name: 1, email: 0 } })
        .toArray(),
      31254,
      'Cannot do exclusion on field email in inclusion projection',
    );
  });
});

describe('computed fields in a find projection', () => {
  it('puts _id first, then included fields in document order, then computed ones in projection order', async () => {
    const doc = await people().findOne(
      { _id: 1 },
      { projection: { tag: { $literal: 'x' }, name: 1, upper: { $toUpper: '$name' }, email: 1 } },
    );
    expect(Object.keys(doc!)).toEqual(['_id', 'name', 'email', 'tag', 'upper']);
    expect(doc).toEqual({ _id: 1, name: 'Ani', email: 'ani@medan.go.id', tag: 'x', upper: 'ANI' });
    const noId = await people().findOne(
      { _id: 2 },
      { projection: { _id: 0, tag: { $literal: 1 }, name: 1 } },
    );
    expect(Object.keys(noId!)).toEqual(['name', 'tag']);
  });

  it('keeps that order in findAndModify', async () => {
    const doc = await people().findOneAndUpdate(
      { _id: 2 },
      { $set: { visits: 1 } },
      { returnDocument: 'after', projection: { visits: { $add: ['$visits', 1] }, name: 1 } },
    );
    expect(Object.keys(doc!)).toEqual(['_id', 'name', 'visits']);
    expect(doc!.visits).toBe(2);
  });
});

describe('operators and computed fields below the top level', () => {
  const one = (projection: Document) => people().findOne({ _id: 1 }, { projection });

  it('slices an array in a subdocument and, outside an inclusion, keeps every other field', async () => {
    const doc = await one({ 'mfa.codes': { $slice: 1 } });
    expect(doc).toEqual({
      _id: 1,
      name: 'Ani',
      email: 'ani@medan.go.id',
      mfa: { secret: 's3cr3t', enabled: true, codes: ['x'] },
      address: { city: 'Medan', geo: { lat: 3.59, lng: 98.67 } },
      scores: [{ q: 'a', v: 80 }, { q: 'b', v: 60, extra: 1 }, 7, [{ q: 'n', v: 1 }, 2], { v: 10 }],
    });
    expect(await one({ 'mfa.codes': { $slice: -1 }, email: 0, scores: 0, address: 0 })).toEqual({
      _id: 1,
      name: 'Ani',
      mfa: { secret: 's3cr3t', enabled: true, codes: ['y'] },
    });
  });

  it('orders a subdocument as the top level: included fields in document order, then computed ones', async () => {
    const doc = await one({ mfa: { flag: { $literal: true }, enabled: 1, secret: 1 }, _id: 0 });
    expect(doc).toEqual({ mfa: { secret: 's3cr3t', enabled: true, flag: true } });
    expect(Object.keys(doc!.mfa as Document)).toEqual(['secret', 'enabled', 'flag']);
    const dotted = await one({ 'mfa.flag': { $literal: 1 }, 'mfa.enabled': 1, 'mfa.secret': 1 });
    expect(Object.keys(dotted!.mfa as Document)).toEqual(['secret', 'enabled', 'flag']);
  });

  it('refuses $elemMatch on a nested field with 31275', async () => {
    await expect(one({ 'mfa.codes': { $elemMatch: { $eq: 'x' } } })).rejects.toMatchObject({
      code: 31275,
      message: 'Cannot use $elemMatch projection on a nested field.',
    });
  });
});
