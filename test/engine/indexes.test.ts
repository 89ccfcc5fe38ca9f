// Indexes: unique (single, compound, sparse, partial) with E11000 details, ordered and unordered
// insert batches, createIndexes/listIndexes/dropIndexes and their errors, and the planner using
// indexes for equality, $in and ranges instead of scanning.
import { Document, MongoBulkWriteError } from 'mongodb';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(async () => {
  await e.stop();
});

describe('unique indexes', () => {
  it('rejects a duplicate with code 11000, keyPattern and keyValue', async () => {
    const coll = e.db.collection('users');
    expect(await coll.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
    await coll.insertOne({ email: 'ani@medan.go.id' });
    const err = await coll.insertOne({ email: 'ani@medan.go.id' }).catch((x) => x);
    expect(err).toMatchObject({
      code: 11000,
      keyPattern: { email: 1 },
      keyValue: { email: 'ani@medan.go.id' },
    });
    expect(err.message).toMatch(
      /^E11000 duplicate key error collection: \S+\.users index: email_1 dup key: \{ email: "ani@medan.go.id" \}$/,
    );
    const upd = await coll
      .insertOne({ email: 'budi@medan.go.id' })
      .then(() =>
        coll.updateOne({ email: 'budi@medan.go.id' }, { $set: { email: 'ani@medan.go.id' } }).catch((x) => x),
      );
    expect(upd).toMatchObject({ code: 11000 });
    expect(await coll.countDocuments({ email: 'ani@medan.go.id' })).toBe(1);
  });

  it('rejects a duplicate _id', async () => {
    const coll = e.db.collection('ids');
    await coll.insertOne({ _id: 7 } as Document);
    await expect(coll.insertOne({ _id: 7 } as Document)).rejects.toMatchObject({
      code: 11000,
      keyPattern: { _id: 1 },
      keyValue: { _id: 7 },
    });
  });

  it('stops an ordered batch at the first error and goes on in an unordered one', async () => {
    const coll = e.db.collection('batches');
    await coll.createIndex({ k: 1 }, { unique: true });
    const ordered = (await coll
      .insertMany([{ k: 1 }, { k: 2 }, { k: 1 }, { k: 3 }])
      .catch((x) => x)) as MongoBulkWriteError;
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    expect(ordered.result.insertedCount).toBe(2);
    expect(ordered.writeErrors).toMatchObject([{ index: 2, code: 11000 }]);
    expect(await coll.countDocuments()).toBe(2);
    await coll.deleteMany({});
    const unordered = (await coll
      .insertMany([{ k: 1 }, { k: 1 }, { k: 2 }, { k: 2 }, { k: 3 }], { ordered: false })
      .catch((x) => x)) as MongoBulkWriteError;
    expect(unordered.result.insertedCount).toBe(3);
    expect(
      (Array.isArray(unordered.writeErrors) ? unordered.writeErrors : [unordered.writeErrors]).map(
        (w) => w.index,
      ),
    ).toEqual([1, 3]);
    expect(
      (
        await coll
          .find({}, { projection: { _id: 0 } })
          .sort({ k: 1 })
          .toArray()
      ).map((d) => d.k),
    ).toEqual([1, 2, 3]);
  });

  it('enforces compound unique keys as a whole', async () => {
    const coll = e.db.collection('enrol');
    await coll.createIndex({ user: 1, course: 1 }, { unique: true });
    await coll.insertMany([
      { user: 'a', course: 'c1' },
      { user: 'a', course: 'c2' },
      { user: 'b', course: 'c1' },
    ]);
    await expect(coll.insertOne({ user: 'a', course: 'c1' })).rejects.toMatchObject({
      code: 11000,
      keyPattern: { user: 1, course: 1 },
      keyValue: { user: 'a', course: 'c1' },
    });
  });

  it('treats missing fields as null unless sparse', async () => {
    const dense = e.db.collection('dense');
    await dense.createIndex({ code: 1 }, { unique: true });
    await dense.insertOne({ a: 1 });
    await expect(dense.insertOne({ a: 2 })).rejects.toMatchObject({ code: 11000, keyValue: { code: null } });
    const sparse = e.db.collection('sparse');
    await sparse.createIndex({ code: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ a: 1 }, { a: 2 }, { code: 'x' }]);
    await expect(sparse.insertOne({ code: 'x' })).rejects.toMatchObject({ code: 11000 });
  });

  it('applies a partial unique index only to matching documents', async () => {
    const coll = e.db.collection('partial');
    await coll.createIndex({ nip: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await coll.insertMany([
      { nip: '1', active: false },
      { nip: '1', active: false },
      { nip: '1', active: true },
    ]);
    await expect(coll.insertOne({ nip: '1', active: true })).rejects.toMatchObject({ code: 11000 });
    expect(await coll.countDocuments({ nip: '1' })).toBe(3);
  });

  it('enforces uniqueness per array element (multikey)', async () => {
    const coll = e.db.collection('multikey');
    await coll.createIndex({ tags: 1 }, { unique: true });
    await coll.insertOne({ tags: ['a', 'b'] });
    await coll.insertOne({ tags: ['c', 'c'] });
    await expect(coll.insertOne({ tags: ['x', 'b'] })).rejects.toMatchObject({
      code: 11000,
      keyValue: { tags: 'b' },
    });
  });

  it('refuses to build a unique index over existing duplicates', async () => {
    const coll = e.db.collection('dups');
    await coll.insertMany([{ k: 1 }, { k: 1 }]);
    await expect(coll.createIndex({ k: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    expect((await coll.indexes()).map((i) => i.name)).toEqual(['_id_']);
  });
});

describe('index management', () => {
  it('creates, lists and drops indexes with MongoDB reply shapes', async () => {
    const coll = e.db.collection('mgmt');
    const r = await e.db.command({
      createIndexes: 'mgmt',
      indexes: [
        { key: { a: 1 }, name: 'a_1' },
        { key: { b: -1, c: 1 }, name: 'bc', sparse: true },
      ],
    });
    expect(r).toEqual({
      numIndexesBefore: 1,
      numIndexesAfter: 3,
      createdCollectionAutomatically: true,
      ok: 1,
    });
    const again = await e.db.command({ createIndexes: 'mgmt', indexes: [{ key: { a: 1 }, name: 'a_1' }] });
    expect(again).toEqual({
      numIndexesBefore: 3,
      numIndexesAfter: 3,
      createdCollectionAutomatically: false,
      note: 'all indexes already exist',
      ok: 1,
    });
    await expect(coll.createIndex({ a: 1 }, { name: 'a_1', unique: true })).rejects.toMatchObject({
      code: 85,
    });
    await expect(coll.createIndex({ z: 1 }, { name: 'a_1' })).rejects.toMatchObject({ code: 86 });
    expect(await coll.indexes()).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { a: 1 }, name: 'a_1' },
      { v: 2, key: { b: -1, c: 1 }, name: 'bc', sparse: true },
    ]);
    expect(await e.db.command({ dropIndexes: 'mgmt', index: 'a_1' })).toEqual({ nIndexesWas: 3, ok: 1 });
    await expect(coll.dropIndex('nope')).rejects.toMatchObject({ code: 27, codeName: 'IndexNotFound' });
    await expect(coll.dropIndex('_id_')).rejects.toMatchObject({ code: 72 });
    await coll.dropIndexes();
    expect((await coll.indexes()).map((i) => i.name)).toEqual(['_id_']);
    await expect(e.db.collection('missing').indexes()).rejects.toMatchObject({
      code: 26,
      codeName: 'NamespaceNotFound',
    });
  });

  it('keeps TTL options', async () => {
    const coll = e.db.collection('ttlspec');
    await coll.createIndex({ expires: 1 }, { expireAfterSeconds: 3600 });
    expect((await coll.indexes())[1]).toEqual({
      v: 2,
      key: { expires: 1 },
      name: 'expires_1',
      expireAfterSeconds: 3600,
    });
  });
});

describe('query planning', () => {
  beforeAll(async () => {
    const coll = e.db.collection('planned');
    await coll.createIndex({ nip: 1 }, { unique: true });
    await coll.createIndex({ opd: 1 });
    await coll.createIndex({ at: 1 });
    await coll.insertMany(
      Array.from({ length: 2000 }, (_, i) => ({
        _id: i,
        nip: `n${i}`,
        opd: `opd${i % 20}`,
        at: new Date(1_700_000_000_000 + i * 60_000),
        plain: i,
      })) as Document[],
    );
  });

  const explain = (filter: Document, sort?: Document) =>
    e.db
      .collection('planned')
      .find(filter, sort ? { sort } : {})
      .explain('executionStats');

  function leaf(plan: Document): Document {
    let p = plan.queryPlanner.winningPlan;
    while (p.inputStage) p = p.inputStage;
    return p;
  }

  it('answers equality on a unique index by IXSCAN, examining one document', async () => {
    const x = await explain({ nip: 'n1234' });
    expect(leaf(x)).toMatchObject({ stage: 'IXSCAN', indexName: 'nip_1' });
    expect(x.executionStats).toMatchObject({ nReturned: 1, totalDocsExamined: 1 });
  });

  it('answers _id lookups without a scan', async () => {
    const x = await explain({ _id: 77 });
    expect(['IDHACK', 'EXPRESS_IXSCAN', 'IXSCAN', 'CLUSTERED_IXSCAN']).toContain(leaf(x).stage);
    expect(x.executionStats).toMatchObject({ nReturned: 1, totalDocsExamined: 1 });
  });

  it('uses the index for $in and ranges, examining only what matches', async () => {
    const within = await explain({ opd: { $in: ['opd1', 'opd2'] } });
    expect(leaf(within)).toMatchObject({ stage: 'IXSCAN', indexName: 'opd_1' });
    expect(within.executionStats).toMatchObject({ nReturned: 200, totalDocsExamined: 200 });
    const range = await explain({
      at: {
        $gte: new Date(1_700_000_000_000 + 100 * 60_000),
        $lt: new Date(1_700_000_000_000 + 150 * 60_000),
      },
    });
    expect(leaf(range)).toMatchObject({ stage: 'IXSCAN', indexName: 'at_1' });
    expect(range.executionStats).toMatchObject({ nReturned: 50, totalDocsExamined: 50 });
  });

  it('answers an $or of indexed conditions from the indexes', async () => {
    const x = await explain({ $or: [{ nip: 'n10' }, { _id: 20 }, { opd: 'opd7', plain: { $lt: 100 } }] });
    expect(JSON.stringify(x.queryPlanner.winningPlan)).not.toContain('COLLSCAN');
    expect(x.executionStats.nReturned).toBe(7);
    expect(x.executionStats.totalDocsExamined).toBeLessThan(200);
    const half = await explain({ $or: [{ nip: 'n10' }, { plain: 3 }] });
    expect(JSON.stringify(half.queryPlanner.winningPlan)).toContain('COLLSCAN');
    expect(half.executionStats.nReturned).toBe(2);
  });

  it('scans the collection when no index fits', async () => {
    const x = await explain({ plain: 5 });
    expect(leaf(x).stage).toBe('COLLSCAN');
    expect(x.executionStats).toMatchObject({ nReturned: 1, totalDocsExamined: 2000 });
  });

  it('returns the same documents through an index as through a scan, in sort order', async () => {
    const coll = e.db.collection('planned');
    const viaIndex = await coll
      .find({ at: { $gt: new Date(1_700_000_000_000 + 1990 * 60_000) } })
      .sort({ at: -1 })
      .toArray();
    expect(viaIndex.map((d) => d._id)).toEqual([1999, 1998, 1997, 1996, 1995, 1994, 1993, 1992, 1991]);
    const sortedByIndex = await coll.find({}).sort({ nip: 1 }).limit(3).toArray();
    expect(sortedByIndex.map((d) => d.nip)).toEqual(['n0', 'n1', 'n10']);
    expect(await coll.countDocuments({ opd: 'opd3', plain: { $lt: 100 } })).toBe(5);
  });

  it('keeps indexes right after updates and deletes', async () => {
    const coll = e.db.collection('planned');
    await coll.updateOne({ nip: 'n5' }, { $set: { nip: 'moved', opd: 'elsewhere' } });
    expect(await coll.findOne({ nip: 'n5' })).toBeNull();
    expect((await coll.findOne({ nip: 'moved' }))?._id).toBe(5);
    expect(await coll.countDocuments({ opd: 'opd5' })).toBe(99);
    await coll.deleteOne({ nip: 'moved' });
    expect(await coll.countDocuments({ opd: 'elsewhere' })).toBe(0);
    await coll.insertOne({ _id: 5, nip: 'n5' } as Document);
    expect((await coll.findOne({ nip: 'n5' }))?._id).toBe(5);
  });

  it('keeps indexes right after $inc of indexed and unindexed fields, each document once', async () => {
    const coll = e.db.collection('increments');
    await coll.createIndex({ percent: 1 });
    await coll.createIndex({ seq: 1 });
    await coll.insertMany(
      Array.from({ length: 3000 }, (_, i) => ({ _id: i, seq: i, percent: i % 10, views: 0 })) as Document[],
    );
    // An unindexed field: the indexes are left as they are and still answer.
    await coll.updateMany({ seq: { $lt: 2000 } }, { $inc: { views: 1 } });
    expect(await coll.countDocuments({ percent: 3 })).toBe(300);
    expect(await coll.countDocuments({ seq: { $gte: 1000, $lt: 1500 }, views: 1 })).toBe(500);
    // The field of the index the statement scans: every document moves ahead in it, and each is
    // incremented once.
    const r = await coll.updateMany({ percent: { $gte: 0 } }, { $inc: { percent: 10 } });
    expect(r.modifiedCount).toBe(3000);
    expect(await coll.countDocuments({ percent: { $lt: 10 } })).toBe(0);
    expect(await coll.countDocuments({ percent: 13 })).toBe(300);
    expect(await coll.countDocuments({ percent: { $gte: 20 } })).toBe(0);
    expect((await coll.find({ percent: 19 }).sort({ seq: -1 }).limit(1).toArray())[0]).toMatchObject({
      _id: 2999,
      views: 0,
    });
  });
});

describe('text indexes and $text', () => {
  beforeAll(async () => {
    const coll = e.db.collection('catalog');
    await coll.createIndex({ title: 'text', summary: 'text' }, { weights: { title: 3 } });
    await coll.insertMany([
      { _id: 1, title: 'Literasi Digital untuk ASN', summary: 'Keamanan data dan layanan digital' },
      { _id: 2, title: 'Pelayanan Publik Prima', summary: 'Standar pelayanan dan penanganan pengaduan' },
      {
        _id: 3,
        title: 'Penanganan Pengaduan',
        summary: 'SP4N-LAPOR! dan tindak lanjut pengaduan masyarakat',
      },
      { _id: 4, title: 'Manajemen Kinerja', summary: 'Sasaran kinerja pegawai' },
    ] as Document[]);
  });

  it('is listed as MongoDB lists text indexes', async () => {
    const idx = (await e.db.collection('catalog').indexes()).find(
      (i) => i.name === 'title_text_summary_text',
    );
    expect(idx).toMatchObject({
      key: { _fts: 'text', _ftsx: 1 },
      weights: { title: 3, summary: 1 },
      default_language: 'english',
      language_override: 'language',
      textIndexVersion: 3,
    });
  });

  it('finds any of the terms, ignoring case and diacritics, ranked by textScore', async () => {
    const coll = e.db.collection('catalog');
    const hits = await coll
      .find(
        { $text: { $search: 'PENGADUAN digitál' } },
        { projection: { score: { $meta: 'textScore' } }, sort: { score: { $meta: 'textScore' } } },
      )
      .toArray();
    expect(hits.map((h) => h._id).sort()).toEqual([1, 2, 3]);
    expect(hits[0]._id).toBe(3);
    expect(hits.every((h) => typeof h.score === 'number' && h.score > 0)).toBe(true);
  });

  it('requires phrases and excludes negated terms', async () => {
    const coll = e.db.collection('catalog');
    expect(
      (await coll.find({ $text: { $search: '"penanganan pengaduan"' } }).toArray()).map((d) => d._id).sort(),
    ).toEqual([2, 3]);
    expect((await coll.find({ $text: { $search: 'pengaduan -lapor' } }).toArray()).map((d) => d._id)).toEqual(
      [2],
    );
    expect(await coll.countDocuments({ $text: { $search: 'kinerja' }, _id: { $gt: 3 } } as Document)).toBe(1);
  });

  it('needs a text index', async () => {
    await expect(
      e.db
        .collection('planned')
        .find({ $text: { $search: 'x' } })
        .toArray(),
    ).rejects.toMatchObject({ code: 27 });
  });

  it('updates every match of a $text filter, also when the update yields between batches', async () => {
    const coll = e.db.collection('reports');
    await coll.createIndex({ body: 'text' });
    await coll.insertMany(
      Array.from({ length: 2500 }, (_, i) => ({
        _id: i,
        body: i % 2 ? 'pengaduan jalan rusak' : 'usulan taman kota',
      })) as Document[],
    );
    const r = await coll.updateMany({ $text: { $search: 'pengaduan' } }, { $set: { seen: true } });
    expect(r.matchedCount).toBe(1250);
    expect(r.modifiedCount).toBe(1250);
    expect(await coll.countDocuments({ seen: true })).toBe(1250);
    expect(await coll.countDocuments({ seen: true, _id: { $mod: [2, 0] } } as Document)).toBe(0);
  });
});

describe('index consistency under mixed writes', () => {
  it('answers ranges and sorted scans exactly like a full scan while documents come and go', async () => {
    const coll = e.db.collection('churn');
    await coll.createIndex({ k: 1 });
    let seed = 42;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const model = new Map<number, number>();
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 40; i++) {
        const id = rand(400);
        const op = rand(3);
        if (op === 0) {
          const k = rand(1000);
          await coll.updateOne({ _id: id } as Document, { $set: { k } }, { upsert: true });
          model.set(id, k);
        } else if (op === 1) {
          await coll.deleteOne({ _id: id } as Document);
          model.delete(id);
        } else if (model.has(id)) {
          await coll.updateOne({ _id: id } as Document, { $inc: { k: 7 } });
          model.set(id, model.get(id)! + 7);
        }
      }
      const lo = rand(900);
      const expected = [...model]
        .filter(([, k]) => k >= lo && k < lo + 150)
        .sort((a, b) => a[1] - b[1] || a[0] - b[0])
        .map(([id]) => id);
      const got = (
        await coll
          .find({ k: { $gte: lo, $lt: lo + 150 } })
          .sort({ k: 1, _id: 1 })
          .toArray()
      ).map((d) => d._id as unknown as number);
      expect(got).toEqual(expected);
      const top = (await coll.find().sort({ k: -1 }).limit(5).toArray()).map((d) => d.k);
      expect(top).toEqual([...model.values()].sort((a, b) => b - a).slice(0, 5));
    }
  });
});
