// How drivers watch the server: hello's topologyVersion, the awaitable hello (topologyVersion +
// maxAwaitTimeMS) with MongoDB's argument checks, its streamed form (exhaustAllowed → replies with
// moreToCome), and — on the engine — a client that reconnects at once after the engine restarts on
// the same port, even with a change stream awaiting data when it goes away.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BSON, Document, Long, MongoClient, ObjectId } from 'mongodb';
import { startEmbeddedMongo } from '../../src/db/embedded';
import { EngineUnderTest, engineOnly, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
});
afterAll(async () => {
  await e.stop();
});

const admin = () => e.client.db('admin');
const topologyVersionNow = async () => (await admin().command({ hello: 1 })).topologyVersion as Document;

async function failureCode(command: Document): Promise<number | undefined> {
  try {
    await admin().command(command);
    return undefined;
  } catch (error) {
    return (error as { code?: number }).code;
  }
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = Date.now();
  await run();
  return Date.now() - start;
}

describe('topologyVersion', () => {
  it('is reported by hello and isMaster: this process id and a non-negative counter', async () => {
    const hello = await admin().command({ hello: 1 });
    expect(hello.topologyVersion.processId).toBeInstanceOf(ObjectId);
    expect(Number(hello.topologyVersion.counter)).toBeGreaterThanOrEqual(0);
    const legacy = await admin().command({ isMaster: 1 });
    expect(legacy.topologyVersion.processId.equals(hello.topologyVersion.processId)).toBe(true);
  });
});

describe('awaitable hello', () => {
  it('waits maxAwaitTimeMS while the topology is unchanged, and answers at once for another process', async () => {
    const topologyVersion = await topologyVersionNow();
    const waited = await timed(() => admin().command({ hello: 1, topologyVersion, maxAwaitTimeMS: 400 }));
    expect(waited).toBeGreaterThanOrEqual(350);
    const other = { processId: new ObjectId(), counter: topologyVersion.counter };
    expect(
      await timed(() => admin().command({ hello: 1, topologyVersion: other, maxAwaitTimeMS: 5000 })),
    ).toBeLessThan(2000);
    const higherElsewhere = {
      processId: new ObjectId(),
      counter: Long.fromNumber(Number(topologyVersion.counter) + 1),
    };
    expect(
      await failureCode({ hello: 1, topologyVersion: higherElsewhere, maxAwaitTimeMS: 0 }),
    ).toBeUndefined();
  });

  it("refuses what MongoDB refuses, with MongoDB's codes", async () => {
    const tv = await topologyVersionNow();
    const { processId, counter } = tv;
    expect(await failureCode({ hello: 1, maxAwaitTimeMS: 0 })).toBe(31368);
    expect(await failureCode({ hello: 1, topologyVersion: tv })).toBe(31368);
    expect(await failureCode({ hello: 1, topologyVersion: tv, maxAwaitTimeMS: -1 })).toBe(31373);
    expect(await failureCode({ hello: 1, topologyVersion: tv, maxAwaitTimeMS: 'soon' })).toBe(14);
    expect(await failureCode({ hello: 1, topologyVersion: 'tv', maxAwaitTimeMS: 0 })).toBe(10065);
    expect(await failureCode({ hello: 1, topologyVersion: { processId }, maxAwaitTimeMS: 0 })).toBe(40414);
    expect(await failureCode({ hello: 1, topologyVersion: { counter }, maxAwaitTimeMS: 0 })).toBe(40414);
    expect(await failureCode({ hello: 1, topologyVersion: { ...tv, extra: 1 }, maxAwaitTimeMS: 0 })).toBe(
      40415,
    );
    expect(
      await failureCode({ hello: 1, topologyVersion: { processId: 'p', counter }, maxAwaitTimeMS: 0 }),
    ).toBe(14);
    const negative = { processId, counter: Long.fromNumber(-1) };
    expect(await failureCode({ hello: 1, topologyVersion: negative, maxAwaitTimeMS: 0 })).toBe(31372);
    const ahead = { processId, counter: Long.fromNumber(Number(counter) + 1) };
    expect(await failureCode({ hello: 1, topologyVersion: ahead, maxAwaitTimeMS: 0 })).toBe(51764);
  });
});

/** Sends one OP_MSG on a raw socket and collects the replies that arrive within `ms`. */
function rawReplies(
  body: Document,
  flags: number,
  ms: number,
): Promise<{ flags: number; responseTo: number; requestId: number; body: Document }[]> {
  const { hostname, port } = new URL(e.uri.replace('mongodb://', 'http://'));
  const payload = Buffer.from(BSON.serialize(body));
  const message = Buffer.alloc(21 + payload.length);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(4242, 4);
  message.writeInt32LE(2013, 12);
  message.writeUInt32LE(flags, 16);
  payload.copy(message, 21);
  return new Promise((resolve) => {
    const replies: { flags: number; responseTo: number; requestId: number; body: Document }[] = [];
    let pending = Buffer.alloc(0);
    const socket = net.connect(Number(port), hostname, () => socket.write(message));
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const reply = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(reply.length);
        replies.push({
          requestId: reply.readInt32LE(4),
          responseTo: reply.readInt32LE(8),
          flags: reply.readUInt32LE(16),
          body: BSON.deserialize(reply.subarray(21)),
        });
      }
    });
    socket.on('error', () => undefined);
    setTimeout(() => {
      socket.destroy();
      resolve(replies);
    }, ms);
  });
}

const EXHAUST_ALLOWED = 1 << 16;
const MORE_TO_COME = 1 << 1;

describe('streamed hello (exhaustAllowed)', () => {
  engineOnly(
    'answers with moreToCome, each reply answering the one before, every maxAwaitTimeMS',
    async () => {
      const topologyVersion = await topologyVersionNow();
      const replies = await rawReplies(
        { hello: 1, topologyVersion, maxAwaitTimeMS: 150, $db: 'admin' },
        EXHAUST_ALLOWED,
        700,
      );
      expect(replies.length).toBeGreaterThanOrEqual(3);
      expect(replies[0].responseTo).toBe(4242);
      for (let i = 1; i < replies.length; i++) expect(replies[i].responseTo).toBe(replies[i - 1].requestId);
      for (const reply of replies) {
        expect(reply.flags & MORE_TO_COME).toBe(MORE_TO_COME);
        expect(reply.body).toMatchObject({ ok: 1, isWritablePrimary: true });
      }
    },
  );

  engineOnly(
    'answers once, without moreToCome, when exhaust was not allowed or the hello is not awaitable',
    async () => {
      const topologyVersion = await topologyVersionNow();
      const plain = await rawReplies({ hello: 1, topologyVersion, maxAwaitTimeMS: 50, $db: 'admin' }, 0, 400);
      expect(plain).toHaveLength(1);
      expect(plain[0].flags & MORE_TO_COME).toBe(0);
      const notAwaitable = await rawReplies({ hello: 1, $db: 'admin' }, EXHAUST_ALLOWED, 300);
      expect(notAwaitable).toHaveLength(1);
      expect(notAwaitable[0].flags & MORE_TO_COME).toBe(0);
    },
  );

  it("is what the driver's monitor uses", async () => {
    const client = new MongoClient(e.uri, { heartbeatFrequencyMS: 500 });
    const awaited = new Promise<boolean>((resolve) =>
      client.on('serverHeartbeatSucceeded', (event) => event.awaited && resolve(true)),
    );
    await client.connect();
    try {
      expect(await awaited).toBe(true);
    } finally {
      await client.close();
    }
  });
});

describe('a restart on the same port', () => {
  engineOnly(
    'reports a new processId, and a connected client is served again at once, change stream and all',
    async () => {
      const auth = { username: 'restart', password: 'restart-test-password' };
      let engine = await startEmbeddedMongo({ auth });
      const client = new MongoClient(engine.uri, { serverSelectionTimeoutMS: 3000 });
      try {
        await client.connect();
        const first = (await client.db('admin').command({ hello: 1 })).topologyVersion as Document;
        const items = client.db('restart').collection('items');
        await items.insertOne({ n: 0 });
        const stream = items.watch([], { maxAwaitTimeMS: 200 });
        stream.on('error', () => undefined); // the stream cannot resume across a restart (history lost)
        void stream.tryNext().catch(() => undefined); // a getMore awaiting data when the engine goes
        for (let round = 1; round <= 5; round++) {
          await new Promise((resolve) => setTimeout(resolve, 50 * round));
          const port = engine.port;
          await engine.stop();
          engine = await startEmbeddedMongo({ auth, port });
          // Before the fix, the driver's monitor could wait forever on a socket closed under it.
          const back = await timed(() => items.findOne({ n: 0 }));
          expect(back).toBeLessThan(3000);
        }
        const last = (await client.db('admin').command({ hello: 1 })).topologyVersion as Document;
        expect(last.processId.equals(first.processId)).toBe(false);
        await stream.close().catch(() => undefined);
      } finally {
        await client.close();
        await engine.stop();
      }
    },
  );
});

describe('a Unix domain socket beside the TCP port', () => {
  engineOnly(
    'serves the same engine to a client with credentials, is private to its owner, and goes at stop',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-socket-'));
      const socketPath = path.join(dir, 'engine.sock');
      const engine = await startEmbeddedMongo({ socketPath });
      try {
        expect(fs.statSync(socketPath).mode & 0o777).toBe(0o600);
        const client = await MongoClient.connect(engine.socketUri!);
        try {
          await client.db('sock').collection('items').insertOne({ via: 'unix' });
          const overTcp = await MongoClient.connect(engine.uri);
          expect(
            await overTcp
              .db('sock')
              .collection('items')
              .findOne({}, { projection: { _id: 0 } }),
          ).toEqual({ via: 'unix' });
          await overTcp.close();
        } finally {
          await client.close();
        }
        const anonymous = new MongoClient(engine.socketUri!.replace(/\/\/[^@]+@/, '//'), {
          serverSelectionTimeoutMS: 2000,
        });
        await expect(anonymous.db('sock').collection('items').findOne({})).rejects.toMatchObject({
          code: 13,
        });
        await anonymous.close();
      } finally {
        await engine.stop();
      }
      expect(fs.existsSync(socketPath)).toBe(false);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  );
});
