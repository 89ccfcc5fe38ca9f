// Handshake and diagnostics: hello/isMaster (a single-node replica set primary, MongoDB 7 wire
// version, logical sessions, a topologyVersion and the awaitable hello that drivers' monitors
// stream), ping, buildInfo, getParameter, session housekeeping and the status commands tools call.
import os from 'os';
import { Document, Long, ObjectId } from 'bson';
import { MongoServerError, ErrorCodes } from '../errors';
import { MECHANISMS } from '../scram';
import { authInfo, helloAuthentication } from './auth';
import { CommandContext } from './context';
import { MAX_BSON_SIZE, MAX_MESSAGE_SIZE } from '../bson/limits';

export const SET_NAME = 'binaasn';
export const VERSION = '7.0.0';
const ELECTION_ID = new ObjectId('7fffffff0000000000000001');

/** True for a hello that asks to wait for a topology change (the streaming monitor's request). */
export function isAwaitableHello(body: Document): boolean {
  const name = Object.keys(body)[0]?.toLowerCase();
  return (name === 'hello' || name === 'ismaster') && body.maxAwaitTimeMS !== undefined;
}

const badHello = (code: number, message: string) => new MongoServerError(code, message);

/**
 * How long an awaitable hello waits, checked as MongoDB checks it: topologyVersion and
 * maxAwaitTimeMS come together; a topologyVersion of another process (the client last spoke to an
 * earlier run of this server) or an older counter is answered at once; undefined: no waiting.
 */
function awaitTimeMs(ctx: CommandContext): number | undefined {
  const { topologyVersion: theirs, maxAwaitTimeMS } = ctx.body;
  if ((theirs === undefined) !== (maxAwaitTimeMS === undefined))
    throw badHello(
      31368,
      theirs === undefined
        ? "A request with 'maxAwaitTimeMS' must include a 'topologyVersion'"
        : "A request with a 'topologyVersion' must include 'maxAwaitTimeMS'",
    );
  if (theirs === undefined) return undefined;
  if (typeof maxAwaitTimeMS !== 'number' && !(maxAwaitTimeMS instanceof Long))
    throw badHello(ErrorCodes.TypeMismatch, "'maxAwaitTimeMS' must be a number");
  const waitMs = Number(maxAwaitTimeMS);
  if (waitMs < 0) throw badHello(31373, 'maxAwaitTimeMS must be a non-negative integer');
  if (!theirs || typeof theirs !== 'object' || Array.isArray(theirs))
    throw badHello(10065, "'topologyVersion' must be an object");
  const extra = Object.keys(theirs as Document).find((k) => k !== 'processId' && k !== 'counter');
  if (extra) throw badHello(40415, `BSON field 'TopologyVersion.${extra}' is an unknown field.`);
  const { processId, counter } = theirs as Document;
  if (processId === undefined || counter === undefined)
    throw badHello(
      40414,
      `BSON field 'TopologyVersion.${processId === undefined ? 'processId' : 'counter'}' is missing but a required field`,
    );
  if (!(processId instanceof ObjectId))
    throw badHello(ErrorCodes.TypeMismatch, "'topologyVersion.processId' must be an ObjectId");
  if (typeof counter !== 'number' && !(counter instanceof Long))
    throw badHello(ErrorCodes.TypeMismatch, "'topologyVersion.counter' must be a long");
  if (Number(counter) < 0) throw badHello(31372, 'topologyVersion must have a non-negative counter');
  const ours = ctx.server.topologyVersion;
  if (!processId.equals(ours.processId)) return 0;
  if (Number(counter) > ours.counter.toNumber())
    throw badHello(
      51764,
      "Received a topology version with the same process ID and a higher counter than the server's",
    );
  return Number(counter) < ours.counter.toNumber() ? 0 : waitMs;
}

/** Resolves after `ms`, or as soon as the connection closes (the engine stopping closes them all). */
function pause(ms: number, closed: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || closed?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      closed?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    closed?.addEventListener('abort', done, { once: true });
  });
}

/**
 * hello / isMaster. With `topologyVersion` and `maxAwaitTimeMS` (a driver's streaming monitor) it
 * answers when the topology changes — for this single primary, never while it runs — or when
 * `maxAwaitTimeMS` has passed; a client that knew an earlier run of the server is answered at once.
 */
export async function hello(ctx: CommandContext): Promise<Document> {
  const waitMs = awaitTimeMs(ctx);
  if (waitMs) await pause(waitMs, ctx.conn.closed);
  return helloReply(ctx);
}

function helloReply(ctx: CommandContext): Document {
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
    topologyVersion: ctx.server.topologyVersion,
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
