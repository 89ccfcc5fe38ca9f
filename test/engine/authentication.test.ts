// Authentication as MongoDB answers it: SCRAM-SHA-256 (and SCRAM-SHA-1) through the official
// driver and Mongoose, the first step carried in hello (speculativeAuthenticate), and code 13
// (Unauthorized) for every other command before a client signs in. Engine only: a real MongoDB
// under test runs with its own users.
import { Binary, MongoClient, MongoServerError } from 'mongodb';
import mongoose from 'mongoose';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/db/embedded';

const describeEmbedded = process.env.MONGODB_URI ? describe.skip : describe;

describeEmbedded('authentication', () => {
  let engine: EmbeddedMongo;
  let anonymousUri: string;
  beforeAll(async () => {
    engine = await startEmbeddedMongo();
    anonymousUri = engine.uri.replace(/\/\/[^@]+@/, '//');
  });
  afterAll(() => engine.stop());

  const withPassword = (password: string) =>
    engine.uri.replace(/:[^:@/]+@/, `:${encodeURIComponent(password)}@`);

  it('refuses every command but the handshake before authentication, with code 13', async () => {
    const client = await MongoClient.connect(anonymousUri);
    try {
      const admin = client.db('admin');
      expect(await admin.command({ ping: 1 })).toMatchObject({ ok: 1 });
      expect(await admin.command({ hello: 1 })).toMatchObject({ isWritablePrimary: true, ok: 1 });
      expect(await admin.command({ connectionStatus: 1 })).toMatchObject({
        authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] },
      });
      for (const run of [
        () => client.db('app').collection('users').findOne({}),
        () => client.db('app').collection('users').insertOne({ name: 'x' }),
        () => admin.command({ listDatabases: 1 }),
        () => client.db('app').collection('sessions').aggregate([]).toArray(),
      ])
        await expect(run()).rejects.toMatchObject({ code: 13, codeName: 'Unauthorized' });
    } finally {
      await client.close();
    }
  });

  it('answers an unknown command with 59 before asking for authentication', async () => {
    const client = await MongoClient.connect(anonymousUri);
    await expect(client.db('admin').command({ frobnicate: 1 })).rejects.toMatchObject({ code: 59 });
    await client.close();
  });

  it('signs in with SCRAM-SHA-256 (speculatively, inside hello) and with SCRAM-SHA-1', async () => {
    for (const mechanism of ['', '&authMechanism=SCRAM-SHA-256', '&authMechanism=SCRAM-SHA-1']) {
      const client = await MongoClient.connect(engine.uri + mechanism);
      await client.db('app').collection('notes').insertOne({ mechanism });
      expect(await client.db('admin').command({ connectionStatus: 1 })).toMatchObject({
        authInfo: {
          authenticatedUsers: [{ user: 'binaasn', db: 'admin' }],
          authenticatedUserRoles: [{ role: 'root', db: 'admin' }],
        },
      });
      await client.close();
    }
  });

  it('lists the mechanisms of a known user in hello and starts the conversation there', async () => {
    const client = await MongoClient.connect(anonymousUri);
    const hello = await client.db('admin').command({
      hello: 1,
      saslSupportedMechs: 'admin.binaasn',
      speculativeAuthenticate: {
        saslStart: 1,
        mechanism: 'SCRAM-SHA-256',
        payload: new Binary(Buffer.from('n,,n=binaasn,r=clientnonceclientnonce')),
        db: 'admin',
      },
    });
    expect(hello.saslSupportedMechs).toEqual(['SCRAM-SHA-1', 'SCRAM-SHA-256']);
    expect(hello.speculativeAuthenticate).toMatchObject({ conversationId: expect.any(Number), done: false });
    const first = Buffer.from(hello.speculativeAuthenticate.payload.buffer).toString();
    expect(first).toMatch(/^r=clientnonceclientnonce\S+,s=\S+,i=15000$/);
    const unknown = await client.db('admin').command({ hello: 1, saslSupportedMechs: 'admin.nobody' });
    expect(unknown.saslSupportedMechs).toBeUndefined();
    await client.close();
  });

  it('fails a wrong password or an unknown user with code 18, without saying which', async () => {
    for (const uri of [
      withPassword('not-the-password'),
      engine.uri.replace('//binaasn:', '//nobody:'),
      withPassword('not-the-password') + '&authMechanism=SCRAM-SHA-1',
    ]) {
      const client = new MongoClient(uri, { serverSelectionTimeoutMS: 2000 });
      const error = (await client.connect().catch((e: unknown) => e)) as MongoServerError;
      expect([error.code, error.codeName, error.message]).toEqual([
        18,
        'AuthenticationFailed',
        'Authentication failed.',
      ]);
      await client.close();
    }
  });

  it('serves Mongoose with the credentials of its URI', async () => {
    const conn = await mongoose.createConnection(engine.uri, { dbName: 'mongoose_auth' }).asPromise();
    const Note = conn.model('Note', new mongoose.Schema({ text: String }));
    await Note.create({ text: 'hello' });
    expect(await Note.countDocuments()).toBe(1);
    await conn.close();
  });

  it('runs without authentication only when started with auth: false', async () => {
    const open = await startEmbeddedMongo({ auth: false });
    try {
      expect(open.uri).not.toContain('@');
      expect(open.credentials).toBeUndefined();
      const client = await MongoClient.connect(open.uri);
      expect(await client.db('app').collection('x').countDocuments()).toBe(0);
      await client.close();
    } finally {
      await open.stop();
    }
  });
});
