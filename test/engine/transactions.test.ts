// Multi-document transactions through driver sessions: commit applies everything at once, abort
// undoes everything, other clients never see a half-applied transaction, a transaction reads
// its own writes, and conflicting writers get TransientTransactionError.
import { Binary, ClientSession, Document, MongoClient } from 'mongodb';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
let other: MongoClient;
beforeAll(async () => {
  e = await openEngine();
  other = await MongoClient.connect(e.uri);
});
afterAll(async () => {
  await other.close();
  await e.stop();
});

const balances = async (client: MongoClient = e.client) =>
  (
    await client
      .db(e.dbName)
      .collection('accounts')
      .find({}, { sort: { _id: 1 } })
      .toArray()
  ).map((d) => [d._id, d.balance]);

beforeEach(async () => {
  const coll = e.db.collection('accounts');
  await coll.deleteMany({});
  await coll.insertMany([
    { _id: 'a', balance: 100 },
    { _id: 'b', balance: 0 },
  ] as Document[]);
});

describe('transactions', () => {
  it('commits all writes together, invisible to others until commit', async () => {
    const session = e.client.startSession();
    const coll = e.db.collection('accounts');
    try {
      session.startTransaction();
      await coll.updateOne({ _id: 'a' } as Document, { $inc: { balance: -40 } }, { session });
      await coll.updateOne({ _id: 'b' } as Document, { $inc: { balance: 40 } }, { session });
      await coll.insertOne({ _id: 'c', balance: 1 } as Document, { session });
      // Inside: its own writes. Outside (another client): nothing yet.
      expect((await coll.find({}, { session, sort: { _id: 1 } }).toArray()).map((d) => d.balance)).toEqual([
        60, 40, 1,
      ]);
      expect(await coll.countDocuments({}, { session })).toBe(3);
      expect(await balances(other)).toEqual([
        ['a', 100],
        ['b', 0],
      ]);
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
    expect(await balances(other)).toEqual([
      ['a', 60],
      ['b', 40],
      ['c', 1],
    ]);
  });

  it('aborts: none of the writes remain', async () => {
    const session = e.client.startSession();
    const coll = e.db.collection('accounts');
    session.startTransaction();
    await coll.updateOne({ _id: 'a' } as Document, { $set: { balance: 0 } }, { session });
    await coll.deleteOne({ _id: 'b' } as Document, { session });
    await coll.insertOne({ _id: 'z' } as Document, { session });
    await session.abortTransaction();
    await session.endSession();
    expect(await balances()).toEqual([
      ['a', 100],
      ['b', 0],
    ]);
  });

  it('withTransaction retries nothing on success and rolls back on a thrown error', async () => {
    const coll = e.db.collection('accounts');
    const session = e.client.startSession();
    await session.withTransaction(async () => {
      await coll.updateOne({ _id: 'a' } as Document, { $inc: { balance: -1 } }, { session });
    });
    await expect(
      session.withTransaction(async () => {
        await coll.updateOne({ _id: 'a' } as Document, { $inc: { balance: -99 } }, { session });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    await session.endSession();
    expect(await balances()).toEqual([
      ['a', 99],
      ['b', 0],
    ]);
  });

  it('aborts the transaction when one of its writes fails (duplicate key)', async () => {
    const coll = e.db.collection('accounts');
    const session = e.client.startSession();
    session.startTransaction();
    await coll.updateOne({ _id: 'a' } as Document, { $set: { balance: 1 } }, { session });
    const err = await coll.insertOne({ _id: 'b' } as Document, { session }).catch((x) => x);
    expect(err).toMatchObject({ code: 11000 });
    await expect(session.commitTransaction()).rejects.toMatchObject({
      code: 251,
      codeName: 'NoSuchTransaction',
    });
    await session.endSession();
    expect(await balances()).toEqual([
      ['a', 100],
      ['b', 0],
    ]);
  });

  it('fails the second of two conflicting transactions with a transient error', async () => {
    const coll = e.db.collection('accounts');
    const s1: ClientSession = e.client.startSession();
    const s2: ClientSession = other.startSession();
    s1.startTransaction();
    s2.startTransaction();
    await coll.updateOne({ _id: 'a' } as Document, { $inc: { balance: 1 } }, { session: s1 });
    const coll2 = other.db(e.dbName).collection('accounts');
    const second = await coll2
      .updateOne({ _id: 'a' } as Document, { $inc: { balance: 2 } }, { session: s2 })
      .then(() => s2.commitTransaction())
      .then(
        () => null,
        (x) => x,
      );
    const first = await s1.commitTransaction().then(
      () => null,
      (x) => x,
    );
    // Exactly one of them wins; the loser carries TransientTransactionError so drivers retry it.
    const failures = [first, second].filter(Boolean);
    expect(failures).toHaveLength(1);
    expect(failures[0].hasErrorLabel('TransientTransactionError')).toBe(true);
    await s1.endSession();
    await s2.endSession();
    const a = (await coll.findOne({ _id: 'a' } as Document))!.balance;
    expect([101, 102]).toContain(a);
  });

  it('answers NoSuchTransaction for a commit of an unknown transaction', async () => {
    const r = e.client.db('admin').command({
      commitTransaction: 1,
      txnNumber: 99,
      autocommit: false,
      lsid: { id: new Binary(Buffer.alloc(16, 1), 4) },
    });
    await expect(r).rejects.toMatchObject({ code: 251 });
  });
});

describe('snapshot isolation', () => {
  it('reads the data as of the transaction’s start, and refuses to overwrite later changes', async () => {
    const coll = e.db.collection('accounts');
    await coll.insertOne({ _id: 'z', balance: 5 } as Document);
    const session = e.client.startSession();
    session.startTransaction();
    expect(await coll.countDocuments({}, { session })).toBe(3);
    // Another client commits changes after the transaction began.
    const outside = other.db(e.dbName).collection('accounts');
    await outside.updateOne({ _id: 'a' } as Document, { $set: { balance: 1 } });
    await outside.insertOne({ _id: 'new', balance: 9 } as Document);
    await outside.deleteOne({ _id: 'z' } as Document);
    // The transaction still sees its snapshot, through scans and the _id index alike.
    expect(
      (await coll.find({}, { session, sort: { _id: 1 } }).toArray()).map((d) => [d._id, d.balance]),
    ).toEqual([
      ['a', 100],
      ['b', 0],
      ['z', 5],
    ]);
    expect(await coll.findOne({ _id: 'a' } as Document, { session })).toEqual({ _id: 'a', balance: 100 });
    expect(await coll.findOne({ balance: 100 }, { session })).toEqual({ _id: 'a', balance: 100 });
    expect(await coll.findOne({ _id: 'new' } as Document, { session })).toBeNull();
    // Writing a document changed since the snapshot is a write conflict, retryable.
    const err = await coll
      .updateOne({ _id: 'a' } as Document, { $inc: { balance: 1 } }, { session })
      .catch((x) => x);
    expect(err).toMatchObject({ code: 112, codeName: 'WriteConflict' });
    expect(err.hasErrorLabel('TransientTransactionError')).toBe(true);
    await session.abortTransaction().catch(() => undefined);
    await session.endSession();
    expect(await balances()).toEqual([
      ['a', 1],
      ['b', 0],
      ['new', 9],
    ]);
  });
});

describe('unique indexes inside a transaction', () => {
  const people = () => e.db.collection('txn_people');
  beforeAll(async () => {
    await people().createIndex({ nip: 1 }, { unique: true });
  });
  beforeEach(async () => {
    await people().deleteMany({});
    await people().insertOne({ _id: 'kept', nip: '100' } as Document);
  });

  it('refuses a key written earlier in the same transaction, with the key in the error', async () => {
    const session = e.client.startSession();
    session.startTransaction();
    await people().insertOne({ _id: 'p1', nip: '200' } as Document, { session });
    const err = await people()
      .insertOne({ _id: 'p2', nip: '200' } as Document, { session })
      .catch((x) => x);
    expect(err).toMatchObject({ code: 11000, keyPattern: { nip: 1 }, keyValue: { nip: '200' } });
    await session.endSession();
    expect(await people().countDocuments()).toBe(1);
  });

  it('frees a key the transaction changed or deleted, and takes it again', async () => {
    const session = e.client.startSession();
    await session.withTransaction(async () => {
      await people().insertOne({ _id: 'p1', nip: '300' } as Document, { session });
      await people().updateOne({ _id: 'p1' } as Document, { $set: { nip: '301' } }, { session });
      await people().insertOne({ _id: 'p2', nip: '300' } as Document, { session }); // 300 was given up by p1
      await people().deleteOne({ _id: 'kept' } as Document, { session });
      await people().insertOne({ _id: 'p3', nip: '100' } as Document, { session }); // deleted in this transaction
    });
    await session.endSession();
    const rows = await people()
      .find({}, { sort: { _id: 1 } })
      .toArray();
    expect(rows).toEqual([
      { _id: 'p1', nip: '301' },
      { _id: 'p2', nip: '300' },
      { _id: 'p3', nip: '100' },
    ]);
  });

  it('takes 5,000 rows with unique keys in one transaction', async () => {
    const session = e.client.startSession();
    const rows = Array.from({ length: 5000 }, (_, i) => ({ _id: `r${i}`, nip: String(10_000 + i) }));
    await session.withTransaction(async () => {
      for (let i = 0; i < rows.length; i += 500)
        await people().insertMany(rows.slice(i, i + 500) as Document[], { session });
    });
    await session.endSession();
    expect(await people().countDocuments()).toBe(5001);
  });
});
