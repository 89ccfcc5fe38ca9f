// Collection validators as MongoDB 7 enforces them: query operators and `$jsonSchema` (MongoDB's
// dialect, `bsonType` included), checked on insert, update, replace, findAndModify, upserts, bulk
// writes and `$out`/`$merge`, never on delete; `validationLevel` (strict, moderate, off),
// `validationAction` (error, warn), `bypassDocumentValidation`, transactions, and a restart.
// Refusals are DocumentValidationFailure (121) "Document failed validation" with an errInfo.
import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  Decimal128,
  Document,
  Double,
  Int32,
  Long,
  MongoBulkWriteError,
  MongoClient,
  MongoServerError,
} from 'mongodb';
import mongoose, { Schema } from 'mongoose';
import { startEmbeddedMongo } from '../../src/db/embedded';
import { EngineUnderTest, engineOnly, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(async () => {
  await e.stop();
});

/** Documents of any shape, with `_id`s of any type. */
type Doc = { _id?: number; [field: string]: unknown };

let n = 0;
/** A fresh collection created with these options. */
async function created(options: Document) {
  const name = `v${++n}`;
  await e.db.createCollection(name, options);
  return e.db.collection<Doc>(name);
}

async function refusal(p: Promise<unknown>): Promise<MongoServerError> {
  const err = (await p.then(
    () => undefined,
    (x: unknown) => x,
  )) as MongoServerError | undefined;
  if (!err) throw new Error('the write was accepted');
  return err;
}

async function expectInvalid(p: Promise<unknown>): Promise<MongoServerError> {
  const err = await refusal(p);
  expect(err.code).toBe(121);
  expect(err.message).toBe('Document failed validation');
  return err;
}

describe('query-operator validators', () => {
  it('refuse an insert MongoDB would refuse, with errInfo naming the document and the operator', async () => {
    const c = await created({ validator: { qty: { $gt: 0 } } });
    await c.insertOne({ _id: 1, qty: 5 } as Document);
    const err = await expectInvalid(c.insertOne({ _id: 2, qty: 0 } as Document));
    expect(err.errInfo?.failingDocumentId).toBe(2);
    expect(err.errInfo?.details.operatorName).toBe('$gt');
    expect(await c.countDocuments()).toBe(1);
  });

  it('apply to every form of update, replace, upsert and findAndModify, not to delete', async () => {
    const c = await created({ validator: { qty: { $type: 'number' }, status: { $in: ['A', 'B'] } } });
    await c.insertMany([
      { _id: 1, qty: 1, status: 'A' },
      { _id: 2, qty: 2, status: 'B' },
    ] as Document[]);
    await expectInvalid(c.updateOne({ _id: 1 }, { $set: { status: 'X' } }));
    await expectInvalid(c.updateMany({}, { $unset: { qty: '' } }));
    await expectInvalid(c.replaceOne({ _id: 2 }, { qty: 'two', status: 'B' }));
    await expectInvalid(c.updateOne({ _id: 3 }, { $set: { status: 'Z', qty: 3 } }, { upsert: true }));
    await expectInvalid(c.findOneAndUpdate({ _id: 1 }, { $set: { qty: 'x' } }));
    await expectInvalid(c.findOneAndReplace({ _id: 1 }, { status: 'A' }));
    await expectInvalid(c.updateOne({ _id: 1 }, [{ $set: { status: { $concat: ['$status', '!'] } } }]));
    expect(await c.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, qty: 1, status: 'A' },
      { _id: 2, qty: 2, status: 'B' },
    ]);
    // Valid writes go through.
    await c.updateOne({ _id: 1 }, { $inc: { qty: 1 }, $set: { status: 'B' } } as Document);
    await c.updateOne({ _id: 4 }, { $set: { qty: 4, status: 'A' } }, { upsert: true });
    await c.findOneAndUpdate({ _id: 2 }, { $set: { qty: 2.5 } });
    expect(await c.countDocuments({ status: 'B' })).toBe(2);
    // Deletes are never checked.
    expect((await c.deleteMany({})).deletedCount).toBe(3);
  });

  it('stop an ordered bulk write at the failing document and let an unordered one go on', async () => {
    const c = await created({ validator: { n: { $lt: 10 } } });
    const docs = [
      { _id: 1, n: 1 },
      { _id: 2, n: 20 },
      { _id: 3, n: 3 },
      { _id: 4, n: 40 },
    ] as Document[];
    const ordered = (await refusal(c.insertMany(docs))) as unknown as MongoBulkWriteError;
    expect(ordered.writeErrors).toEqual([expect.objectContaining({ index: 1, code: 121 })]);
    expect(await c.countDocuments()).toBe(1);
    await c.deleteMany({});
    const unordered = (await refusal(
      c.insertMany(docs, { ordered: false }),
    )) as unknown as MongoBulkWriteError;
    const errs = Array.isArray(unordered.writeErrors) ? unordered.writeErrors : [unordered.writeErrors];
    expect(errs.map((w) => [w.index, w.code])).toEqual([
      [1, 121],
      [3, 121],
    ]);
    expect(errs[0].errmsg).toBe('Document failed validation');
    expect(await c.countDocuments()).toBe(2);
    const bulk = (await refusal(
      c.bulkWrite(
        [
          { updateOne: { filter: { _id: 1 }, update: { $set: { n: 100 } } } },
          { updateOne: { filter: { _id: 3 }, update: { $set: { n: 5 } } } },
          { insertOne: { document: { _id: 9, n: 99 } } },
        ],
        { ordered: false },
      ),
    )) as unknown as MongoBulkWriteError;
    expect(bulk.code).toBe(121);
    expect(await c.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, n: 1 },
      { _id: 3, n: 5 },
    ]);
  });

  it('are parsed when given: $where, $text, $near and $function are refused', async () => {
    const bad: [Document, number, string][] = [
      [{ $where: 'true' }, 2, '$where is not allowed in this context'],
      [{ $text: { $search: 'x' } }, 2, '$text is not allowed in this context'],
      [
        { loc: { $near: [0, 0] } },
        5626500,
        '$geoNear, $near, and $nearSphere are not allowed in this context, as these operators require sorting',
      ],
      [
        { $expr: { $function: { body: 'function() { return true }', args: [], lang: 'js' } } },
        4660800,
        '$function cannot be used inside a validator.',
      ],
    ];
    for (const [validator, code, message] of bad) {
      const err = await refusal(e.db.createCollection(`bad${++n}`, { validator }));
      expect(err.code).toBe(code);
      expect(
        err.message.startsWith(`Parsing of collection validator failed :: caused by :: ${message}`),
      ).toBe(true);
    }
    const c = await created({});
    const err = await refusal(e.db.command({ collMod: c.collectionName, validator: { $where: 'true' } }));
    expect(err.code).toBe(2);
    expect(
      (await refusal(e.db.createCollection(`bad${++n}`, { validationLevel: 'sometimes' } as Document))).code,
    ).toBe(2);
    expect(
      (await refusal(e.db.createCollection(`bad${++n}`, { validationAction: 'shout' } as Document))).code,
    ).toBe(2);
  });

  it('compare strings by the collection’s default collation', async () => {
    const c = await created({
      collation: { locale: 'en', strength: 2 },
      validator: { status: { $in: ['open', 'closed'] }, code: { $ne: 'x' } },
    });
    await c.insertOne({ status: 'OPEN', code: 'y' });
    await expectInvalid(c.insertOne({ status: 'pending', code: 'y' }));
    await expectInvalid(c.insertOne({ status: 'Closed', code: 'X' }));
    expect(await c.countDocuments()).toBe(1);
  });

  it('take $expr and logical operators', async () => {
    const c = await created({
      validator: { $or: [{ $expr: { $lt: ['$start', '$end'] } }, { open: true }] },
    });
    await c.insertOne({ start: 1, end: 2 });
    await c.insertOne({ start: 3, end: 2, open: true });
    const err = await expectInvalid(c.insertOne({ start: 3, end: 2 }));
    expect(err.errInfo?.details.operatorName).toBe('$or');
  });
});

describe('$jsonSchema validators', () => {
  const student = {
    $jsonSchema: {
      bsonType: 'object',
      title: 'Student',
      required: ['name', 'year'],
      properties: {
        name: { bsonType: 'string', description: 'must be a string' },
        year: { bsonType: 'int', minimum: 2017, maximum: 3017 },
        gpa: { bsonType: ['double'] },
        major: { enum: ['Math', 'English', 'Computer Science', null] },
      },
    },
  };

  it('refuse a document breaking a rule, listing the rules in errInfo', async () => {
    const c = await created({ validator: student });
    await c.insertOne({ name: 'Ann', year: 2020, gpa: new Double(3.5), major: 'Math' });
    const err = await expectInvalid(c.insertOne({ _id: 7, year: 2020 } as Document));
    expect(err.errInfo?.failingDocumentId).toBe(7);
    expect(err.errInfo?.details.operatorName).toBe('$jsonSchema');
    expect(err.errInfo?.details.schemaRulesNotSatisfied).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ operatorName: 'required', missingProperties: ['name'] }),
      ]),
    );
    await expectInvalid(c.insertOne({ name: 'Bo', year: 2016 }));
    await expectInvalid(c.insertOne({ name: 'Bo', year: 2020, major: 'History' }));
    await expectInvalid(c.insertOne({ name: 42, year: 2020 }));
    await expectInvalid(c.insertOne({ name: 'Bo', year: 2020, gpa: 3 })); // an int, not a double
    await c.insertOne({ name: 'Bo', year: 2020, major: null });
    expect(await c.countDocuments()).toBe(2);
  });

  it('tell BSON number types apart by bsonType and take any of them as number', async () => {
    const c = await created({
      validator: {
        $jsonSchema: {
          properties: {
            i: { bsonType: 'int' },
            l: { bsonType: 'long' },
            d: { bsonType: 'double' },
            m: { bsonType: 'decimal' },
            x: { bsonType: 'number' },
            j: { type: 'number' },
          },
        },
      },
    });
    await c.insertOne({ i: 1, l: Long.fromNumber(2), d: 1.5, m: Decimal128.fromString('1.1'), x: 3, j: 2.5 });
    await c.insertOne({ x: Long.fromNumber(1), j: Decimal128.fromString('2') });
    await c.insertOne({ d: new Double(2), i: new Int32(7) });
    for (const bad of [
      { i: 1.5 },
      { i: Long.fromNumber(1) },
      { l: 1 },
      { d: 1 },
      { m: 1 },
      { x: '1' },
      { j: true },
    ])
      await expectInvalid(c.insertOne(bad));
  });

  it('apply MongoDB’s scalar, array and object keywords to values of their type only', async () => {
    const c = await created({
      validator: {
        $jsonSchema: {
          additionalProperties: false,
          minProperties: 1,
          properties: {
            _id: {},
            score: { minimum: 0, maximum: 10, exclusiveMaximum: true, multipleOf: 0.5 },
            code: { type: 'string', minLength: 2, maxLength: 3, pattern: '^[A-Z]' },
            tags: {
              bsonType: 'array',
              items: { bsonType: 'string' },
              minItems: 1,
              maxItems: 3,
              uniqueItems: true,
            },
            pair: { items: [{ bsonType: 'int' }, { bsonType: 'string' }], additionalItems: false },
            meta: { bsonType: 'object', maxProperties: 1, patternProperties: { '^n_': { bsonType: 'int' } } },
            any: { anyOf: [{ bsonType: 'string' }, { bsonType: 'int' }] },
            one: { oneOf: [{ minimum: 5 }, { maximum: 10 }] },
            all: { allOf: [{ bsonType: 'int' }, { minimum: 1 }] },
            none: { not: { bsonType: 'string' } },
            card: { bsonType: 'object', dependencies: { number: ['cvv'] } },
          },
        },
      },
    });
    const ok: Document[] = [
      { score: 9.5 },
      { score: 'anything' }, // not a number: numeric keywords do not apply
      { code: 'AB' },
      { code: 'A😀😀' }, // three code points (five UTF-16 units)
      { tags: ['a', 'b'] },
      { pair: [1, 'x'] },
      { meta: { n_a: 1 } },
      { any: 'x' },
      { one: 2 },
      { all: 3 },
      { none: 3 },
      { card: { number: 1, cvv: 2 } },
      { card: { cvv: 2 } },
    ];
    for (const d of ok) await c.insertOne(d);
    const bad: Document[] = [
      { other: 1 },
      { score: 10 },
      { score: -1 },
      { score: 0.3 },
      { code: 'A' },
      { code: 'ABCD' },
      { code: 'ab' },
      { code: 5 },
      { tags: [] },
      { tags: ['a', 'a'] },
      { tags: ['a', 1] },
      { tags: 'a' },
      { pair: [1, 'x', 3] },
      { pair: ['x'] },
      { meta: { n_a: 'x' } },
      { meta: { a: 1, b: 2 } },
      { any: true },
      { one: 7 },
      { all: 0 },
      { none: 'x' },
      { card: { number: 1 } },
    ];
    for (const d of bad) await expectInvalid(c.insertOne(d));
    expect(await c.countDocuments()).toBe(ok.length);
  });

  it('refuse keywords MongoDB does not support, at create and collMod', async () => {
    const cases: [Document, string][] = [
      [
        { properties: { email: { format: 'email' } } },
        "$jsonSchema keyword 'format' is not currently supported",
      ],
      [{ $ref: '#/definitions/a' }, "$jsonSchema keyword '$ref' is not currently supported"],
      [{ properties: { a: { bsonType: 'string', foo: 1 } } }, 'Unknown $jsonSchema keyword: foo'],
      [{ type: 'integer' }, "$jsonSchema type 'integer' is not currently supported."],
    ];
    for (const [schema, message] of cases) {
      const err = await refusal(e.db.createCollection(`bad${++n}`, { validator: { $jsonSchema: schema } }));
      expect([err.code, err.message]).toEqual([
        9,
        `Parsing of collection validator failed :: caused by :: ${message}`,
      ]);
    }
    const c = await created({});
    const err = await refusal(
      e.db.command({
        collMod: c.collectionName,
        validator: { $jsonSchema: { properties: { d: { format: 'date' } } } },
      }),
    );
    expect(err.code).toBe(9);
    const unknownType = await refusal(
      e.db.createCollection(`bad${++n}`, { validator: { $jsonSchema: { bsonType: 'integer' } } }),
    );
    expect(unknownType.code).toBe(2);
  });

  engineOnly('explain each broken rule in errInfo.details (the engine’s simplified shape)', async () => {
    const c = await created({
      validator: {
        $jsonSchema: {
          required: ['name'],
          properties: {
            name: { bsonType: 'string', description: 'a name' },
            tags: { items: { type: 'string' } },
          },
        },
      },
    });
    const err = await expectInvalid(c.insertOne({ _id: 1, name: 5, tags: ['a', 2] }));
    expect(err.errInfo).toEqual({
      failingDocumentId: 1,
      details: {
        operatorName: '$jsonSchema',
        schemaRulesNotSatisfied: [
          {
            operatorName: 'properties',
            propertiesNotSatisfied: [
              {
                propertyName: 'name',
                description: 'a name',
                details: [
                  {
                    operatorName: 'bsonType',
                    specifiedAs: { bsonType: 'string' },
                    reason: 'type did not match',
                    consideredValue: 5,
                    consideredType: 'int',
                  },
                ],
              },
              {
                propertyName: 'tags',
                details: [
                  {
                    operatorName: 'items',
                    reason: 'At least one item did not match the sub-schema',
                    itemIndex: 1,
                    details: [
                      {
                        operatorName: 'type',
                        specifiedAs: { type: 'string' },
                        reason: 'type did not match',
                        consideredValue: 2,
                        consideredType: 'int',
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    });
  });

  engineOnly('compare enum values and unique items whatever their subdocuments’ field order', async () => {
    const c = await created({
      validator: {
        $jsonSchema: {
          properties: { p: { enum: [{ x: 1, y: 2 }, 3] }, list: { uniqueItems: true } },
        },
      },
    });
    await c.insertOne({ p: { y: 2, x: 1 } });
    await c.insertOne({
      p: 3.0,
      list: [
        { a: 1, b: 2 },
        { a: 2, b: 1 },
      ],
    });
    await expectInvalid(c.insertOne({ p: { x: 1 } }));
    await expectInvalid(
      c.insertOne({
        list: [
          { a: 1, b: 2 },
          { b: 2, a: 1 },
        ],
      }),
    );
    await expectInvalid(c.insertOne({ list: [1, 1.0] }));
  });

  it('combine with query operators in one validator', async () => {
    const c = await created({
      validator: { $jsonSchema: { required: ['sku'] }, qty: { $gte: 0 } },
    });
    await c.insertOne({ sku: 'a', qty: 1 });
    await expectInvalid(c.insertOne({ qty: 1 }));
    await expectInvalid(c.insertOne({ sku: 'b', qty: -1 }));
    expect(await c.countDocuments()).toBe(1);
  });
});

describe('validation level and action', () => {
  it('moderate checks inserts and updates of valid documents, not updates of invalid ones', async () => {
    const c = await created({});
    await c.insertMany([
      { _id: 1, n: 1 },
      { _id: 2, n: 'two' },
    ] as Document[]);
    await e.db.command({
      collMod: c.collectionName,
      validator: { n: { $type: 'int' } },
      validationLevel: 'moderate',
    });
    await c.updateOne({ _id: 2 }, { $set: { m: 1 } }); // already invalid: not checked
    await expectInvalid(c.updateOne({ _id: 1 }, { $set: { n: 'one' } }));
    await expectInvalid(c.insertOne({ _id: 3, n: 'three' } as Document));
    await e.db.command({ collMod: c.collectionName, validationLevel: 'strict' });
    await expectInvalid(c.updateOne({ _id: 2 }, { $set: { m: 2 } }));
    await e.db.command({ collMod: c.collectionName, validationLevel: 'off' });
    await c.insertOne({ _id: 4, n: 'four' } as Document);
    expect(await c.countDocuments()).toBe(3);
  });

  it('warn accepts the write', async () => {
    const c = await created({ validator: { n: { $type: 'int' } }, validationAction: 'warn' });
    await c.insertOne({ n: 'x' });
    await c.updateMany({}, { $set: { n: 'y' } });
    expect(await c.countDocuments({ n: 'y' })).toBe(1);
  });

  it('bypassDocumentValidation skips the check for insert, update, findAndModify and aggregate', async () => {
    const c = await created({ validator: { n: { $type: 'int' } } });
    await c.insertOne({ _id: 1, n: 'x' } as Document, { bypassDocumentValidation: true });
    await c.updateOne({ _id: 1 }, { $set: { m: 'y' } }, { bypassDocumentValidation: true });
    await c.findOneAndUpdate({ _id: 1 }, { $set: { k: 1 } }, { bypassDocumentValidation: true });
    const source = await created({});
    await source.insertOne({ _id: 2, n: 'z' } as Document);
    await expectInvalid(source.aggregate([{ $merge: { into: c.collectionName } }]).toArray());
    await source
      .aggregate([{ $merge: { into: c.collectionName } }], { bypassDocumentValidation: true })
      .toArray();
    expect(await c.countDocuments()).toBe(2);
    // $out keeps the target's validator, and leaves the target as it was when a document fails.
    await expectInvalid(source.aggregate([{ $out: c.collectionName }]).toArray());
    expect(await c.countDocuments()).toBe(2);
    await source.aggregate([{ $out: c.collectionName }], { bypassDocumentValidation: true }).toArray();
    expect(await c.countDocuments()).toBe(1);
    await expectInvalid(c.insertOne({ n: 'still checked' }));
  });

  it('collMod adds a validator without checking the documents already there', async () => {
    const c = await created({});
    await c.insertOne({ n: 'old' });
    await e.db.command({ collMod: c.collectionName, validator: { n: { $type: 'int' } } });
    await expectInvalid(c.insertOne({ n: 'new' }));
    expect(await c.countDocuments()).toBe(1);
    const [info] = await e.db.listCollections({ name: c.collectionName }).toArray();
    expect((info as Document).options.validator).toEqual({ n: { $type: 'int' } });
    await e.db.command({ collMod: c.collectionName, validator: {} });
    await c.insertOne({ n: 'new' });
  });

  it('applies inside a transaction, which the failure aborts', async () => {
    const c = await created({ validator: { n: { $type: 'int' } } });
    const session = e.client.startSession();
    try {
      session.startTransaction();
      await c.insertOne({ _id: 1, n: 1 } as Document, { session });
      const err = await expectInvalid(c.insertOne({ _id: 2, n: 'x' } as Document, { session }));
      expect(err.errInfo?.failingDocumentId).toBe(2);
      await session.abortTransaction().catch(() => undefined);
    } finally {
      await session.endSession();
    }
    expect(await c.countDocuments()).toBe(0);
  });

  it('reaches Mongoose’s collectionOptions', async () => {
    const conn = await mongoose.createConnection(e.uri, { dbName: e.dbName }).asPromise();
    try {
      const Item = conn.model(
        'Item',
        new Schema({ name: String }, { collectionOptions: { validator: { name: { $type: 'string' } } } }),
        `items${++n}`,
      );
      await Item.createCollection();
      const [info] = await e.db.listCollections({ name: Item.collection.collectionName }).toArray();
      expect((info as Document).options.validator).toEqual({ name: { $type: 'string' } });
      await Item.create({ name: 'x' });
      const err = await expectInvalid(Item.create({}));
      expect(err.code).toBe(121);
    } finally {
      await conn.close();
    }
  });
});

describe('after a restart', () => {
  engineOnly('enforces validators replayed from the journal', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binaasn-validation-'));
    try {
      let engine = await startEmbeddedMongo({ dataDir: dir, auth: false });
      let client = await MongoClient.connect(engine.uri);
      const db = client.db('v');
      await db.createCollection('a', { validator: { $jsonSchema: { required: ['x'] } } });
      await db.createCollection('b');
      await db.command({ collMod: 'b', validator: { y: { $gt: 0 } }, validationLevel: 'moderate' });
      await client.close();
      await engine.stop();
      engine = await startEmbeddedMongo({ dataDir: dir, auth: false });
      client = await MongoClient.connect(engine.uri);
      try {
        await expectInvalid(client.db('v').collection('a').insertOne({ y: 1 }));
        await expectInvalid(client.db('v').collection('b').insertOne({ y: 0 }));
        await client.db('v').collection('b').insertOne({ y: 1 });
      } finally {
        await client.close();
        await engine.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
