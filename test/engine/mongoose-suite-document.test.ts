// Differences from MongoDB found while running Mongoose's document tests against the engine
// (`npm run test:mongoose-suite`, see README.md here) and checking the update paths they send:
// each test is written to pass unchanged against a real MongoDB (MONGODB_URI=… npx jest test/engine).
import { Document } from 'mongodb';
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(() => e.stop());

const coll = (name: string) => e.db.collection<Document>(name);

/** The server's answer to one update of `{_id: 1}`, as `{code, message}` or the stored document. */
async function updateOutcome(name: string, update: Document): Promise<Document> {
  const err = await coll(name)
    .updateOne({ _id: 1 as never }, update)
    .then(() => null)
    .catch((x: { code?: number; message?: string }) => ({ code: x.code, message: x.message }));
  return err ?? { doc: await coll(name).findOne({ _id: 1 as never }) };
}

describe('update paths', () => {
  beforeAll(async () => {
    await coll('paths').insertOne({ _id: 1 as never, s: 'str', a: { b: 1 }, arr: [{ x: 1 }] });
  });

  it('refuses an empty path or an empty part of one (EmptyFieldName) instead of writing a field named ""', async () => {
    expect(await updateOutcome('paths', { $set: { '': 1 } })).toEqual({
      code: 56,
      message: 'An empty update path is not valid.',
    });
    expect(await updateOutcome('paths', { $set: { 'a..b': 1 } })).toEqual({
      code: 56,
      message: "The update path 'a..b' contains an empty field name, which is not allowed.",
    });
    expect(await updateOutcome('paths', { $unset: { 'a.': 1 } })).toMatchObject({ code: 56 });
    expect(await updateOutcome('paths', { $rename: { s: '' } })).toMatchObject({ code: 56 });
    await expect(
      coll('paths').findOneAndUpdate({ _id: 1 as never }, { $inc: { '.n': 1 } }),
    ).rejects.toMatchObject({ code: 56 });
    expect(await coll('paths').findOne({ _id: 1 as never })).toEqual({
      _id: 1,
      s: 'str',
      a: { b: 1 },
      arr: [{ x: 1 }],
    });
  });

  it('answers BadValue for a $rename onto itself or its own path, not a conflict (40)', async () => {
    expect(await updateOutcome('paths', { $rename: { s: 's' } })).toEqual({
      code: 2,
      message: 'The source and target field for $rename must differ: s: "s"',
    });
    expect(await updateOutcome('paths', { $rename: { a: 'a.c' } })).toEqual({
      code: 2,
      message: 'The source and target field for $rename must not be on the same path: a: "a.c"',
    });
    expect(await updateOutcome('paths', { $rename: { 'a.b': 'a' } })).toMatchObject({ code: 2 });
    expect(await updateOutcome('paths', { $rename: { s: 1 } })).toEqual({
      code: 2,
      message: "The 'to' field for $rename must be a string: s: 1",
    });
  });

  it('refuses a positional $rename rather than renaming out of the matched element', async () => {
    const source = await coll('paths')
      .updateOne({ _id: 1 as never, 'arr.x': 1 }, { $rename: { 'arr.$.x': 'y' } })
      .catch((x: { code?: number; message?: string }) => x);
    expect(source).toMatchObject({
      code: 2,
      message: 'The source field for $rename may not be dynamic: arr.$.x',
    });
    expect(await updateOutcome('paths', { $rename: { s: 'arr.$[].t' } })).toEqual({
      code: 2,
      message: 'The destination field for $rename may not be dynamic: arr.$[].t',
    });
    expect(await coll('paths').findOne({ _id: 1 as never })).toEqual({
      _id: 1,
      s: 'str',
      a: { b: 1 },
      arr: [{ x: 1 }],
    });
  });

  it('refuses to rename into or out of an array element, or through a scalar, and leaves the document as it was', async () => {
    await coll('renames').insertOne({ _id: 1 as never, s: 'str', n: 5, arr: [{ x: 1 }], nums: [1, 2] });
    expect(await updateOutcome('renames', { $rename: { 'arr.0.x': 'z' } })).toEqual({
      code: 2,
      message:
        "The source field cannot be an array element, 'arr.0.x' in doc with _id: 1 has an array field called 'arr'",
    });
    expect(await updateOutcome('renames', { $rename: { s: 'arr.0.y' } })).toEqual({
      code: 2,
      message:
        "The destination field cannot be an array element, 'arr.0.y' in doc with _id: 1 has an array field called 'arr'",
    });
    expect(await updateOutcome('renames', { $rename: { s: 'arr.y' } })).toMatchObject({ code: 2 });
    expect(await updateOutcome('renames', { $rename: { n: 's.y' } })).toEqual({
      code: 28,
      message: 'Cannot create field \'y\' in element {s: "str"}',
    });
    expect(await updateOutcome('renames', { $rename: { 'nums.x': 'y' } })).toEqual({
      code: 28,
      message: 'cannot use the part (nums of nums.x) to traverse the element ({nums: [ 1, 2 ]})',
    });
    expect(await updateOutcome('renames', { $rename: { _id: 'k' } })).toMatchObject({ code: 66 });
    expect(await updateOutcome('renames', { $rename: { s: '_id' } })).toMatchObject({ code: 66 });
    // A source that does not exist changes nothing, whatever the target.
    expect(await updateOutcome('renames', { $rename: { missing: 's.y' } })).toEqual({
      doc: { _id: 1, s: 'str', n: 5, arr: [{ x: 1 }], nums: [1, 2] },
    });
  });

  it('still renames a field, also into a nested one', async () => {
    expect(await updateOutcome('paths', { $rename: { s: 'a.t' } })).toEqual({
      doc: { _id: 1, a: { b: 1, t: 'str' }, arr: [{ x: 1 }] },
    });
  });
});
