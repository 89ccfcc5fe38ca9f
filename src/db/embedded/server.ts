// The listener: TCP on 127.0.0.1, one message at a time per connection, dispatch through the
// command table, transactions found by (lsid, txnNumber), durability awaited before any reply,
// malformed input answered with an error (or the socket closed) without touching other clients.
import net from 'net';
import { BSON, Document, Long, ObjectId } from 'bson';
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import { CommandEntry, lookupCommand } from './commands';
import { CommandContext, ConnectionInfo, CursorRegistry, ServerInfo } from './commands/context';
import { MAX_MESSAGE_SIZE } from './bson/limits';
import { ErrorCodes, MongoServerError, asServerError } from './errors';
import { createScramUser } from './scram';
import { DataDirectoryLock, lockDataDirectory, readOrCreateSecrets } from './storage/data-dir';
import { Engine, Transaction } from './storage/engine';
import { Journal } from './storage/journal';
import { isAwaitableHello } from './commands/handshake';
import {
  MSG_EXHAUST_ALLOWED,
  MSG_MORE_TO_COME,
  ProtocolError,
  Request,
  opMsgReply,
  opReply,
  parseMessage,
  readHeader,
} from './wire/protocol';

export interface EmbeddedMongoOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  /** How often expired TTL documents are removed (default 10 s; MongoDB: 60 s). */
  ttlIntervalMs?: number;
  /**
   * Also listen on this Unix domain socket (created 0600, removed at stop): a cheaper channel than
   * TCP loopback for a client on the same machine, at the same authentication.
   */
  socketPath?: string;
  /** Compact the journal into a snapshot beyond this size (default 64 MiB). */
  compactBytes?: number;
  argv?: string[];
  /**
   * Who may connect. By default one user (`binaasn`, role root on admin) whose password is
   * generated once per data directory and kept there in credentials.json (0600), or per process
   * without a data directory. `false` runs without authentication (anyone on the machine may connect).
   */
  auth?: EngineCredentials | false;
}

export interface EngineCredentials {
  username: string;
  password: string;
}

export const CREDENTIALS_FILE = 'credentials.json';
const DEFAULT_USER = 'binaasn';

function generateCredentials(): EngineCredentials {
  return { username: DEFAULT_USER, password: crypto.randomBytes(24).toString('base64url') };
}

const isCredentials = (v: unknown): boolean =>
  typeof (v as EngineCredentials)?.username === 'string' &&
  typeof (v as EngineCredentials)?.password === 'string' &&
  (v as EngineCredentials).password.length > 0;

/** The credentials an engine requires: given, kept in its data directory, or made for this process. */
function credentialsFor(options: EmbeddedMongoOptions): EngineCredentials | undefined {
  if (options.auth === false) return undefined;
  if (options.auth) return options.auth;
  if (!options.dataDir) return generateCredentials();
  return readOrCreateSecrets(
    path.join(options.dataDir, CREDENTIALS_FILE),
    generateCredentials,
    isCredentials,
  );
}

export interface EmbeddedMongo {
  /** The connection string, with the credentials when the engine requires them. */
  uri: string;
  /** The same over the Unix domain socket, when one was asked for (`socketPath`). */
  socketUri?: string;
  /** The credentials the engine requires; undefined when it runs without authentication. */
  credentials?: EngineCredentials;
  port: number;
  host: string;
  engine: Engine;
  stop(): Promise<void>;
}

const TRANSACTION_LIFETIME_MS = 60_000;

const isOk = (reply: Buffer): boolean => BSON.deserialize(reply).ok === 1;

function lsidKey(body: Document): string | undefined {
  const id = (body.lsid as Document | undefined)?.id as { buffer?: Uint8Array } | undefined;
  if (!id?.buffer) return undefined;
  return Buffer.from(id.buffer).toString('hex');
}

export class EmbeddedServer {
  readonly engine = new Engine();
  readonly cursors = new CursorRegistry();
  private server?: net.Server;
  private unixServer?: net.Server;
  private sockets = new Set<net.Socket>();
  private stopping = false;
  private connectionCounter = 0;
  private housekeeping?: NodeJS.Timeout;
  private lock?: DataDirectoryLock;
  readonly info: ServerInfo;
  readonly credentials?: EngineCredentials;

  constructor(private readonly options: EmbeddedMongoOptions) {
    this.info = {
      host: options.host ?? '127.0.0.1',
      port: 0,
      connections: () => this.sockets.size,
      totalConnections: () => this.connectionCounter,
      dataDir: options.dataDir,
      argv: options.argv ?? [],
      log: [],
      topologyVersion: { processId: new ObjectId(), counter: Long.ZERO },
    };
    this.credentials = credentialsFor(options);
    if (this.credentials)
      this.info.users = [createScramUser(this.credentials.username, 'admin', this.credentials.password)];
  }

  async start(): Promise<void> {
    if (this.options.dataDir) {
      this.lock = await lockDataDirectory(this.options.dataDir);
      const journal = new Journal({ dir: this.options.dataDir, compactBytes: this.options.compactBytes });
      const records = Journal.load(this.options.dataDir);
      this.engine.replay(records);
      this.engine.attachJournal(journal);
    }
    this.engine.startTtl(this.options.ttlIntervalMs ?? 10_000);
    this.housekeeping = setInterval(() => {
      this.cursors.reap(10 * 60_000);
      const now = Date.now();
      for (const [k, t] of this.engine.transactions) {
        if (t.state !== 'active' || now - t.startedAt > TRANSACTION_LIFETIME_MS) {
          if (t.state === 'active') t.abort();
          if (now - t.startedAt > TRANSACTION_LIFETIME_MS) this.engine.transactions.delete(k);
        }
      }
    }, 5_000);
    this.housekeeping.unref();
    this.server = net.createServer((socket) => this.onConnection(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 0, this.info.host, () => resolve());
    });
    this.info.port = (this.server.address() as net.AddressInfo).port;
    this.log(`listening on ${this.info.host}:${this.info.port}`);
    if (this.options.socketPath) await this.listenOnSocketFile(this.options.socketPath);
  }

  /* eslint-disable security/detect-non-literal-fs-filename -- the socket path the operator gave */
  private async listenOnSocketFile(socketPath: string): Promise<void> {
    // A socket file left by an engine that did not stop cleanly goes; any other file stays (listen fails).
    if (fs.lstatSync(socketPath, { throwIfNoEntry: false })?.isSocket()) fs.rmSync(socketPath);
    this.unixServer = net.createServer((socket) => this.onConnection(socket));
    await new Promise<void>((resolve, reject) => {
      this.unixServer!.once('error', reject);
      this.unixServer!.listen(socketPath, () => resolve());
    });
    fs.chmodSync(socketPath, 0o600); // connecting needs write permission: the engine's owner only
    this.log(`listening on ${socketPath}`);
  }
  /* eslint-enable security/detect-non-literal-fs-filename */

  private log(line: string): void {
    this.info.log.push(
      JSON.stringify({ t: { $date: new Date().toISOString() }, s: 'I', c: 'NETWORK', msg: line }),
    );
    if (this.info.log.length > 2048) this.info.log.splice(0, 1024);
  }

  private onConnection(socket: net.Socket): void {
    if (this.stopping) {
      socket.destroy(); // accepted while stopping: a client waiting on it would hang until its own timeout
      return;
    }
    socket.setNoDelay(true);
    this.sockets.add(socket);
    const closing = new AbortController();
    const conn: ConnectionInfo = {
      id: ++this.connectionCounter,
      remote: socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'unix socket',
      closed: closing.signal,
    };
    let buffered: Buffer[] = [];
    let bufferedBytes = 0;
    let queue: Promise<void> = Promise.resolve();
    let closed = false;
    socket.on('close', () => {
      closed = true;
      this.sockets.delete(socket);
      closing.abort();
    });
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      try {
        onData(chunk);
      } catch (err) {
        this.log(`connection ${conn.id}: unreadable input: ${String(err)}`);
        socket.destroy();
      }
    });
    const onData = (chunk: Buffer): void => {
      buffered.push(chunk);
      bufferedBytes += chunk.length;
      // Concatenate only once a whole message has arrived (large messages come in many chunks).
      while (bufferedBytes >= 4) {
        if (buffered[0].length < 4) buffered = [Buffer.concat(buffered, bufferedBytes)];
        const length = buffered[0].readInt32LE(0);
        if (length < 16 || length > MAX_MESSAGE_SIZE) {
          // The stream cannot be resynchronised: answer if we can read a request id, then close.
          const head = Buffer.concat(buffered, bufferedBytes);
          if (head.length >= 8) {
            const err = new MongoServerError(ErrorCodes.ProtocolError, `invalid message length ${length}`);
            socket.end(opMsgReply(head.readInt32LE(4), Buffer.from(BSON.serialize(err.toReply()))));
          } else socket.destroy();
          buffered = [];
          bufferedBytes = 0;
          return;
        }
        if (bufferedBytes < length) break;
        const all = buffered.length === 1 ? buffered[0] : Buffer.concat(buffered, bufferedBytes);
        const msg = Buffer.from(all.subarray(0, length));
        const rest = all.subarray(length);
        buffered = rest.length ? [rest] : [];
        bufferedBytes = rest.length;
        queue = queue
          .then(() => (closed ? undefined : this.handleMessage(msg, socket, conn)))
          .catch((err: unknown) => {
            // Never reached by design (handleMessage answers errors itself); if it is, drop only this client.
            this.log(`connection ${conn.id} failed: ${String(err)}`);
            socket.destroy();
          });
      }
    };
  }

  private async handleMessage(msg: Buffer, socket: net.Socket, conn: ConnectionInfo): Promise<void> {
    const header = readHeader(msg);
    let req: Request;
    try {
      req = parseMessage(msg);
    } catch (e) {
      const err = new MongoServerError(
        e instanceof ProtocolError ? ErrorCodes.ProtocolError : ErrorCodes.InvalidBSON,
        (e as Error).message,
      );
      const body = Buffer.from(BSON.serialize(err.toReply()));
      if (!socket.destroyed)
        socket.write(
          header.opCode === 2004 ? opReply(header.requestId, body) : opMsgReply(header.requestId, body),
        );
      return;
    }
    let reply = await this.execute(req, conn);
    if (req.flags & MSG_MORE_TO_COME) return; // the client asked for no reply (w: 0)
    if (req.legacy) {
      if (!socket.destroyed) socket.write(opReply(header.requestId, reply));
      return;
    }
    // An awaitable hello sent with exhaustAllowed is answered as a stream (MongoDB's streaming
    // monitoring protocol): each reply carries moreToCome and answers the one before it; the next
    // comes when the topology changes or maxAwaitTimeMS has passed, until the connection closes.
    let responseTo = header.requestId;
    for (;;) {
      if (socket.destroyed) return;
      const exhaust = req.flags & MSG_EXHAUST_ALLOWED && isAwaitableHello(req.body) && isOk(reply);
      const out = opMsgReply(responseTo, reply, exhaust ? MSG_MORE_TO_COME : 0);
      socket.write(out);
      if (!exhaust) return;
      responseTo = out.readInt32LE(4);
      req = { ...req, body: { ...req.body, topologyVersion: this.info.topologyVersion } };
      reply = await this.execute(req, conn);
    }
  }

  /** Runs one command and returns the encoded reply document. */
  async execute(req: Request, conn: ConnectionInfo): Promise<Buffer> {
    const body = req.body;
    const name = Object.keys(body)[0];
    let entry: CommandEntry | undefined;
    let db =
      typeof body.$db === 'string'
        ? body.$db
        : req.legacyNs?.endsWith('.$cmd')
          ? req.legacyNs.slice(0, -5)
          : undefined;
    try {
      if (!name) throw new MongoServerError(ErrorCodes.FailedToParse, 'Command document is empty');
      if (db === undefined)
        throw new MongoServerError(ErrorCodes.InvalidNamespace, 'OP_MSG requests require a $db argument');
      db = String(db);
      entry = lookupCommand(name);
      if (this.info.users && !conn.user && !entry.withoutAuth)
        throw new MongoServerError(ErrorCodes.Unauthorized, `Command ${name} requires authentication`);
      if (entry.adminOnly && db !== 'admin')
        throw new MongoServerError(
          ErrorCodes.Unauthorized,
          `${name} may only be run against the admin database.`,
        );
      this.engine.stats.commands++;
      const ctx: CommandContext = {
        engine: this.engine,
        db,
        name,
        body,
        rawBody: req.rawBody,
        sequences: req.sequences,
        scope: this.engine.base,
        cursors: this.cursors,
        server: this.info,
        conn,
      };
      const txn = this.transactionFor(body, name, entry);
      if (txn) {
        ctx.txn = txn;
        ctx.scope = txn;
      }
      let result = await entry.handler(ctx);
      if (
        txn &&
        !(result instanceof Buffer) &&
        Array.isArray((result as Document).writeErrors) &&
        (result as Document).writeErrors.length
      ) {
        // Any failed statement aborts the whole transaction, as in MongoDB.
        txn.abort();
        const first = (result as Document).writeErrors[0] as Document;
        result = new MongoServerError(
          first.code as number,
          first.errmsg as string,
          { ...first, index: undefined },
          ['TransientTransactionError'],
        ).toReply();
        delete result.index;
      }
      if (entry.writes) await this.engine.durable();
      return result instanceof Buffer ? result : Buffer.from(BSON.serialize(result));
    } catch (e) {
      const err = asServerError(e);
      if (
        entry?.inTransaction &&
        body.autocommit === false &&
        name !== 'commitTransaction' &&
        name !== 'abortTransaction'
      ) {
        const t = this.engine.transactions.get(lsidKey(body) ?? '');
        if (t && t.state === 'active' && err.code !== ErrorCodes.NoSuchTransaction) t.abort();
      }
      // A write command may have applied part of its work before failing: make that durable too.
      if (entry?.writes) await this.engine.durable().catch(() => undefined);
      return Buffer.from(BSON.serialize(err.toReply()));
    }
  }

  /** Finds (or starts) the transaction a command belongs to; undefined outside transactions. */
  private transactionFor(body: Document, name: string, entry: CommandEntry): Transaction | undefined {
    if (body.autocommit !== false) return undefined;
    const key = lsidKey(body);
    if (!key)
      throw new MongoServerError(
        ErrorCodes.InvalidOptions,
        'Transactions require a logical session id (lsid)',
      );
    const txnNumber = Number(body.txnNumber);
    if (!Number.isFinite(txnNumber))
      throw new MongoServerError(ErrorCodes.InvalidOptions, 'Transactions require a txnNumber');
    if (!entry.inTransaction)
      throw new MongoServerError(
        ErrorCodes.OperationNotSupportedInTransaction,
        name === 'count'
          ? "Cannot run 'count' in a multi-document transaction. Please see http://dochub.mongodb.org/core/transaction-count for a recommended alternative."
          : `Cannot run '${name}' in a multi-document transaction.`,
      );
    let txn = this.engine.transactions.get(key);
    if (body.startTransaction === true) {
      if (txn && txn.txnNumber > txnNumber)
        throw new MongoServerError(
          ErrorCodes.TransactionTooOld,
          `Cannot start transaction ${txnNumber} on session because a newer transaction ${txn.txnNumber} has already started.`,
        );
      if (txn?.state === 'active') txn.abort();
      txn = new Transaction(this.engine, txnNumber, body.lsid as Document | undefined);
      this.engine.transactions.set(key, txn);
      return txn;
    }
    if (!txn || txn.txnNumber !== txnNumber || (txn.state === 'aborted' && name !== 'abortTransaction')) {
      throw new MongoServerError(
        ErrorCodes.NoSuchTransaction,
        `Transaction with { txnNumber: ${txnNumber} } has been aborted.`,
        {},
        ['TransientTransactionError'],
      );
    }
    if (txn.state === 'committed' && name !== 'commitTransaction')
      throw new MongoServerError(
        ErrorCodes.NoSuchTransaction,
        `Transaction with { txnNumber: ${txnNumber} } has been committed.`,
      );
    return txn;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.housekeeping) clearInterval(this.housekeeping);
    this.engine.stop();
    for (const s of this.sockets) s.destroy();
    await Promise.all(
      [this.server, this.unixServer].map(
        (server) =>
          new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve())),
      ),
    );
    if (this.engine.journal) await this.engine.journal.close();
    await this.lock?.release();
  }
}

/** Starts the embedded engine; port 0 (the default) picks a free port. */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const server = new EmbeddedServer(options);
  try {
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined); // frees the data directory's lock and the port
    throw error;
  }
  const { host, port } = server.info;
  const creds = server.credentials;
  const userInfo = creds
    ? `${encodeURIComponent(creds.username)}:${encodeURIComponent(creds.password)}@`
    : '';
  const query = `/?directConnection=true${creds ? '&authSource=admin' : ''}`;
  return {
    uri: `mongodb://${userInfo}${host}:${port}${query}`,
    socketUri: options.socketPath
      ? `mongodb://${userInfo}${encodeURIComponent(options.socketPath)}${query}`
      : undefined,
    credentials: creds,
    port,
    host,
    engine: server.engine,
    stop: () => server.stop(),
  };
}
