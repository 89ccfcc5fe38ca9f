// The handshake and the diagnostic commands drivers, mongosh and Compass send, with MongoDB's
// reply shapes.
import { EngineUnderTest, openEngine } from './support';

let e: EngineUnderTest;
beforeAll(async () => {
  e = await openEngine();
  await e.db.collection('stats').insertMany([{ a: 1 }, { a: 2 }, { a: 3 }]);
  await e.db.collection('stats').createIndex({ a: 1 });
});
afterAll(async () => {
  await e.stop();
});

const admin = () => e.client.db('admin');

describe('handshake', () => {
  it('presents a writable replica-set primary with sessions and MongoDB 7 wire version', async () => {
    const hello = await admin().command({ hello: 1 });
    expect(hello).toMatchObject({
      isWritablePrimary: true,
      ok: 1,
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      logicalSessionTimeoutMinutes: 30,
      minWireVersion: 0,
    });
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(21);
    expect(typeof hello.setName).toBe('string');
    expect(hello.hosts).toContain(hello.me);
    expect(hello.primary).toBe(hello.me);
    expect(hello.localTime).toBeInstanceOf(Date);
    expect(hello.topologyVersion).toMatchObject({ processId: expect.anything() });
    const legacy = await admin().command({ isMaster: 1 });
    expect(legacy).toMatchObject({ ismaster: true, ok: 1 });
  });

  it('answers ping, buildInfo and getParameter', async () => {
    expect(await admin().command({ ping: 1 })).toMatchObject({ ok: 1 });
    const build = await admin().command({ buildInfo: 1 });
    expect(build.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(build.versionArray[0]).toBeGreaterThanOrEqual(7);
    expect(build).toMatchObject({ bits: 64, maxBsonObjectSize: 16 * 1024 * 1024, ok: 1 });
    const fcv = await admin().command({ getParameter: 1, featureCompatibilityVersion: 1 });
    expect(fcv.featureCompatibilityVersion.version).toMatch(/^\d+\.\d+$/);
    expect(fcv.ok).toBe(1);
  });

  it('ends sessions', async () => {
    const session = e.client.startSession();
    await e.db.collection('stats').findOne({}, { session });
    await session.endSession();
    expect(await admin().command({ endSessions: [session.id] })).toMatchObject({ ok: 1 });
  });
});

describe('diagnostics', () => {
  it('serverStatus', async () => {
    const s = await admin().command({ serverStatus: 1 });
    expect(s).toMatchObject({ ok: 1 });
    expect(typeof s.host).toBe('string');
    expect(typeof s.version).toBe('string');
    expect(s.uptime).toBeGreaterThanOrEqual(0);
    expect(s.localTime).toBeInstanceOf(Date);
    expect(s.connections.current).toBeGreaterThanOrEqual(1);
    expect(s.opcounters.insert).toBeGreaterThanOrEqual(3);
    expect(s.mem).toHaveProperty('resident');
  });

  it('connectionStatus, hostInfo, getCmdLineOpts, getLog', async () => {
    expect(await admin().command({ connectionStatus: 1 })).toMatchObject({
      authInfo: { authenticatedUsers: expect.any(Array) },
      ok: 1,
    });
    const host = await admin().command({ hostInfo: 1 });
    expect(host.system.numCores).toBeGreaterThanOrEqual(1);
    expect(host.os).toHaveProperty('type');
    const opts = await admin().command({ getCmdLineOpts: 1 });
    expect(Array.isArray(opts.argv)).toBe(true);
    expect(opts.parsed).toBeDefined();
    expect(await admin().command({ getLog: '*' })).toMatchObject({
      names: expect.arrayContaining(['global', 'startupWarnings']),
      ok: 1,
    });
    const log = await admin().command({ getLog: 'startupWarnings' });
    expect(Array.isArray(log.log)).toBe(true);
  });

  it('dbStats and collStats', async () => {
    const db = await e.db.command({ dbStats: 1 });
    expect(db).toMatchObject({ db: e.dbName, collections: 1, objects: 3, ok: 1 });
    expect(db.dataSize).toBeGreaterThan(0);
    expect(db.indexes).toBe(2);
    const coll = await e.db.command({ collStats: 'stats' });
    expect(coll).toMatchObject({ ns: `${e.dbName}.stats`, count: 3, nindexes: 2, ok: 1 });
    expect(Object.keys(coll.indexSizes).sort()).toEqual(['_id_', 'a_1']);
    await expect(e.db.command({ collStats: 'nope' })).rejects.toMatchObject({ code: 26 });
  });

  it('explain for find, count, aggregate, update and delete', async () => {
    const find = await e.db.command({
      explain: { find: 'stats', filter: { a: 2 } },
      verbosity: 'executionStats',
    });
    expect(find.queryPlanner.namespace).toBe(`${e.dbName}.stats`);
    expect(JSON.stringify(find.queryPlanner.winningPlan)).toContain('IXSCAN');
    expect(find.executionStats).toMatchObject({ nReturned: 1, totalDocsExamined: 1 });
    const count = await e.db.command({ explain: { count: 'stats', query: {} } });
    expect(count.ok).toBe(1);
    const agg = await e.db
      .collection('stats')
      .aggregate([{ $match: { a: 3 } }])
      .explain();
    expect(JSON.stringify(agg)).toContain('IXSCAN');
    const upd = await e.db.command({
      explain: { update: 'stats', updates: [{ q: { a: 1 }, u: { $set: { b: 1 } } }] },
    });
    expect(JSON.stringify(upd.queryPlanner.winningPlan)).toContain('IXSCAN');
    const del = await e.db.command({ explain: { delete: 'stats', deletes: [{ q: { zz: 1 }, limit: 0 }] } });
    expect(JSON.stringify(del.queryPlanner.winningPlan)).toContain('COLLSCAN');
    // explain never writes.
    expect(await e.db.collection('stats').countDocuments({ b: 1 })).toBe(0);
  });

  it('answers unknown diagnostics with code 59', async () => {
    await expect(admin().command({ totallyUnknownDiagnostic: 1 })).rejects.toMatchObject({
      code: 59,
      codeName: 'CommandNotFound',
    });
  });
});

describe('statistics stages', () => {
  it('$collStats and $indexStats describe the collection', async () => {
    const [stats] = await e.db
      .collection('stats')
      .aggregate([{ $collStats: { storageStats: {}, count: {} } }])
      .toArray();
    expect(stats).toMatchObject({
      ns: `${e.dbName}.stats`,
      storageStats: { count: 3, nindexes: 2 },
      count: 3,
    });
    expect(stats.storageStats.size).toBeGreaterThan(0);
    const idx = await e.db
      .collection('stats')
      .aggregate([{ $indexStats: {} }, { $project: { name: 1, key: 1, _id: 0 } }, { $sort: { name: 1 } }])
      .toArray();
    expect(idx).toEqual([
      { name: '_id_', key: { _id: 1 } },
      { name: 'a_1', key: { a: 1 } },
    ]);
  });
});
