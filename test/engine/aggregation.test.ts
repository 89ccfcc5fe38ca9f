// Aggregation pipelines: $match/$group with every common accumulator, $lookup across
// collections, $unwind, $facet, $project, $sort/$skip/$limit, $count, date operators, $out.
import { Document } from 'mongodb';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
  await e.db.collection('enrolments').insertMany([
    {
      _id: 1,
      nip: 'a',
      course: 'c1',
      opd: 'Disdukcapil',
      jp: 10,
      score: 80,
      done: new Date('2025-01-15T03:00:00Z'),
    },
    {
      _id: 2,
      nip: 'b',
      course: 'c1',
      opd: 'Disdukcapil',
      jp: 10,
      score: 60,
      done: new Date('2025-02-20T20:00:00Z'),
    },
    {
      _id: 3,
      nip: 'a',
      course: 'c2',
      opd: 'Disdukcapil',
      jp: 6,
      score: 90,
      done: new Date('2025-02-01T00:00:00Z'),
    },
    { _id: 4, nip: 'c', course: 'c2', opd: 'BKPSDM', jp: 6, score: 70, done: null },
  ] as Document[]);
  await e.db.collection('courses').insertMany([
    { _id: 'c1', title: 'Literasi Digital', tags: ['it', 'digital'] },
    { _id: 'c2', title: 'Pelayanan Publik', tags: ['layanan'] },
  ] as Document[]);
});
afterAll(async () => {
  await e.stop();
});

const agg = (pipeline: Document[], coll = 'enrolments') =>
  e.db.collection(coll).aggregate(pipeline).toArray();

describe('aggregation', () => {
  it('groups with $sum, $avg, $min, $max, $first, $last, $push, $addToSet, $count', async () => {
    const out = await agg([
      { $sort: { _id: 1 } },
      {
        $group: {
          _id: '$opd',
          n: { $sum: 1 },
          jp: { $sum: '$jp' },
          avg: { $avg: '$score' },
          min: { $min: '$score' },
          max: { $max: '$score' },
          first: { $first: '$nip' },
          last: { $last: '$nip' },
          all: { $push: '$nip' },
          people: { $addToSet: '$nip' },
          c: { $count: {} },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    expect(out).toEqual([
      {
        _id: 'BKPSDM',
        n: 1,
        jp: 6,
        avg: 70,
        min: 70,
        max: 70,
        first: 'c',
        last: 'c',
        all: ['c'],
        people: ['c'],
        c: 1,
      },
      {
        _id: 'Disdukcapil',
        n: 3,
        jp: 26,
        avg: (80 + 60 + 90) / 3,
        min: 60,
        max: 90,
        first: 'a',
        last: 'a',
        all: ['a', 'b', 'a'],
        people: expect.arrayContaining(['a', 'b']),
        c: 3,
      },
    ]);
  });

  it('counts documents the way Mongoose countDocuments does', async () => {
    expect(await agg([{ $match: { jp: { $gte: 10 } } }, { $group: { _id: 1, n: { $sum: 1 } } }])).toEqual([
      { _id: 1, n: 2 },
    ]);
    expect(await agg([{ $match: { opd: 'BKPSDM' } }, { $count: 'total' }])).toEqual([{ total: 1 }]);
  });

  it('joins with $lookup (localField/foreignField and pipeline form) and $unwind', async () => {
    const out = await agg([
      { $match: { nip: 'a' } },
      { $lookup: { from: 'courses', localField: 'course', foreignField: '_id', as: 'c' } },
      { $unwind: '$c' },
      { $project: { _id: 0, course: '$c.title', score: 1 } },
      { $sort: { score: -1 } },
    ]);
    expect(out).toEqual([
      { score: 90, course: 'Pelayanan Publik' },
      { score: 80, course: 'Literasi Digital' },
    ]);
    const piped = await agg(
      [
        {
          $lookup: {
            from: 'enrolments',
            let: { cid: '$_id' },
            pipeline: [{ $match: { $expr: { $eq: ['$course', '$$cid'] } } }, { $count: 'n' }],
            as: 'stats',
          },
        },
        { $project: { n: { $first: '$stats.n' } } },
        { $sort: { _id: 1 } },
      ],
      'courses',
    );
    expect(piped).toEqual([
      { _id: 'c1', n: 2 },
      { _id: 'c2', n: 2 },
    ]);
  });

  it('unwinds arrays with includeArrayIndex and preserveNullAndEmptyArrays', async () => {
    const out = await agg(
      [{ $unwind: { path: '$tags', includeArrayIndex: 'i' } }, { $project: { tags: 1, i: 1 } }],
      'courses',
    );
    expect(out).toEqual([
      { _id: 'c1', tags: 'it', i: 0 },
      { _id: 'c1', tags: 'digital', i: 1 },
      { _id: 'c2', tags: 'layanan', i: 0 },
    ]);
  });

  it('runs several pipelines at once with $facet', async () => {
    const [out] = await agg([
      {
        $facet: {
          total: [{ $count: 'n' }],
          byCourse: [{ $group: { _id: '$course', jp: { $sum: '$jp' } } }, { $sort: { _id: 1 } }],
          top: [{ $sort: { score: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }],
        },
      },
    ]);
    expect(out).toEqual({
      total: [{ n: 4 }],
      byCourse: [
        { _id: 'c1', jp: 20 },
        { _id: 'c2', jp: 12 },
      ],
      top: [{ _id: 3 }],
    });
  });

  it('computes date parts in UTC and in Asia/Jakarta', async () => {
    const out = await agg([
      { $match: { done: { $ne: null } } },
      { $sort: { _id: 1 } },
      {
        $project: {
          y: { $year: '$done' },
          m: { $month: '$done' },
          d: { $dayOfMonth: '$done' },
          wib: { $dateToString: { format: '%Y-%m-%d %H:%M', date: '$done', timezone: 'Asia/Jakarta' } },
        },
      },
    ]);
    expect(out).toEqual([
      { _id: 1, y: 2025, m: 1, d: 15, wib: '2025-01-15 10:00' },
      { _id: 2, y: 2025, m: 2, d: 20, wib: '2025-02-21 03:00' },
      { _id: 3, y: 2025, m: 2, d: 1, wib: '2025-02-01 07:00' },
    ]);
  });

  it('sorts, skips, limits and adds fields', async () => {
    const out = await agg([
      { $addFields: { passed: { $gte: ['$score', 70] } } },
      { $sort: { score: 1 } },
      { $skip: 1 },
      { $limit: 2 },
      { $project: { passed: 1 } },
    ]);
    expect(out).toEqual([
      { _id: 4, passed: true },
      { _id: 1, passed: true },
    ]);
    // The stored documents are untouched by $addFields.
    expect(await e.db.collection('enrolments').findOne({ _id: 1 } as Document)).not.toHaveProperty('passed');
  });

  it('answers $top and $bottom with the value itself, $topN with an array', async () => {
    // Per person: the best and the worst score (with its course), and the best as a one-element list.
    const out = await agg([
      {
        $group: {
          _id: '$nip',
          best: { $top: { sortBy: { score: -1 }, output: '$score' } },
          worst: { $bottom: { sortBy: { score: -1 }, output: ['$score', '$course'] } },
          bestN: { $topN: { n: 1, sortBy: { score: -1 }, output: '$score' } },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    expect(out).toEqual([
      { _id: 'a', best: 90, worst: [80, 'c1'], bestN: [90] },
      { _id: 'b', best: 60, worst: [60, 'c1'], bestN: [60] },
      { _id: 'c', best: 70, worst: [70, 'c2'], bestN: [70] },
    ]);
  });

  it('writes results with $out', async () => {
    await agg([{ $group: { _id: '$nip', jp: { $sum: '$jp' } } }, { $out: 'jp_ledger' }]);
    expect(await e.db.collection('jp_ledger').find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', jp: 16 },
      { _id: 'b', jp: 10 },
      { _id: 'c', jp: 6 },
    ]);
  });

  it('pages results larger than one batch through getMore', async () => {
    const coll = e.db.collection('many');
    await coll.insertMany(Array.from({ length: 450 }, (_, i) => ({ i })));
    const out = await coll
      .aggregate([{ $sort: { i: -1 } }, { $project: { _id: 0, i: 1 } }], { batchSize: 100 })
      .toArray();
    expect(out).toHaveLength(450);
    expect(out[0]).toEqual({ i: 449 });
    expect(out[449]).toEqual({ i: 0 });
  });
});
