// Differences from MongoDB that Mongoose's query.test.js and query.cursor.test.js found in the
// engine (`npm run test:mongoose-suite`, see README.md here): one test per difference, each written
// to pass unchanged against a real MongoDB (MONGODB_URI=… npx jest test/engine).
import { DBRef, Document, ObjectId } from 'mongodb';
import { EngineUnderTest, engineOnly, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(() => e.stop());

const coll = (name: string) => e.db.collection<Document>(name);

describe('DBRefs are documents { $ref, $id, $db }', () => {
  const member = new ObjectId();
  const other = new ObjectId();

  beforeAll(async () => {
    await coll('chats').insertMany([
      { _id: 1 as never, members: [new DBRef('people', member, 'club'), new DBRef('people', other)] },
      { _id: 2 as never, members: [new DBRef('people', other)] },
      { _id: 3 as never, members: [{ name: 'no reference' }] },
    ]);
  });

  it('reads $id, $ref and $db in $elemMatch as the fields of each element (query gh-8577)', async () => {
    const ids = async (filter: Document) =>
      (await coll('chats').find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(await ids({ members: { $elemMatch: { $id: member } } })).toEqual([1]);
    expect(await ids({ members: { $elemMatch: { $ref: 'people', $id: other } } })).toEqual([1, 2]);
    expect(await ids({ members: { $elemMatch: { $db: 'club' } }, _id: { $gte: 1 } })).toEqual([1]);
    expect(await ids({ $or: [{ members: { $elemMatch: { $id: member } } }, { _id: 3 }] })).toEqual([1, 3]);
    expect(
      await ids({ members: { $elemMatch: { $or: [{ $id: member }, { name: 'no reference' }] } } }),
    ).toEqual([1, 3]);
    // Each is an equality, whatever its value: `$in` here is a field of the document compared.
    expect(await ids({ members: { $elemMatch: { $id: { $in: [member, other] } } } })).toEqual([]);
  });

  it('reads $id and $ref on dotted paths, in find, aggregation and updates', async () => {
    expect(await coll('chats').countDocuments({ 'members.$id': member })).toBe(1);
    expect(await coll('chats').countDocuments({ 'members.$ref': 'people' })).toBe(2);
    const matched = await coll('chats')
      .aggregate([{ $match: { 'members.$id': other } }, { $sort: { _id: 1 } }, { $project: { _id: 1 } }])
      .toArray();
    expect(matched).toEqual([{ _id: 1 }, { _id: 2 }]);
    const res = await coll('chats').updateOne(
      { 'members.$id': member },
      { $set: { 'members.$.seen': true } },
    );
    expect(res.modifiedCount).toBe(1);
    const doc = await coll('chats').findOne({ _id: 1 as never }, { projection: { members: 1 } });
    expect(doc!.members[0]).toEqual(new DBRef('people', member, 'club', { seen: true }));
  });

  it('keeps a $ref that holds a dot whole', async () => {
    // Written on the server: a client's bson package would store 'fs.files' as $db 'fs', $ref 'files'.
    await coll('attachments').insertOne({ _id: 1 as never });
    const field = (name: string, input: unknown, value: unknown) => ({
      $setField: { field: { $literal: name }, input, value },
    });
    await coll('attachments').updateOne({ _id: 1 as never }, [
      { $set: { file: field('$ref', field('$id', {}, member), 'fs.files') } },
    ]);
    expect(await coll('attachments').countDocuments({ 'file.$ref': { $regex: '^fs\\.' } })).toBe(1);
    const [row] = await coll('attachments')
      .aggregate([
        { $project: { _id: 0, ref: { $getField: { field: { $literal: '$ref' }, input: '$file' } } } },
      ])
      .toArray();
    expect(row).toEqual({ ref: 'fs.files' });
  });
});

describe('$where, which runs JavaScript the engine has not (query maxTimeMS gh-7254)', () => {
  beforeAll(() => coll('scripts').insertOne({ a: 1 }));

  engineOnly(
    'answers as a mongod without a script engine (Location6108304), also per statement',
    async () => {
      const where = { $or: [{ $where: 'this.a == 1' }, { a: 2 }] };
      await expect(coll('scripts').find(where).toArray()).rejects.toMatchObject({ code: 6108304 });
      await expect(coll('scripts').distinct('a', where)).rejects.toMatchObject({ code: 6108304 });
      await expect(coll('scripts').updateOne(where, { $set: { b: 1 } })).rejects.toMatchObject({
        code: 6108304,
      });
      await expect(coll('scripts').deleteMany(where)).rejects.toMatchObject({ code: 6108304 });
    },
  );

  it('is refused in an aggregation $match whatever the scripting (BadValue)', async () => {
    await expect(
      coll('scripts')
        .aggregate([{ $project: { a: 1 } }, { $match: { $where: 'this.a == 1' } }])
        .toArray(),
    ).rejects.toMatchObject({ code: 2 });
    // countDocuments is an aggregation.
    await expect(coll('scripts').countDocuments({ $where: 'this.a == 1' })).rejects.toMatchObject({
      code: 2,
    });
  });
});
