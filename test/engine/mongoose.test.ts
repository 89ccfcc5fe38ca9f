// Mongoose on the engine, the way the app uses it: nested subdocument arrays changed in place
// and saved, populate (also nested), timestamps, optimistic concurrency, cursors, bulk writes.
import mongoose, { Schema, Types } from 'mongoose';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
let conn: mongoose.Connection;
beforeAll(async () => {
  e = await openEngine();
  conn = await mongoose.createConnection(e.uri, { dbName: e.dbName }).asPromise();
});
afterAll(async () => {
  await conn.close();
  await e.stop();
});

const lessonSchema = new Schema({
  title: String,
  kind: { type: String, enum: ['text', 'video', 'quiz'] },
  minutes: Number,
});
const moduleSchema = new Schema({ title: String, lessons: [lessonSchema] });
const courseSchema = new Schema(
  {
    code: { type: String, unique: true },
    title: String,
    jpHalfUnits: Number,
    modules: [moduleSchema],
    authors: [{ type: Schema.Types.ObjectId, ref: 'Author' }],
    tags: [String],
    extra: Schema.Types.Mixed,
  },
  { timestamps: true, optimisticConcurrency: true },
);
const authorSchema = new Schema({
  name: String,
  institution: { type: Schema.Types.ObjectId, ref: 'Institution' },
});
const institutionSchema = new Schema({ name: String });

describe('Mongoose documents with nested arrays', () => {
  it('saves pushes, splices and edits deep inside subdocument arrays', async () => {
    const Course = conn.model('Course', courseSchema);
    await Course.syncIndexes();
    const c = await Course.create({
      code: 'LD-01',
      title: 'Literasi Digital',
      jpHalfUnits: 8,
      modules: [
        {
          title: 'M1',
          lessons: [
            { title: 'L1', kind: 'text', minutes: 10 },
            { title: 'L2', kind: 'video', minutes: 20 },
          ],
        },
        { title: 'M2', lessons: [{ title: 'L3', kind: 'quiz', minutes: 15 }] },
      ],
      tags: ['it'],
    });
    const created = c.createdAt as Date;

    c.modules[0].lessons.push({ title: 'L1b', kind: 'text', minutes: 5 });
    c.modules[0].lessons.splice(0, 1);
    c.modules[1].lessons[0].minutes = 30;
    c.modules.push({ title: 'M3', lessons: [] });
    (c.tags as unknown as Types.Array<string>).addToSet('digital', 'it');
    c.extra = { level: 2 };
    await c.save();

    let back = await Course.findById(c._id).lean();
    expect(back!.modules.map((m) => [m.title, m.lessons.map((l) => [l.title, l.minutes])])).toEqual([
      [
        'M1',
        [
          ['L2', 20],
          ['L1b', 5],
        ],
      ],
      ['M2', [['L3', 30]]],
      ['M3', []],
    ]);
    expect(back!.tags).toEqual(['it', 'digital']);
    expect(back!.extra).toEqual({ level: 2 });
    expect((back!.updatedAt as Date).getTime()).toBeGreaterThanOrEqual(created.getTime());

    // Move a lesson between modules and remove a module, then pull by id.
    const doc = (await Course.findById(c._id))!;
    const [moved] = doc.modules[0].lessons.splice(1, 1);
    doc.modules[1].lessons.unshift({ title: moved.title, kind: moved.kind, minutes: moved.minutes });
    doc.modules.pull(doc.modules[2]._id);
    (doc.tags as unknown as Types.Array<string>).pull('it');
    await doc.save();
    back = await Course.findById(c._id).lean();
    expect(back!.modules.map((m) => [m.title, m.lessons.map((l) => l.title)])).toEqual([
      ['M1', ['L2']],
      ['M2', ['L1b', 'L3']],
    ]);
    expect(back!.tags).toEqual(['digital']);
  });

  it('refuses a stale save with optimistic concurrency', async () => {
    const Course = conn.model('Course');
    const a = (await Course.findOne({ code: 'LD-01' }))!;
    const b = (await Course.findOne({ code: 'LD-01' }))!;
    a.set('title', 'Literasi Digital 2');
    await a.save();
    b.set('title', 'stale');
    await expect(b.save()).rejects.toThrow(/No matching document found|version/i);
    expect(((await Course.findOne({ code: 'LD-01' }).lean()) as { title?: string } | null)?.title).toBe(
      'Literasi Digital 2',
    );
  });

  it('reports duplicate codes as E11000 through Mongoose', async () => {
    const Course = conn.model('Course');
    await expect(Course.create({ code: 'LD-01', title: 'copy' })).rejects.toMatchObject({
      code: 11000,
      keyValue: { code: 'LD-01' },
    });
  });
});

describe('Mongoose queries', () => {
  it('populates nested references', async () => {
    const Institution = conn.model('Institution', institutionSchema);
    const Author = conn.model('Author', authorSchema);
    const Course = conn.model('Course');
    const usu = await Institution.create({ name: 'Universitas Sumatera Utara' });
    const author = await Author.create({ name: 'Dr. Rina', institution: usu._id });
    await Course.updateOne({ code: 'LD-01' }, { $push: { authors: author._id } });
    const c = await Course.findOne({ code: 'LD-01' })
      .populate({ path: 'authors', populate: { path: 'institution' } })
      .lean<{ authors: { name: string; institution: { name: string } }[] }>();
    expect(c!.authors.map((a) => [a.name, a.institution.name])).toEqual([
      ['Dr. Rina', 'Universitas Sumatera Utara'],
    ]);
  });

  it('streams with a cursor, bulk-writes, finds and updates atomically', async () => {
    const Item = conn.model('Item', new Schema({ n: Number, group: String }));
    await Item.insertMany(Array.from({ length: 1200 }, (_, n) => ({ n, group: n % 2 ? 'odd' : 'even' })));
    let sum = 0;
    for await (const it of Item.find({ group: 'odd' }).sort({ n: 1 }).cursor({ batchSize: 100 }))
      sum += it.n as number;
    expect(sum).toBe(360000);
    const r = await Item.bulkWrite([
      { updateMany: { filter: { group: 'odd' }, update: { $inc: { n: 1 } } } },
      { deleteOne: { filter: { n: 0 } } },
      { insertOne: { document: { n: -1, group: 'neg' } } },
    ]);
    expect([r.modifiedCount, r.deletedCount, r.insertedCount]).toEqual([600, 1, 1]);
    const updated = await Item.findOneAndUpdate(
      { n: -1 },
      { $set: { group: 'negative' } },
      { new: true },
    ).lean();
    expect(updated).toMatchObject({ n: -1, group: 'negative' });
    expect(await Item.countDocuments({ group: 'odd', n: { $mod: [2, 0] } })).toBe(600);
    expect((await Item.distinct('group')).sort()).toEqual(['even', 'negative', 'odd']);
    expect(await Item.exists({ n: 1199 })).toBeNull();
    expect(await Item.exists({ n: 1200 })).not.toBeNull();
    const page = await Item.find({ group: 'even' })
      .sort({ n: -1 })
      .skip(10)
      .limit(3)
      .select({ n: 1, _id: 0 })
      .lean();
    expect(page).toEqual([{ n: 1178 }, { n: 1176 }, { n: 1174 }]);
    expect(Types.ObjectId.isValid(String((await Item.findOne())!._id))).toBe(true);
  });
});
