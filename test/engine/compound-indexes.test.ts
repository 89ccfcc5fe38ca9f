// Compound indexes, index-served sorts, indexed $lookup and big updates: results must be what
// MongoDB returns whatever plan is chosen, and the plan (where both MongoDB and the engine report
// it the same way) uses the index.
import { Document, Double, Int32, Long, MongoClient } from 'mongodb';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(async () => {
  await e.stop();
});

/** Every stage of a find explain's winning plan (MongoDB 7 nests it under queryPlan). */
function stagesOf(explain: Document): Document[] {
  const out: Document[] = [];
  const walk = (p: Document | undefined) => {
    if (!p) return;
    out.push(p);
    walk(p.queryPlan as Document | undefined);
    walk(p.inputStage as Document | undefined);
    for (const s of (p.inputStages as Document[] | undefined) ?? []) walk(s);
  };
  walk(explain.queryPlanner.winningPlan as Document);
  return out;
}

const rows = Array.from({ length: 400 }, (_, i) => ({
  seq: i,
  opd: `OPD-${i % 4}`,
  score: (i * 37) % 50,
}));

function byKeys(keys: [string, 1 | -1][]) {
  return (a: Document, b: Document) => {
    for (const [k, d] of keys) {
      if (a[k] < b[k]) return -d;
      if (a[k] > b[k]) return d;
    }
    return 0;
  };
}

/** A document with a numeric _id and any other fields. */
type Row = { _id: number } & Record<string, unknown>;

const pick = (docs: Document[], ...fields: string[]) => docs.map((d) => fields.map((f) => d[f]).join(':'));

describe('a compound index with equality on its prefix and a range on the next field', () => {
  beforeAll(async () => {
    const coll = e.db.collection('progress');
    await coll.insertMany(rows.map((r) => ({ ...r })));
    await coll.createIndex({ opd: 1, score: 1 });
  });

  it('returns exactly the matching documents', async () => {
    const coll = e.db.collection('progress');
    const found = await coll
      .find({ opd: 'OPD-1', score: { $gte: 10, $lt: 20 } })
      .sort({ seq: 1 })
      .toArray();
    const expected = rows.filter((r) => r.opd === 'OPD-1' && r.score >= 10 && r.score < 20);
    expect(found.map((d) => d.seq)).toEqual(expected.map((r) => r.seq));
    const exclusive = await coll.find({ opd: 'OPD-3', score: { $gt: 10, $lte: 20 } }).toArray();
    expect(exclusive.map((d) => d.seq).sort((a, b) => a - b)).toEqual(
      rows.filter((r) => r.opd === 'OPD-3' && r.score > 10 && r.score <= 20).map((r) => r.seq),
    );
  });

  it('shows the compound index in explain and reads only the matching entries', async () => {
    const x = await e.db
      .collection('progress')
      .find({ opd: 'OPD-1', score: { $gte: 10, $lt: 20 } })
      .explain('executionStats');
    const scan = stagesOf(x).find((s) => s.stage === 'IXSCAN');
    expect(scan).toMatchObject({ indexName: 'opd_1_score_1', keyPattern: { opd: 1, score: 1 } });
    const n = rows.filter((r) => r.opd === 'OPD-1' && r.score >= 10 && r.score < 20).length;
    expect(x.executionStats).toMatchObject({ nReturned: n, totalDocsExamined: n });
    if (!e.isReal) {
      expect(x.executionStats.totalKeysExamined).toBe(n);
      expect(scan!.indexBounds).toEqual({ opd: ['["OPD-1", "OPD-1"]'], score: ['[10, 20)'] });
    }
  });

  it('answers $in on the prefix with a range on the next field', async () => {
    const found = await e.db
      .collection('progress')
      .find({ opd: { $in: ['OPD-0', 'OPD-2'] }, score: { $lt: 5 } })
      .toArray();
    expect(found.map((d) => d.seq).sort((a, b) => a - b)).toEqual(
      rows.filter((r) => (r.opd === 'OPD-0' || r.opd === 'OPD-2') && r.score < 5).map((r) => r.seq),
    );
  });
});

describe('sorting with a compound index', () => {
  beforeAll(async () => {
    const mixed = e.db.collection('mixed');
    await mixed.insertMany(rows.map((r) => ({ ...r })));
    await mixed.createIndex({ opd: 1, score: -1 });
  });

  it('sorts on both fields from the index, forward and backward, without a blocking sort', async () => {
    const coll = e.db.collection('progress');
    for (const dir of [1, -1] as const) {
      const sorted = await coll.find({}).sort({ opd: dir, score: dir }).toArray();
      expect(pick(sorted, 'opd', 'score')).toEqual(
        pick(
          [...rows].sort(
            byKeys([
              ['opd', dir],
              ['score', dir],
            ]),
          ),
          'opd',
          'score',
        ),
      );
      const x = await coll.find({}).sort({ opd: dir, score: dir }).explain();
      const stages = stagesOf(x).map((s) => s.stage);
      expect(stages).toContain('IXSCAN');
      expect(stages).not.toContain('SORT');
    }
  });

  it('sorts by the next field after an equality on the prefix, with a limit', async () => {
    const top = await e.db
      .collection('progress')
      .find({ opd: 'OPD-2' })
      .sort({ score: -1, seq: 1 })
      .limit(7)
      .toArray();
    const expected = rows
      .filter((r) => r.opd === 'OPD-2')
      .sort(
        byKeys([
          ['score', -1],
          ['seq', 1],
        ]),
      )
      .slice(0, 7);
    expect(top.map((d) => d.seq)).toEqual(expected.map((r) => r.seq));
  });

  it('follows an index with mixed directions, and sorts correctly in directions it cannot serve', async () => {
    const coll = e.db.collection('mixed');
    const cases: [string, 1 | -1][][] = [
      [
        ['opd', 1],
        ['score', -1],
      ],
      [
        ['opd', -1],
        ['score', 1],
      ],
      [
        ['opd', 1],
        ['score', 1],
      ],
      [
        ['opd', -1],
        ['score', -1],
      ],
    ];
    for (const keys of cases) {
      const sort = Object.fromEntries(keys);
      const got = await coll.find({}).sort(sort).toArray();
      expect(pick(got, 'opd', 'score')).toEqual(pick([...rows].sort(byKeys(keys)), 'opd', 'score'));
    }
    const served = await coll.find({}).sort({ opd: -1, score: 1 }).explain();
    expect(stagesOf(served).map((s) => s.stage)).not.toContain('SORT');
    expect(stagesOf(served).find((s) => s.stage === 'IXSCAN')).toMatchObject({ indexName: 'opd_1_score_-1' });
  });
});

describe('$lookup with and without an index on the foreign field', () => {
  const normalise = (docs: Document[]) =>
    docs.map((d): Document => ({ ...d, p: [...(d.p as Document[])].sort((a, b) => a._id - b._id) }));

  beforeAll(async () => {
    const persons = e.db.collection<Row>('persons');
    await persons.insertMany([
      ...Array.from({ length: 60 }, (_, i) => ({ _id: i, nip: `n${i % 30}`, opd: `OPD-${i % 3}` })),
      { _id: 100, opd: 'none' },
      { _id: 101, nip: null },
      { _id: 102, nip: ['n1', 'n2'] },
    ]);
    await e.db
      .collection<Row>('enrols')
      .insertMany([
        { _id: 1, nip: 'n1' },
        { _id: 2, nip: 'n7' },
        { _id: 3, nip: 'n99' },
        { _id: 4 },
        { _id: 5, nip: null },
        { _id: 6, nip: ['n3', 'n4'] },
      ]);
  });

  it('gives the same documents for localField/foreignField, and the index shows in explain', async () => {
    const pipeline = [
      { $lookup: { from: 'persons', localField: 'nip', foreignField: 'nip', as: 'p' } },
      { $sort: { _id: 1 } },
    ];
    const enrols = e.db.collection('enrols');
    const without = normalise(await enrols.aggregate(pipeline).toArray());
    await e.db.collection('persons').createIndex({ nip: 1 });
    const withIndex = normalise(await enrols.aggregate(pipeline).toArray());
    expect(withIndex).toEqual(without);
    expect(without.find((d) => d._id === 1)!.p.map((p: Document) => p._id)).toEqual([1, 31, 102]);
    if (!e.isReal) {
      const x = await enrols.aggregate(pipeline).explain();
      expect(x.stages[1]).toMatchObject({ indexesUsed: ['nip_1'] });
    }
    await e.db.collection('persons').dropIndex('nip_1');
  });

  it('gives the same documents for the pipeline form with let and $expr $eq', async () => {
    // Local documents with a value (how a missing or null one compares under $expr is left aside).
    const pipeline = [
      { $match: { _id: { $in: [1, 2, 3, 6] } } },
      {
        $lookup: {
          from: 'persons',
          let: { n: '$nip' },
          pipeline: [{ $match: { $expr: { $eq: ['$nip', '$$n'] } } }, { $project: { opd: 1 } }],
          as: 'p',
        },
      },
      { $sort: { _id: 1 } },
    ];
    const enrols = e.db.collection('enrols');
    const without = normalise(await enrols.aggregate(pipeline).toArray());
    await e.db.collection('persons').createIndex({ nip: 1 });
    const withIndex = normalise(await enrols.aggregate(pipeline).toArray());
    expect(withIndex).toEqual(without);
    expect(without.find((d) => d._id === 2)!.p).toEqual([
      { _id: 7, opd: 'OPD-1' },
      { _id: 37, opd: 'OPD-1' },
    ]);
    await e.db.collection('persons').dropIndex('nip_1');
  });
});

describe('updateMany over many documents', () => {
  const N = 3500;
  beforeAll(async () => {
    const coll = e.db.collection<Row>('bulk');
    await coll.insertMany(
      Array.from({ length: N }, (_, i) => ({
        _id: i,
        code: `c${i}`,
        score: i % 50,
        n: new Int32(i),
        d: new Double(0.5),
        l: Long.fromNumber(i),
      })),
    );
    await coll.createIndex({ score: 1 });
    await coll.createIndex({ code: 1 }, { unique: true });
  });

  it('updates every matching document and keeps the index on a changed field in step', async () => {
    const coll = e.db.collection('bulk');
    const matching = Array.from({ length: N }, (_, i) => i).filter((i) => i % 50 < 25);
    const r = await coll.updateMany({ score: { $lt: 25 } }, { $inc: { score: 100 } });
    expect(r).toMatchObject({ matchedCount: matching.length, modifiedCount: matching.length });
    expect(await coll.countDocuments({ score: { $lt: 25 } })).toBe(0);
    const moved = await coll.find({ score: { $gte: 100 } }, { projection: { _id: 1 } }).toArray();
    expect(moved.map((d) => d._id as unknown as number).sort((a, b) => a - b)).toEqual(matching);
    expect(await coll.countDocuments({ score: 107 })).toBe(matching.filter((i) => i % 50 === 7).length);
  });

  it('keeps each number type through $inc', async () => {
    const coll = e.db.collection('bulk');
    await coll.updateMany({}, { $inc: { n: 1, d: 1, l: 1 } });
    expect(
      await coll.countDocuments({ n: { $type: 'int' }, d: { $type: 'double' }, l: { $type: 'long' } }),
    ).toBe(N);
    expect(await coll.findOne({ _id: 10 } as Document, { projection: { n: 1, d: 1, l: 1, _id: 0 } })).toEqual(
      {
        n: 11,
        d: 1.5,
        l: 11,
      },
    );
  });

  it('stops at a duplicate key: the documents before it stay updated, the rest unchanged', async () => {
    const coll = e.db.collection('bulk');
    const err = await coll
      .updateMany({ _id: { $lt: 5 } } as Document, { $set: { code: 'same' } })
      .catch((x) => x);
    expect(err).toMatchObject({ code: 11000 });
    expect(await coll.countDocuments({ code: 'same' })).toBe(1);
    expect(await coll.countDocuments({ code: { $in: ['c0', 'c1', 'c2', 'c3', 'c4'] } })).toBe(4);
  });

  it('lets another client run commands while it works', async () => {
    const coll = e.db.collection('bulk');
    const other = await MongoClient.connect(e.uri);
    try {
      await other.db('admin').command({ ping: 1 });
      let updated = false;
      const update = coll.updateMany({}, { $inc: { n: 1 } }).then(() => (updated = true));
      await new Promise((r) => setImmediate(r));
      const pinged = other
        .db('admin')
        .command({ ping: 1 })
        .then(() => updated);
      const [, updatedWhenPinged] = await Promise.all([update, pinged]);
      expect(typeof updatedWhenPinged).toBe('boolean');
      expect(await coll.countDocuments({ n: { $type: 'int' } })).toBe(N);
    } finally {
      await other.close();
    }
  });

  it('updates a document removed or changed by another client meanwhile only if it still matches', async () => {
    const coll = e.db.collection<{ _id: number; g: number; v: number }>('bulk_meanwhile');
    const M = 20_000;
    for (let b = 0; b < M; b += 5000)
      await coll.insertMany(Array.from({ length: 5000 }, (_, i) => ({ _id: b + i, g: 1, v: 0 })));
    const other = await MongoClient.connect(e.uri);
    try {
      const theirs = other
        .db(e.db.databaseName)
        .collection<{ _id: number; g: number; v: number }>('bulk_meanwhile');
      const update = coll.updateMany({ g: 1 }, { $inc: { v: 1 } });
      await Promise.all([
        update,
        theirs.deleteMany({ _id: { $gte: M - 1000 } }),
        theirs.updateMany({ _id: { $gte: M - 2000, $lt: M - 1000 } }, { $set: { g: 2, v: 100 } }),
      ]);
      const r = await update;
      expect(r.matchedCount).toBeLessThanOrEqual(M);
      expect(await coll.countDocuments({ _id: { $gte: M - 1000 } })).toBe(0);
      // Every document still in the group was updated once; those taken out of it (v set to 100)
      // either before their turn (then left alone) or after it (then overwritten).
      expect(await coll.countDocuments({ g: 1, v: { $ne: 1 } })).toBe(0);
      expect(await coll.countDocuments({ g: 1 })).toBe(M - 2000);
      expect(await coll.countDocuments({ g: 2, v: 100 })).toBe(1000);
    } finally {
      await other.close();
    }
  });
});
