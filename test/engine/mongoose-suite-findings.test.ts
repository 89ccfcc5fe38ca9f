// Differences from MongoDB that Mongoose's own test suite found in the engine
// (`npm run test:mongoose-suite`, see README.md here): one test per difference, each written to
// pass unchanged against a real MongoDB (MONGODB_URI=… npx jest test/engine).
import { Document } from 'mongodb';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(() => e.stop());

const coll = (name: string) => e.db.collection<Document>(name);

describe('updates', () => {
  it('accepts positional paths of two operators into one matched element (model.updateOne gh-479)', async () => {
    await coll('threads').insertOne({
      _id: 1 as never,
      comments: [
        { body: 'been there', comments: [] },
        { body: 'done that', comments: [] },
      ],
    });
    await coll('threads').updateOne(
      { _id: 1 as never, 'comments.body': 'been there' },
      {
        $addToSet: { 'comments.$.comments': { body: 'The Ring Of Power' } },
        $set: { 'comments.$.title': 'MongoDB++' },
      },
    );
    const doc = await coll('threads').findOne({ _id: 1 as never });
    expect(doc!.comments).toEqual([
      { body: 'been there', comments: [{ body: 'The Ring Of Power' }], title: 'MongoDB++' },
      { body: 'done that', comments: [] },
    ]);
  });

  it('an upsert that inserts may $set a top-level dollar-prefixed field; an update of an existing document may not (gh-13786)', async () => {
    const res = await coll('dollars').updateOne(
      { _id: 7 as never },
      { $set: { $myKey: 'gh13786', plain: 1 }, $setOnInsert: { __v: 0 } },
      { upsert: true },
    );
    expect(res.upsertedCount).toBe(1);
    expect(await coll('dollars').findOne({ _id: 7 as never })).toEqual({
      _id: 7,
      $myKey: 'gh13786',
      plain: 1,
      __v: 0,
    });
    await expect(
      coll('dollars').updateOne({ _id: 7 as never }, { $set: { $myKey: 'changed' } }, { upsert: true }),
    ).rejects.toThrow();
    expect((await coll('dollars').findOne({ _id: 7 as never }))!.$myKey).toBe('gh13786');
  });
});
