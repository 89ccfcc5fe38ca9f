// The command table: one entry per command name with its handler, where it may run (admin
// database only, inside a multi-document transaction, before authentication), whether its writes are made durable
// before the reply, and a line of help (`listCommands`). Unknown names answer code 59
// (CommandNotFound) from here.
import { Document } from 'bson';
import { ErrorCodes, MongoServerError } from './errors';
import { aggregate } from './commands/aggregate';
import { logout, saslContinue, saslStart } from './commands/auth';
import { Handler } from './commands/context';
import {
  collMod,
  collStats,
  create,
  dbStats,
  drop,
  dropDatabase,
  listCollections,
  listDatabases,
  renameCollection,
} from './commands/databases';
import { explain } from './commands/explain';
import { count, distinct, find, getMore, killCursors } from './commands/find';
import {
  buildInfo,
  connectionStatus,
  getCmdLineOpts,
  getLog,
  getParameter,
  hello,
  hostInfo,
  ok,
  replSetGetStatus,
  serverStatus,
  whatsmyuri,
} from './commands/handshake';
import { createIndexes, dropIndexes, listIndexes } from './commands/indexes';
import { insert } from './commands/insert';
import { abortTransaction, commitTransaction } from './commands/transactions';
import { deleteCommand, findAndModify, update } from './commands/update';

export interface CommandEntry {
  handler: Handler;
  help: string;
  /** Runs only against the admin database (code 13 elsewhere). */
  adminOnly?: boolean;
  /** May run inside a multi-document transaction (code 263 otherwise). */
  inTransaction?: boolean;
  /** Changes data: the reply waits until the journal has it on disk. */
  writes?: boolean;
  /** Runs before the connection authenticates (MongoDB's requiresAuth() == false); others answer 13. */
  withoutAuth?: boolean;
}

const entries: [string[], CommandEntry][] = [
  // handshake and sessions
  [
    ['hello', 'isMaster', 'ismaster'],
    { handler: hello, help: 'the server and its replica-set role', withoutAuth: true },
  ],
  [['ping'], { handler: ok, help: 'answers ok', withoutAuth: true }],
  [
    ['buildInfo', 'buildinfo'],
    { handler: buildInfo, help: 'version and build of the server', withoutAuth: true },
  ],
  [['saslStart'], { handler: saslStart, help: 'starts a SCRAM authentication', withoutAuth: true }],
  [['saslContinue'], { handler: saslContinue, help: 'continues a SCRAM authentication', withoutAuth: true }],
  [['getParameter'], { handler: getParameter, help: 'server parameters', adminOnly: true }],
  [['endSessions'], { handler: ok, help: 'ends logical sessions', adminOnly: true }],
  [['killSessions'], { handler: ok, help: 'kills logical sessions', adminOnly: true }],
  [['refreshSessions'], { handler: ok, help: 'keeps logical sessions alive' }],
  [['startSession'], { handler: ok, help: 'starts a logical session' }],
  [['whatsmyuri'], { handler: whatsmyuri, help: "the client's address" }],
  [['logout'], { handler: logout, help: "ends the connection's authentication", withoutAuth: true }],
  [['listCommands'], { handler: listCommands, help: 'this list' }],
  // diagnostics
  [['serverStatus'], { handler: serverStatus, help: 'server counters, memory and connections' }],
  [
    ['connectionStatus'],
    { handler: connectionStatus, help: 'the authenticated users and roles', withoutAuth: true },
  ],
  [['hostInfo'], { handler: hostInfo, help: 'the host machine', adminOnly: true }],
  [['getCmdLineOpts'], { handler: getCmdLineOpts, help: 'command-line options', adminOnly: true }],
  [['getLog'], { handler: getLog, help: 'recent log lines', adminOnly: true }],
  [['dbStats'], { handler: dbStats, help: 'sizes of a database' }],
  [['collStats'], { handler: collStats, help: 'sizes of a collection' }],
  [['replSetGetStatus'], { handler: replSetGetStatus, help: 'replica-set members', adminOnly: true }],
  [
    ['explain'],
    { handler: explain, help: 'the plan of a find, count, distinct, update, delete or aggregate' },
  ],
  // databases and collections
  [['listDatabases'], { handler: listDatabases, help: 'databases and their sizes', adminOnly: true }],
  [['dropDatabase'], { handler: dropDatabase, help: 'drops a database', writes: true }],
  [['listCollections'], { handler: listCollections, help: 'collections of a database' }],
  [['create'], { handler: create, help: 'creates a collection', inTransaction: true, writes: true }],
  [['collMod'], { handler: collMod, help: 'changes index TTL/hidden and validator settings', writes: true }],
  [['drop'], { handler: drop, help: 'drops a collection', writes: true }],
  [
    ['renameCollection'],
    { handler: renameCollection, help: 'renames a collection', adminOnly: true, writes: true },
  ],
  // CRUD
  [['insert'], { handler: insert, help: 'inserts documents', inTransaction: true, writes: true }],
  [['find'], { handler: find, help: 'queries a collection', inTransaction: true }],
  [['getMore'], { handler: getMore, help: "the next batch of a cursor's documents", inTransaction: true }],
  [['killCursors'], { handler: killCursors, help: 'closes cursors', inTransaction: true }],
  [['update'], { handler: update, help: 'updates documents', inTransaction: true, writes: true }],
  [['delete'], { handler: deleteCommand, help: 'deletes documents', inTransaction: true, writes: true }],
  [
    ['findAndModify', 'findandmodify'],
    {
      handler: findAndModify,
      help: 'updates or deletes one document and returns it',
      inTransaction: true,
      writes: true,
    },
  ],
  // MongoDB refuses `count` in a transaction (countDocuments, an aggregation, is the way there).
  [['count'], { handler: count, help: 'counts matching documents' }],
  [['distinct'], { handler: distinct, help: 'distinct values of a field', inTransaction: true }],
  [
    ['aggregate'],
    { handler: aggregate, help: 'runs an aggregation pipeline', inTransaction: true, writes: true },
  ],
  // indexes
  [['createIndexes'], { handler: createIndexes, help: 'builds indexes', inTransaction: true, writes: true }],
  [['listIndexes'], { handler: listIndexes, help: 'indexes of a collection' }],
  [['dropIndexes', 'deleteIndexes'], { handler: dropIndexes, help: 'drops indexes', writes: true }],
  // transactions
  [
    ['commitTransaction'],
    {
      handler: commitTransaction,
      help: 'commits a multi-document transaction',
      adminOnly: true,
      inTransaction: true,
      writes: true,
    },
  ],
  [
    ['abortTransaction'],
    {
      handler: abortTransaction,
      help: 'aborts a multi-document transaction',
      adminOnly: true,
      inTransaction: true,
    },
  ],
];

const table = new Map<string, CommandEntry>();
for (const [names, entry] of entries) for (const name of names) table.set(name, entry);

/** The entry of a command, or CommandNotFound (59). */
export function lookupCommand(name: string): CommandEntry {
  const entry = table.get(name);
  if (!entry) throw new MongoServerError(ErrorCodes.CommandNotFound, `no such command: '${name}'`);
  return entry;
}

function listCommands(): Document {
  const commands: Document = {};
  for (const [name, e] of table)
    commands[name] = {
      help: e.help,
      adminOnly: !!e.adminOnly,
      requiresAuth: !e.withoutAuth,
      secondaryOk: true,
    };
  return { commands, ok: 1 };
}
