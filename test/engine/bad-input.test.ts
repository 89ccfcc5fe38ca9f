// Bad input never crashes the engine or hangs a connection: malformed frames, bad checksums,
// unknown commands, invalid operators, array `_id`s, oversized documents and invalid namespaces
// all get MongoDB-shaped error replies (`$`-prefixed field names are stored, as MongoDB ≥ 5.0 does).
import net from 'net';
import { BSON, Document } from 'bson';
import { EngineUnderTest, engineOnly, openEngine, withoutGossip } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine({ auth: false }); // raw wire messages, no SCRAM conversation
});
afterAll(async () => {
  await e.stop();
});

// ---- a tiny raw wire client ----------------------------------------------------------------

function hostPort(): { host: string; port: number } {
  const m = /mongodb:\/\/([^:/]+):(\d+)/.exec(e.uri)!;
  return { host: m[1], port: Number(m[2]) };
}

let requestId = 100;
function opMsg(
  body: Document,
  opts: { flags?: number; sequences?: { id: string; docs: Document[] }[]; checksum?: 'good' | 'bad' } = {},
): Buffer {
  const sections: Buffer[] = [Buffer.concat([Buffer.from([0]), Buffer.from(BSON.serialize(body))])];
  for (const seq of opts.sequences ?? []) {
    const docs = Buffer.concat(seq.docs.map((d) => Buffer.from(BSON.serialize(d))));
    const id = Buffer.from(seq.id + '\0');
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + id.length + docs.length);
    sections.push(Buffer.concat([Buffer.from([1]), size, id, docs]));
  }
  let flags = opts.flags ?? 0;
  if (opts.checksum) flags |= 1;
  const payload = Buffer.concat(sections);
  const len = 16 + 4 + payload.length + (opts.checksum ? 4 : 0);
  const head = Buffer.alloc(20);
  head.writeInt32LE(len, 0);
  head.writeInt32LE(++requestId, 4);
  head.writeInt32LE(0, 8);
  head.writeInt32LE(2013, 12);
  head.writeUInt32LE(flags, 16);
  let msg = Buffer.concat([head, payload]);
  if (opts.checksum) {
    const c = Buffer.alloc(4);
    c.writeUInt32LE(opts.checksum === 'good' ? crc32c(msg) : 0xdeadbeef);
    msg = Buffer.concat([msg, c]);
  }
  return msg;
}

function crc32c(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

class RawClient {
  private socket: net.Socket;
  private buf = Buffer.alloc(0);
  private waiters: ((b: Buffer | null) => void)[] = [];
  closed = false;

  constructor() {
    const { host, port } = hostPort();
    this.socket = net.connect(port, host);
    this.socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 4 && this.buf.length >= this.buf.readInt32LE(0)) {
        const len = this.buf.readInt32LE(0);
        const msg = this.buf.subarray(0, len);
        this.buf = this.buf.subarray(len);
        this.waiters.shift()?.(msg);
      }
    });
    this.socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w(null);
    });
    this.socket.on('error', () => undefined);
  }

  send(raw: Buffer): Promise<Document | null> {
    return new Promise((resolve) => {
      this.waiters.push((msg) => {
        if (!msg) return resolve(null);
        const opCode = msg.readInt32LE(12);
        resolve(withoutGossip(BSON.deserialize(msg.subarray(opCode === 1 ? 36 : 21))));
      });
      this.socket.write(raw);
    });
  }

  /** Sends without waiting for a reply. */
  fire(raw: Buffer): void {
    this.socket.write(raw);
  }

  close(): void {
    this.socket.destroy();
  }
}

// ---- tests -----------------------------------------------------------------------------------

function opQuery(ns: string, query: Document): Buffer {
  const nsBuf = Buffer.from(ns + '\0');
  const body = Buffer.from(BSON.serialize(query));
  const head = Buffer.alloc(20);
  head.writeInt32LE(16 + 4 + nsBuf.length + 8 + body.length, 0);
  head.writeInt32LE(++requestId, 4);
  head.writeInt32LE(2004, 12);
  const skipReturn = Buffer.alloc(8);
  skipReturn.writeInt32LE(-1, 4);
  return Buffer.concat([head, nsBuf, skipReturn, body]);
}

describe('legacy handshake', () => {
  it('answers OP_QUERY isMaster on admin.$cmd with an OP_REPLY', async () => {
    const c = new RawClient();
    const reply = await c.send(
      opQuery('admin.$cmd', { isMaster: 1, helloOk: true, client: { application: { name: 'raw' } } }),
    );
    expect(reply).toMatchObject({ ismaster: true, ok: 1, maxWireVersion: expect.any(Number) });
    expect(reply!.maxWireVersion).toBeGreaterThanOrEqual(21);
    expect(await c.send(opMsg({ hello: 1, $db: 'admin' }))).toMatchObject({ isWritablePrimary: true, ok: 1 });
    c.close();
  });
});

describe('malformed messages', () => {
  it('answers an unknown command with code 59 and keeps the connection', async () => {
    const c = new RawClient();
    expect(await c.send(opMsg({ frobnicate: 1, $db: 'admin' }))).toEqual({
      ok: 0,
      errmsg: "no such command: 'frobnicate'",
      code: 59,
      codeName: 'CommandNotFound',
    });
    expect(await c.send(opMsg({ ping: 1, $db: 'admin' }))).toEqual({ ok: 1 });
    c.close();
  });

  engineOnly('answers a body that is not valid BSON, and goes on', async () => {
    const c = new RawClient();
    const good = opMsg({ ping: 1, $db: 'admin' });
    const bad = Buffer.from(good);
    bad.writeInt32LE(9999, 21); // the body's own length now overruns the message
    const reply = await c.send(bad);
    expect(reply).toMatchObject({ ok: 0, code: 17, codeName: 'ProtocolError' });
    expect(await c.send(opMsg({ ping: 1, $db: 'admin' }))).toEqual({ ok: 1 });
    c.close();
  });

  engineOnly('verifies OP_MSG checksums when present', async () => {
    const c = new RawClient();
    expect(await c.send(opMsg({ ping: 1, $db: 'admin' }, { checksum: 'good' }))).toEqual({ ok: 1 });
    expect(await c.send(opMsg({ ping: 1, $db: 'admin' }, { checksum: 'bad' }))).toMatchObject({
      ok: 0,
      code: 17,
      errmsg: 'OP_MSG checksum mismatch',
    });
    c.close();
  });

  engineOnly('closes only the offending socket on an impossible message length', async () => {
    const c = new RawClient();
    const frame = Buffer.alloc(16);
    frame.writeInt32LE(3, 0); // shorter than a header
    frame.writeInt32LE(77, 4);
    const reply = await c.send(frame);
    expect(reply).toMatchObject({ ok: 0, code: 17 });
    await new Promise((r) => setTimeout(r, 50));
    expect(c.closed).toBe(true);
    expect(await e.db.command({ ping: 1 })).toEqual({ ok: 1 });
  });

  engineOnly('rejects an unknown opcode and an unsupported flag', async () => {
    const c = new RawClient();
    const m = opMsg({ ping: 1, $db: 'admin' });
    m.writeInt32LE(2010, 12);
    expect(await c.send(m)).toMatchObject({ ok: 0, code: 17 });
    expect(await c.send(opMsg({ ping: 1, $db: 'admin' }, { flags: 1 << 4 }))).toMatchObject({
      ok: 0,
      code: 17,
    });
    expect(await c.send(opMsg({ ping: 1, $db: 'admin' }))).toEqual({ ok: 1 });
    c.close();
  });

  engineOnly('requires $db', async () => {
    const c = new RawClient();
    expect(await c.send(opMsg({ ping: 1 }))).toMatchObject({ ok: 0, code: 73 });
    c.close();
  });

  it('accepts inserts as document sequences (kind 1 sections)', async () => {
    const c = new RawClient();
    const r = await c.send(
      opMsg(
        { insert: 'seq', $db: e.dbName },
        { sequences: [{ id: 'documents', docs: [{ _id: 1 }, { _id: 2 }] }] },
      ),
    );
    expect(r).toEqual({ n: 2, ok: 1 });
    c.close();
    expect(await e.db.collection('seq').countDocuments()).toBe(2);
  });

  it('sends no reply when the client sets moreToCome (w: 0)', async () => {
    const c = new RawClient();
    const fireAndForget = opMsg({ insert: 'w0', documents: [{ _id: 1 }], $db: e.dbName }, { flags: 2 });
    c.fire(fireAndForget);
    // Had the insert been answered, its reply would arrive first and be taken for the ping's.
    expect(await c.send(opMsg({ ping: 1, $db: 'admin' }))).toEqual({ ok: 1 });
    c.close();
    expect(await e.db.collection('w0').countDocuments()).toBe(1);
  });
});

describe('random garbage', () => {
  it('survives random frames and deeply nested documents, and keeps serving', async () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 30; i++) {
      const c = new RawClient();
      const good = opMsg({ find: 'x', filter: { a: i }, $db: e.dbName });
      const bad = Buffer.from(good);
      // Flip random bytes after the length field.
      for (let k = 0; k < 1 + Math.floor(rand() * 6); k++)
        bad[4 + Math.floor(rand() * (bad.length - 4))] = Math.floor(rand() * 256);
      await Promise.race([c.send(bad), new Promise((r) => setTimeout(r, 200))]);
      c.close();
    }
    let nested: Document = { leaf: 1 };
    for (let i = 0; i < 1000; i++) nested = { n: nested };
    const c = new RawClient();
    const reply = await c.send(opMsg({ insert: 'deep', documents: [{ _id: 1, nested }], $db: e.dbName }));
    expect(reply).not.toBeNull();
    expect(await c.send(opMsg({ ping: 1, $db: 'admin' }))).toEqual({ ok: 1 });
    c.close();
    expect(await e.db.command({ ping: 1 })).toEqual({ ok: 1 });
  });
});

describe('invalid commands through the driver', () => {
  it('rejects invalid query operators', async () => {
    await expect(
      e.db
        .collection('x')
        .find({ a: { $frob: 1 } })
        .toArray(),
    ).rejects.toMatchObject({ code: 2 });
  });

  engineOnly('refuses server-side JavaScript ($where)', async () => {
    await expect(e.db.collection('x').find({ $where: 'this.a == 1' }).toArray()).rejects.toHaveProperty(
      'code',
    );
  });

  // Since MongoDB 5.0 an insert may hold `$`-prefixed field names, top-level ones too; they are
  // read back whole and reached through $getField.
  it('stores `$`-prefixed top-level field names and rejects an array _id', async () => {
    const r = await e.db.command({
      insert: 'dollar',
      documents: [
        { _id: 1, $set: 1, $price: 50 },
        { _id: 2, ok: 1 },
      ],
      ordered: false,
    });
    expect(r.n).toBe(2);
    expect(r.writeErrors).toBeUndefined();
    expect(await e.db.collection('dollar').findOne({ _id: 1 } as Document)).toEqual({
      _id: 1,
      $set: 1,
      $price: 50,
    });
    const priced = await e.db
      .collection('dollar')
      .find({ $expr: { $eq: [{ $getField: { $literal: '$price' } }, 50] } })
      .toArray();
    expect(priced.map((d) => d._id)).toEqual([1]);
    await expect(e.db.collection('dollar').insertOne({ _id: [1, 2] } as Document)).rejects.toMatchObject({
      code: 53,
    });
  });

  it('rejects documents over 16 MiB', async () => {
    const r = await e.db
      .command({ insert: 'huge', documents: [{ big: 'x'.repeat(16 * 1024 * 1024 + 10) }] })
      .catch((x) => x);
    const code = r.writeErrors?.[0]?.code ?? r.code;
    expect([10334, 2]).toContain(code);
    expect(await e.db.collection('huge').countDocuments()).toBe(0);
    const coll = e.db.collection('grow');
    await coll.insertOne({ _id: 1, s: 'x'.repeat(9 * 1024 * 1024) } as Document);
    const grown = await coll
      .updateOne({ _id: 1 } as Document, { $set: { t: 'y'.repeat(9 * 1024 * 1024) } })
      .catch((x) => x);
    expect([10334, 17419]).toContain(grown.code);
    expect(Object.keys((await coll.findOne({ _id: 1 } as Document))!)).toEqual(['_id', 's']);
  });

  it('rejects invalid namespaces', async () => {
    const c = new RawClient();
    expect(await c.send(opMsg({ insert: 'x', documents: [{}], $db: 'bad.name' }))).toMatchObject({
      ok: 0,
      code: 73,
      codeName: 'InvalidNamespace',
    });
    expect(await c.send(opMsg({ find: 'x', $db: 'bad$name' }))).toMatchObject({ ok: 0, code: 73 });
    expect(await c.send(opMsg({ insert: 'a$b', documents: [{}], $db: 'ok' }))).toMatchObject({
      ok: 0,
      code: 73,
    });
    c.close();
    await expect(e.db.collection('').find().toArray()).rejects.toMatchObject({ code: 73 });
    expect(await e.db.collection('never_created').find().toArray()).toEqual([]);
  });

  it('rejects malformed command arguments with MongoDB codes', async () => {
    await expect(e.db.command({ find: 'x', filter: 'not an object' })).rejects.toMatchObject({ code: 14 });
    await expect(e.db.command({ find: 5 })).rejects.toMatchObject({ code: 73 });
    const badLimit = await e.db.command({ delete: 'x', deletes: [{ q: {}, limit: 5 }] }).catch((x) => x);
    expect(badLimit.writeErrors?.[0]?.code ?? badLimit.code).toBe(9);
    await expect(
      e.db.command({ aggregate: 'x', pipeline: [{ $match: {}, $sort: { a: 1 } }], cursor: {} }),
    ).rejects.toMatchObject({ code: 40323 });
    await expect(
      e.db.command({ aggregate: 'x', pipeline: [{ $nosuchstage: {} }], cursor: {} }),
    ).rejects.toHaveProperty('code');
    await expect(e.db.command({ listDatabases: 1 })).rejects.toMatchObject({ code: 13 });
  });

  it('is still healthy afterwards', async () => {
    expect(await e.db.command({ ping: 1 })).toEqual({ ok: 1 });
  });
});
