// Handshake and diagnostics: hello/isMaster (a single-node replica set primary, MongoDB 7 wire
// version, logical sessions; no topologyVersion, so drivers poll rather than stream), ping,
// buildInfo, getParameter, session housekeeping and the status commands tools call.
import os from 'os';
import { Document, ObjectId } from 'bson';
import { MECHANISMS } from '../scram';
import { authInfo, helloAuthentication } from './auth';
import { CommandContext } from './context';
import { MAX_BSON_SIZE, MAX_MESSAGE_SIZE } from '../bson/limits';

export const SET_NAME = 'binaasn';
export const VERSION = '7.0.0';
const ELECTION_ID = new ObjectId('7fffffff0000000000000001');

export function hello(ctx: CommandContext): Document {
  const me = `${ctx.server.host}:${ctx.server.port}`;
  if (ctx.body.client && !ctx.conn.client) ctx.conn.client = ctx.body.client as Document;
  const legacy = ctx.name.toLowerCase() === 'ismaster';
  return {
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    helloOk: true,
    setName: SET_NAME,
    setVersion: 1,
    hosts: [me],
    primary: me,
    me,
    electionId: ELECTION_ID,
    secondary: false,
    maxBsonObjectSize: MAX_BSON_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.conn.id,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ...helloAuthentication(ctx),
    ok: 1,
  };
}

export function buildInfo(): Document {
  return {
    version: VERSION,
    gitVersion: 'binaasn-embedded',
    modules: [],
    allocator: 'system',
    javascriptEngine: 'none',
    sysInfo: 'deprecated',
    versionArray: [7, 0, 0, 0],
    openssl: { running: 'disabled', compiled: 'disabled' },
    buildEnvironment: { target_os: process.platform, target_arch: process.arch },
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_SIZE,
    storageEngines: ['embedded'],
    ok: 1,
  };
}

const PARAMETERS: Document = {
  featureCompatibilityVersion: { version: '7.0' },
  transactionLifetimeLimitSeconds: 60,
  maxTransactionLockRequestTimeoutMillis: 5,
  authenticationMechanisms: MECHANISMS,
  logLevel: 0,
  quiet: false,
};

export function getParameter(ctx: CommandContext): Document {
  const out: Document = {};
  const all =
    ctx.body.getParameter === '*' ||
    (typeof ctx.body.getParameter === 'object' && ctx.body.getParameter?.allParameters);
  for (const [k, v] of Object.entries(PARAMETERS)) if (all || k in ctx.body) out[k] = v;
  return { ...out, ok: 1 };
}

export function ok(): Document {
  return { ok: 1 };
}

export function whatsmyuri(ctx: CommandContext): Document {
  return { you: ctx.conn.remote, ok: 1 };
}

export function connectionStatus(ctx: CommandContext): Document {
  return { authInfo: authInfo(ctx), ok: 1 };
}

export function hostInfo(): Document {
  return {
    system: {
      currentTime: new Date(),
      hostname: os.hostname(),
      cpuAddrSize: 64,
      memSizeMB: Math.round(os.totalmem() / 1048576),
      numCores: os.cpus().length,
      cpuArch: os.arch(),
      numaEnabled: false,
    },
    os: { type: os.type(), name: os.platform(), version: os.release() },
    extra: {},
    ok: 1,
  };
}

export function getCmdLineOpts(ctx: CommandContext): Document {
  return {
    argv: ctx.server.argv,
    parsed: {
      net: { bindIp: ctx.server.host, port: ctx.server.port },
      ...(ctx.server.dataDir ? { storage: { dbPath: ctx.server.dataDir } } : {}),
    },
    ok: 1,
  };
}

export function getLog(ctx: CommandContext): Document {
  const which = ctx.body.getLog;
  if (which === '*') return { names: ['global', 'startupWarnings'], ok: 1 };
  const lines = which === 'startupWarnings' ? [] : ctx.server.log.slice(-1024);
  return { totalLinesWritten: lines.length, log: lines, ok: 1 };
}

export function serverStatus(ctx: CommandContext): Document {
  const mem = process.memoryUsage();
  const s = ctx.engine.stats;
  return {
    host: os.hostname(),
    version: VERSION,
    process: 'binaasn-embedded',
    pid: process.pid,
    uptime: Math.floor(process.uptime()),
    uptimeMillis: Math.floor(process.uptime() * 1000),
    localTime: new Date(),
    connections: {
      current: ctx.server.connections(),
      available: 100000,
      totalCreated: ctx.server.totalConnections(),
      active: 1,
    },
    opcounters: {
      insert: s.inserts,
      query: s.queries,
      update: s.updates,
      delete: s.deletes,
      getmore: 0,
      command: s.commands,
    },
    mem: {
      bits: 64,
      resident: Math.round(mem.rss / 1048576),
      virtual: Math.round(mem.heapTotal / 1048576),
      supported: true,
    },
    metrics: { cursor: { open: { total: ctx.cursors.size } } },
    storageEngine: { name: 'embedded', supportsCommittedReads: true, persistent: !!ctx.server.dataDir },
    transactions: { currentActive: ctx.engine.transactions.size },
    repl: { setName: SET_NAME, isWritablePrimary: true, hosts: [`${ctx.server.host}:${ctx.server.port}`] },
    ok: 1,
  };
}

export function replSetGetStatus(ctx: CommandContext): Document {
  return {
    set: SET_NAME,
    date: new Date(),
    myState: 1,
    members: [
      {
        _id: 0,
        name: `${ctx.server.host}:${ctx.server.port}`,
        health: 1,
        state: 1,
        stateStr: 'PRIMARY',
        self: true,
      },
    ],
    ok: 1,
  };
}
