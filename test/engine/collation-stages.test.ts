// The aggregation stages and operators that compare values follow the collation in force (the
// command's, else the collection's default) as MongoDB's do: $graphLookup, $setWindowFields,
// $bucketAuto, $densify, $fill, and $minN/$maxN/$topN/$bottomN/$top/$bottom. The strings differ
// in case, so byte order (or byte equality) gives another answer. Without a collation,
// $setWindowFields and $fill run in byte (BSON) order. Each test passes unchanged against a real
// MongoDB.
import { Document, MongoServerError } from 'mongodb';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(() => e.stop());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- documents of every shape, _id included
const coll = (name: string) => e.db.collection<any>(name);
/** Strength 2: case is ignored, accents are not. */
const caseless = { collation: { locale: 'en', strength: 2 } };
const simple = { collation: { locale: 'simple' } };
const lower = (v: unknown) => String(v).toLowerCase();

describe('$graphLookup', () => {
  const chain = (restrict?: Document, maxDepth?: number) => ({
    $graphLookup: {
      from: 'collated_staff',
      startWith: '$boss',
      connectFromField: 'boss',
      connectToField: 'name',
      as: 'chain',
      depthField: 'depth',
      ...(restrict ? { restrictSearchWithMatch: restrict } : {}),
      ...(maxDepth === undefined ? {} : { maxDepth }),
    },
  });
  const names = (doc: Document) =>
    (doc.chain as Document[])
      .map((d) => [d.name, d.depth] as const)
      .sort((a, b) => Number(a[1]) - Number(b[1]));

  beforeAll(async () => {
    // The collection's default collation applies to the $graphLookup's searches.
    await e.db.createCollection('collated_staff', caseless);
    await coll('collated_staff').insertMany([
      { _id: 1, name: 'Ani', boss: null },
      { _id: 2, name: 'budi', boss: 'ANI' },
      { _id: 3, name: 'Citra', boss: 'BUDI' },
      { _id: 4, name: 'dewi', boss: 'citra' },
    ]);
  });

  it('connects connectFromField to connectToField values equal by the collation', async () => {
    const [dewi] = await coll('collated_staff')
      .aggregate([{ $match: { _id: 4 } }, chain()])
      .toArray();
    expect(names(dewi)).toEqual([
      ['Citra', 0],
      ['budi', 1],
      ['Ani', 2],
    ]);
    // maxDepth 0 stops after the first search.
    const [near] = await coll('collated_staff')
      .aggregate([{ $match: { _id: 4 } }, chain(undefined, 0)])
      .toArray();
    expect(names(near)).toEqual([['Citra', 0]]);
    // The simple collation compares bytes: 'citra' is not 'Citra'.
    const [bytes] = await coll('collated_staff')
      .aggregate([{ $match: { _id: 4 } }, chain()], simple)
      .toArray();
    expect(bytes.chain).toEqual([]);
  });

  it('applies restrictSearchWithMatch by the collation, also inside $facet', async () => {
    const [dewi] = await coll('collated_staff')
      .aggregate([{ $match: { _id: 4 } }, chain({ name: { $ne: 'BUDI' } })])
      .toArray();
    // 'budi' is left out, so the search stops there.
    expect(names(dewi)).toEqual([['Citra', 0]]);
    const [facet] = await coll('collated_staff')
      .aggregate([{ $facet: { up: [{ $match: { _id: 3 } }, chain()] } }])
      .toArray();
    expect(names((facet.up as Document[])[0])).toEqual([
      ['budi', 0],
      ['Ani', 1],
    ]);
  });
});

describe('$setWindowFields', () => {
  beforeAll(async () => {
    await coll('collated_scores').insertMany([
      { _id: 1, team: 'Red', player: 'b', points: 1 },
      { _id: 2, team: 'RED', player: 'C', points: 2 },
      { _id: 3, team: 'red', player: 'A', points: 4 },
      { _id: 4, team: 'Blue', player: 'a', points: 8 },
      { _id: 5, team: 'blue', player: 'B', points: 16 },
      { _id: 6, team: 'blue', player: 'A', points: 32 },
    ]);
  });

  it('partitions by partitionBy, sorts by sortBy and compares in windows by the collation', async () => {
    const docs = await coll('collated_scores')
      .aggregate(
        [
          {
            $setWindowFields: {
              partitionBy: '$team',
              sortBy: { player: 1 },
              output: {
                total: { $sum: '$points' },
                rank: { $rank: {} },
                best: { $max: '$player' },
                upTo: { $sum: '$points', window: { documents: ['unbounded', 'current'] } },
              },
            },
          },
          { $sort: { _id: 1 } },
          { $project: { total: 1, rank: 1, best: 1, upTo: 1 } },
        ],
        caseless,
      )
      .toArray();
    // Red, RED and red are one team ordered A, b, C; Blue and blue another, where 'a' and 'A'
    // tie (rank 1 both). In byte order each spelling would be a team of its own.
    expect(docs.map((d) => [d._id, d.total, d.rank, d.best])).toEqual([
      [1, 7, 2, 'C'],
      [2, 7, 3, 'C'],
      [3, 7, 1, 'C'],
      [4, 56, 1, 'B'],
      [5, 56, 3, 'B'],
      [6, 56, 1, 'B'],
    ]);
    // A running sum follows the collation's order (A, b, C); ties ('a', 'A') are in either order.
    expect(docs.slice(0, 3).map((d) => d.upTo)).toEqual([5, 7, 4]);
    expect(docs[4].upTo).toBe(56);
  });

  it('refuses a range window over strings (MongoDB needs numbers or dates there)', async () => {
    const error = (await coll('collated_scores')
      .aggregate(
        [
          {
            $setWindowFields: {
              sortBy: { player: 1 },
              output: { near: { $sum: '$points', window: { range: [-1, 1] } } },
            },
          },
        ],
        caseless,
      )
      .toArray()
      .catch((err: unknown) => err)) as MongoServerError;
    expect(error).toBeInstanceOf(MongoServerError);
    // The engine cannot order strings for a range: CommandNotSupported, never a guessed window.
    if (!e.isReal) expect(error.code).toBe(115);
  });

  it('without a collation partitions and sorts in byte order', async () => {
    const docs = await coll('collated_scores')
      .aggregate([
        {
          $setWindowFields: {
            partitionBy: '$team',
            sortBy: { player: 1 },
            output: { total: { $sum: '$points' }, rank: { $rank: {} }, best: { $max: '$player' } },
          },
        },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(docs.map((d) => [d._id, d.total, d.rank, d.best])).toEqual([
      [1, 1, 1, 'b'],
      [2, 2, 1, 'C'],
      [3, 4, 1, 'A'],
      [4, 8, 1, 'a'],
      [5, 48, 2, 'B'],
      [6, 48, 1, 'B'],
    ]);
  });
});

describe('$bucketAuto', () => {
  it('orders groupBy values by the collation and never splits values equal by it', async () => {
    await coll('collated_produce').insertMany(
      ['apel', 'Bayam', 'cabai', 'Durian', 'era', 'Fig'].map((name) => ({ name })),
    );
    const buckets = await coll('collated_produce')
      .aggregate([{ $bucketAuto: { groupBy: '$name', buckets: 2 } }], caseless)
      .toArray();
    // In byte order the capitalised names would come first ('Bayam' … 'Fig', then 'apel' …).
    expect(buckets).toEqual([
      { _id: { min: 'apel', max: 'Durian' }, count: 3 },
      { _id: { min: 'Durian', max: 'Fig' }, count: 3 },
    ]);

    await coll('collated_places').insertMany(['Kota', 'desa', 'kota', 'KOTA'].map((kind) => ({ kind })));
    const places = await coll('collated_places')
      .aggregate([{ $bucketAuto: { groupBy: '$kind', buckets: 2 } }], caseless)
      .toArray();
    // Two documents a bucket, but the three spellings of 'kota' are one value: one bucket.
    expect(places).toHaveLength(1);
    expect(places[0]._id.min).toBe('desa');
    expect(lower(places[0]._id.max)).toBe('kota');
    expect(places[0].count).toBe(4);
  });
});

describe('$densify and $fill', () => {
  beforeAll(async () => {
    await coll('collated_days').insertMany([
      { _id: 1, area: 'Medan', day: 1, score: 10 },
      { _id: 2, area: 'MEDAN', day: 4 },
      { _id: 3, area: 'binjai', day: 2, score: 5 },
      { _id: 4, area: 'Binjai', day: 3 },
    ]);
  });

  it('$densify partitions by partitionByFields values equal by the collation', async () => {
    const docs = await coll('collated_days')
      .aggregate(
        [
          {
            $densify: {
              field: 'day',
              partitionByFields: ['area'],
              range: { step: 1, bounds: 'partition' },
            },
          },
        ],
        caseless,
      )
      .toArray();
    // Medan and MEDAN are one area with days 1 and 4: days 2 and 3 are added (binjai's 2 and 3
    // need nothing). In byte order every area would hold a single day and nothing be added.
    const added = docs.filter((d) => d._id === undefined);
    expect(added.map((d) => d.day).sort()).toEqual([2, 3]);
    expect(added.map((d) => lower(d.area))).toEqual(['medan', 'medan']);
    expect(docs).toHaveLength(6);
  });

  it('$fill partitions and sorts by the collation', async () => {
    const filled = await coll('collated_days')
      .aggregate(
        [
          {
            $fill: { partitionByFields: ['area'], sortBy: { day: 1 }, output: { score: { method: 'locf' } } },
          },
          { $sort: { _id: 1 } },
        ],
        caseless,
      )
      .toArray();
    expect(filled.map((d) => [d._id, d.score])).toEqual([
      [1, 10],
      [2, 10],
      [3, 5],
      [4, 5],
    ]);

    await coll('collated_codes').insertMany([
      { _id: 1, code: 'a', v: 1 },
      { _id: 2, code: 'B' },
      { _id: 3, code: 'c', v: 3 },
      { _id: 4, code: 'D' },
    ]);
    const byCode = await coll('collated_codes')
      .aggregate(
        [{ $fill: { sortBy: { code: 1 }, output: { v: { method: 'locf' } } } }, { $sort: { _id: 1 } }],
        caseless,
      )
      .toArray();
    // Ordered a, B, c, D: each capital takes the value before it (in byte order B and D come first).
    expect(byCode.map((d) => d.v)).toEqual([1, 1, 3, 3]);
  });

  it('$fill without a collation sorts in byte order', async () => {
    await coll('binary_codes').insertMany([
      { _id: 1, code: 'B', v: 2 },
      { _id: 2, code: 'a' },
      { _id: 3, code: 'C', v: 4 },
      { _id: 4, code: 'd' },
    ]);
    const filled = await coll('binary_codes')
      .aggregate([
        { $fill: { sortBy: { code: 1 }, output: { v: { method: 'locf' } } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    // B, C, a, d: the lower-case codes come after C and take its value.
    expect(filled.map((d) => d.v)).toEqual([2, 4, 4, 4]);
  });
});

describe('$minN, $maxN, $topN, $bottomN, $top and $bottom', () => {
  beforeAll(async () => {
    await coll('collated_words').insertMany(['b', 'C', 'a', 'D'].map((w, i) => ({ _id: i + 1, w })));
  });

  it('compare by the collation as accumulators', async () => {
    const [g] = await coll('collated_words')
      .aggregate(
        [
          {
            $group: {
              _id: null,
              lo: { $minN: { n: 2, input: '$w' } },
              hi: { $maxN: { n: 2, input: '$w' } },
              top: { $topN: { n: 2, sortBy: { w: 1 }, output: '$_id' } },
              bottom: { $bottomN: { n: 2, sortBy: { w: 1 }, output: '$w' } },
              first: { $top: { sortBy: { w: 1 }, output: '$w' } },
              last: { $bottom: { sortBy: { w: 1 }, output: '$w' } },
            },
          },
        ],
        caseless,
      )
      .toArray();
    // In byte order: lo ['C', 'D'], hi ['b', 'a'], top [2, 4], bottom ['a', 'b'], 'C', 'b'.
    expect(g).toEqual({
      _id: null,
      lo: ['a', 'b'],
      hi: ['D', 'C'],
      top: [3, 1],
      bottom: ['C', 'D'],
      first: 'a',
      last: 'D',
    });
  });

  it('compare by the collation as array expressions', async () => {
    const [doc] = await coll('collated_words')
      .aggregate(
        [
          { $limit: 1 },
          {
            $project: {
              _id: 0,
              lo: { $minN: { n: 2, input: ['b', 'C', 'a', 'D'] } },
              hi: { $maxN: { n: 1, input: ['b', 'C', 'a', 'D'] } },
            },
          },
        ],
        caseless,
      )
      .toArray();
    expect(doc).toEqual({ lo: ['a', 'b'], hi: ['D'] });
  });

  it("check 'n' and their arguments with MongoDB's codes", async () => {
    const run = (group: Document) =>
      coll('collated_words')
        .aggregate([{ $group: { _id: null, x: group } }], caseless)
        .toArray();
    await expect(run({ $minN: { n: 0, input: '$w' } })).rejects.toMatchObject({ code: 5787908 });
    await expect(run({ $maxN: { n: 1.5, input: '$w' } })).rejects.toMatchObject({ code: 5787903 });
    await expect(run({ $maxN: { input: '$w' } })).rejects.toMatchObject({ code: 5787906 });
    await expect(run({ $topN: { n: 1, output: '$w' } })).rejects.toMatchObject({ code: 5788005 });
    await expect(
      coll('collated_words')
        .aggregate([{ $project: { x: { $minN: { n: 1, input: '$w' } } } }], caseless)
        .toArray(),
    ).rejects.toMatchObject({ code: 5788200 });
  });
});
