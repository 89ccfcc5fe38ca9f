// BSON round trips: every type comes back as it went in (Int32 vs Double, Long, Decimal128,
// Binary subtypes, ObjectId, Date, Timestamp, Regex, null, nested documents, field order), also
// after updates that touch other fields; and values compare in MongoDB's BSON order.
import {
  Binary,
  BSONRegExp,
  Decimal128,
  Document,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
} from 'mongodb';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(async () => {
  await e.stop();
});

const RAW = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

function sample(): Document {
  return {
    _id: new ObjectId('65a1b2c3d4e5f60718293a4b'),
    int: new Int32(7),
    dbl: new Double(1.0),
    dblFrac: new Double(2.5),
    long: Long.fromString('9007199254740993'),
    smallLong: Long.fromNumber(5),
    dec: Decimal128.fromString('1234.5600'),
    str: 'Pelayanan Publik – Medan',
    bool: false,
    date: new Date('2025-08-17T10:00:00.123Z'),
    nul: null,
    bin: new Binary(Buffer.from([0, 1, 2, 255]), 0),
    uuid: new UUID('0f8fad5b-d9cb-469f-a165-70867728950e').toBinary(),
    ts: new Timestamp({ t: 1_700_000_000, i: 3 }),
    re: new BSONRegExp('^nip\\d+', 'i'),
    min: new MinKey(),
    max: new MaxKey(),
    nested: { z: new Int32(1), a: { deep: [new Int32(1), new Double(2), 'x', { k: null }] } },
    arr: [new Double(3), new Int32(3), Long.fromNumber(3)],
  };
}

describe('BSON round trips', () => {
  it('returns every type exactly as stored, with field order', async () => {
    const coll = e.db.collection('types');
    await coll.insertOne(sample());
    const back = await coll.findOne({}, RAW);
    const { uuid, ...rest } = back!;
    const { uuid: sentUuid, ...sentRest } = sample();
    expect(rest).toEqual(sentRest);
    expect(Buffer.from((uuid as Binary).buffer).toString('hex')).toBe(
      Buffer.from((sentUuid as Binary).buffer).toString('hex'),
    );
    expect(Object.keys(back!)).toEqual(Object.keys(sample()));
    expect(back!.dbl).toBeInstanceOf(Double);
    expect(back!.int).toBeInstanceOf(Int32);
    expect(back!.long).toBeInstanceOf(Long);
    expect(back!.dec.toString()).toBe('1234.5600');
    expect((back!.uuid as Binary).sub_type).toBe(4);
  });

  it('keeps untouched fields typed after an update, and a $inc on a double stays a double', async () => {
    const coll = e.db.collection('types');
    await coll.updateOne(
      { _id: sample()._id },
      { $set: { str: 'changed' }, $inc: { dbl: new Double(1), smallLong: 1 } },
    );
    const back = await coll.findOne({}, RAW);
    expect(back!.str).toBe('changed');
    expect(back!.dbl).toEqual(new Double(2));
    expect(back!.dbl).toBeInstanceOf(Double);
    expect(back!.dblFrac).toEqual(new Double(2.5));
    expect(back!.int).toEqual(new Int32(7));
    expect(back!.smallLong).toEqual(Long.fromNumber(6));
    expect(back!.long).toEqual(Long.fromString('9007199254740993'));
    expect(back!.nested).toEqual(sample().nested);
    expect(back!.arr).toEqual(sample().arr);
  });

  it('stores the number types an update sends ($set, $setOnInsert, $push)', async () => {
    const coll = e.db.collection('settypes');
    await coll.insertOne({ _id: 1, list: [] } as Document);
    await coll.updateOne(
      { _id: 1 } as Document,
      {
        $set: { d: new Double(1), nested: { l: Long.fromNumber(2), i: new Int32(3) } },
        $push: { list: new Double(4) },
      } as Document,
    );
    await coll.updateOne(
      { _id: 2 } as Document,
      { $set: { d: new Double(5) }, $setOnInsert: { l: Long.fromNumber(6) } },
      { upsert: true },
    );
    const [one, two] = await coll.find({}, RAW).sort({ _id: 1 }).toArray();
    expect(one).toEqual({
      _id: new Int32(1),
      list: [new Double(4)],
      d: new Double(1),
      nested: { l: Long.fromNumber(2), i: new Int32(3) },
    });
    expect(two).toEqual({ _id: new Int32(2), d: new Double(5), l: Long.fromNumber(6) });
    expect(one.d).toBeInstanceOf(Double);
    expect(two.l).toBeInstanceOf(Long);
  });

  it('matches numbers across numeric types by value', async () => {
    const coll = e.db.collection('nums');
    await coll.insertMany([
      { _id: 1, v: new Int32(3) },
      { _id: 2, v: new Double(3) },
      { _id: 3, v: Long.fromNumber(3) },
      { _id: 4, v: new Double(3.5) },
    ] as Document[]);
    expect((await coll.find({ v: 3 }).toArray()).map((d) => d._id)).toEqual([1, 2, 3]);
    expect((await coll.find({ v: { $gt: new Double(3.1) } }).toArray()).map((d) => d._id)).toEqual([4]);
  });

  it('finds by ObjectId, Date and Binary values', async () => {
    const coll = e.db.collection('keys');
    const oid = new ObjectId();
    const when = new Date('2025-01-01T00:00:00Z');
    await coll.insertMany([
      { ref: oid, at: when, bin: new Binary(Buffer.from('abc')) },
      { ref: new ObjectId(), at: new Date(0) },
    ]);
    expect(await coll.countDocuments({ ref: new ObjectId(oid.toHexString()) })).toBe(1);
    expect(await coll.countDocuments({ at: new Date(when.getTime()) })).toBe(1);
    expect(await coll.countDocuments({ at: { $gt: new Date(1) } })).toBe(1);
    expect(await coll.countDocuments({ bin: new Binary(Buffer.from('abc')) })).toBe(1);
  });

  it('sorts mixed types in BSON order', async () => {
    const coll = e.db.collection('mixed');
    const oid = new ObjectId('000000000000000000000001');
    await coll.insertMany([
      { _id: 'date', v: new Date(0) },
      { _id: 'bool', v: true },
      { _id: 'oid', v: oid },
      { _id: 'bin', v: new Binary(Buffer.from([1])) },
      { _id: 'arr', v: [] },
      { _id: 'obj', v: { a: 1 } },
      { _id: 'str', v: 'a' },
      { _id: 'num', v: 1 },
      { _id: 'null', v: null },
      { _id: 'min', v: new MinKey() },
      { _id: 'max', v: new MaxKey() },
      { _id: 'ts', v: new Timestamp({ t: 1, i: 1 }) },
      { _id: 're', v: /x/ },
    ] as Document[]);
    const asc = (await coll.find().sort({ v: 1, _id: 1 }).toArray()).map((d) => d._id);
    // An empty array sorts as undefined, before null (MongoDB sorts [] by its missing minimum).
    expect(asc).toEqual([
      'min',
      'arr',
      'null',
      'num',
      'str',
      'obj',
      'bin',
      'oid',
      'bool',
      'date',
      'ts',
      're',
      'max',
    ]);
  });

  it('stores documents of nearly 16 MiB', async () => {
    const coll = e.db.collection('large');
    const big = 'x'.repeat(16 * 1024 * 1024 - 200);
    await coll.insertOne({ _id: 1, big } as Document);
    const back = await coll.findOne({ _id: 1 } as Document);
    expect(back!.big.length).toBe(big.length);
  });
});

describe('BSON order in aggregation', () => {
  it('$sort orders mixed types, ObjectIds and Decimal128 values as MongoDB does', async () => {
    const coll = e.db.collection('aggorder');
    await coll.insertMany([
      { _id: 1, v: Decimal128.fromString('10') },
      { _id: 2, v: Decimal128.fromString('9.5') },
      { _id: 3, v: new ObjectId('00000000000000000000000a') },
      { _id: 4, v: true },
      { _id: 5, v: new Date(5) },
      { _id: 6, v: 'text' },
      { _id: 7, v: null },
      { _id: 8, v: 3 },
    ] as Document[]);
    const asc = await coll.aggregate([{ $sort: { v: 1 } }, { $project: { _id: 1 } }]).toArray();
    expect(asc.map((d) => d._id)).toEqual([7, 8, 2, 1, 6, 3, 4, 5]);
    const [facet] = await coll
      .aggregate([
        { $facet: { desc: [{ $sort: { v: -1, _id: 1 } }, { $limit: 3 }, { $project: { _id: 1 } }] } },
      ])
      .toArray();
    expect(facet.desc.map((d: Document) => d._id)).toEqual([5, 4, 3]);
  });
});

describe('64-bit integers', () => {
  it('keeps longs beyond 2^53 distinct in unique indexes and lookups', async () => {
    const coll = e.db.collection('bigints');
    await coll.createIndex({ k: 1 }, { unique: true });
    await coll.insertMany([
      { k: Long.fromString('9007199254740992') },
      { k: Long.fromString('9007199254740993') },
    ]);
    expect(await coll.countDocuments({ k: Long.fromString('9007199254740993') })).toBe(1);
    await expect(coll.insertOne({ k: Long.fromString('9007199254740993') })).rejects.toMatchObject({
      code: 11000,
    });
  });
});
