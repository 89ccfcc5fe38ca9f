// The first thing the rest of the app needs: Mongoose and connect-mongo work on the engine.
import MongoStore from 'connect-mongo';
import mongoose from 'mongoose';
import { EngineUnderTest, openEngine } from './support';

let engine: EngineUnderTest;
let conn: mongoose.Connection;

const userSchema = new mongoose.Schema({
  name: String,
  email: { type: String, unique: true },
  items: [{ a: Number, b: String }],
});
const postSchema = new mongoose.Schema({
  title: String,
  author: { type: mongoose.Schema.Types.ObjectId, ref: 'User' },
});

beforeAll(async () => {
  engine = await openEngine();
  conn = await mongoose.createConnection(engine.uri, { dbName: engine.dbName }).asPromise();
});

afterAll(async () => {
  await conn.close();
  await engine.stop();
});

describe('Mongoose on the engine', () => {
  it('creates, finds, updates, saves nested arrays, populates, counts and deletes', async () => {
    const User = conn.model('User', userSchema);
    const Post = conn.model('Post', postSchema);
    await User.syncIndexes();

    const u = await User.create({
      name: 'Ani',
      email: 'ani@medan.go.id',
      items: [
        { a: 1, b: 'x' },
        { a: 2, b: 'y' },
      ],
    });
    u.items.push({ a: 3, b: 'z' });
    u.items.splice(0, 1);
    u.items[0].b = 'changed';
    await u.save();

    const saved = await User.findById(u._id).lean();
    expect(saved?.items.map((i) => [i.a, i.b])).toEqual([
      [2, 'changed'],
      [3, 'z'],
    ]);
    expect(saved?.__v).toBe(1);

    await Post.create({ title: 'Pelayanan publik', author: u._id });
    const post = await Post.findOne({ title: 'Pelayanan publik' })
      .populate<{ author: { name: string } }>('author')
      .lean();
    expect(post?.author.name).toBe('Ani');

    await expect(User.create({ name: 'Budi', email: 'ani@medan.go.id' })).rejects.toMatchObject({
      code: 11000,
      keyValue: { email: 'ani@medan.go.id' },
    });

    const res = await User.updateOne({ name: 'Ani' }, { $set: { name: 'Ani S.Kom' } });
    expect(res).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await User.countDocuments({ name: 'Ani S.Kom' })).toBe(1);
    expect(await User.find().sort({ name: 1 }).select('name -_id').lean()).toEqual([{ name: 'Ani S.Kom' }]);
    expect(await User.deleteMany({})).toMatchObject({ deletedCount: 1 });
    expect(await User.countDocuments()).toBe(0);

    const indexes = await User.listIndexes();
    expect(indexes.map((i) => [i.name, i.unique ?? false])).toEqual([
      ['_id_', false],
      ['email_1', true],
    ]);
  });

  it('runs a Mongoose transaction that commits and one that aborts', async () => {
    const Account = conn.model('Account', new mongoose.Schema({ owner: String, balance: Number }));
    await Account.create({ owner: 'a', balance: 100 });
    await conn.transaction(async (session) => {
      await Account.updateOne({ owner: 'a' }, { $inc: { balance: -30 } }, { session });
      await Account.create([{ owner: 'b', balance: 30 }], { session });
    });
    expect((await Account.find().sort({ owner: 1 }).lean()).map((d) => [d.owner, d.balance])).toEqual([
      ['a', 70],
      ['b', 30],
    ]);
    await expect(
      conn.transaction(async (session) => {
        await Account.updateOne({ owner: 'a' }, { $inc: { balance: -70 } }, { session });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect((await Account.findOne({ owner: 'a' }).lean())?.balance).toBe(70);
  });
});

describe('connect-mongo on the engine', () => {
  it('stores, reads, touches and destroys a session', async () => {
    const store = MongoStore.create({
      client: engine.client,
      dbName: engine.dbName,
      collectionName: 'sessions',
      stringify: false,
    });
    const call = <T>(fn: (cb: (err: unknown, v?: T) => void) => void) =>
      new Promise<T | undefined>((res, rej) => fn((e, v) => (e ? rej(e) : res(v))));
    const sess = {
      cookie: { maxAge: 60_000, originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) },
      user: 'nip-1990',
    };
    await call((cb) => store.set('sid-1', sess as never, cb));
    const got = await call<{ user: string }>((cb) => store.get('sid-1', cb as never));
    expect(got?.user).toBe('nip-1990');
    await call((cb) => store.touch('sid-1', sess as never, cb));
    await call((cb) => store.destroy('sid-1', cb));
    expect(await call((cb) => store.get('sid-1', cb as never))).toBeNull();
    const idx = await engine.db.collection('sessions').indexes();
    expect(idx.find((i) => i.key.expires === 1)?.expireAfterSeconds).toBe(0);
    await store.close();
  });
});
