// The command table: name → handler. Unknown names answer code 59 (CommandNotFound) from here.
import { ErrorCodes, MongoServerError } from './errors';
import { aggregate } from './commands/aggregate';
import { Handler } from './commands/context';
import {
  collStats,
  create,
  dbStats,
  drop,
  dropDatabase,
  listCollections,
  listDatabases,
  renameCollection,
} from './commands/databases';
import { makeExplain } from './commands/explain';
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

const table: Map<string, Handler> = new Map<string, Handler>([
  // handshake and sessions
  ['hello', hello],
  ['isMaster', hello],
  ['ismaster', hello],
  ['ping', ok],
  ['buildInfo', buildInfo],
  ['buildinfo', buildInfo],
  ['getParameter', getParameter],
  ['endSessions', ok],
  ['killSessions', ok],
  ['refreshSessions', ok],
  ['startSession', ok],
  ['whatsmyuri', whatsmyuri],
  ['logout', ok],
  // diagnostics
  ['serverStatus', serverStatus],
  ['connectionStatus', connectionStatus],
  ['hostInfo', hostInfo],
  ['getCmdLineOpts', getCmdLineOpts],
  ['getLog', getLog],
  ['dbStats', dbStats],
  ['collStats', collStats],
  ['replSetGetStatus', replSetGetStatus],
  ['explain', makeExplain(() => table)],
  // databases and collections
  ['listDatabases', listDatabases],
  ['dropDatabase', dropDatabase],
  ['listCollections', listCollections],
  ['create', create],
  ['drop', drop],
  ['renameCollection', renameCollection],
  // CRUD
  ['insert', insert],
  ['find', find],
  ['getMore', getMore],
  ['killCursors', killCursors],
  ['update', update],
  ['delete', deleteCommand],
  ['findAndModify', findAndModify],
  ['findandmodify', findAndModify],
  ['count', count],
  ['distinct', distinct],
  ['aggregate', aggregate],
  // indexes
  ['createIndexes', createIndexes],
  ['listIndexes', listIndexes],
  ['dropIndexes', dropIndexes],
  ['deleteIndexes', dropIndexes],
  // transactions
  ['commitTransaction', commitTransaction],
  ['abortTransaction', abortTransaction],
]);

/** Commands that only make sense against the admin database. */
export const ADMIN_ONLY = new Set([
  'listDatabases',
  'commitTransaction',
  'abortTransaction',
  'getParameter',
  'getCmdLineOpts',
  'getLog',
  'hostInfo',
  'renameCollection',
  'replSetGetStatus',
  'endSessions',
  'killSessions',
]);

/** Commands allowed inside a multi-document transaction. */
export const TRANSACTION_COMMANDS = new Set([
  'find',
  'getMore',
  'killCursors',
  'insert',
  'update',
  'delete',
  'findAndModify',
  'findandmodify',
  'aggregate',
  'distinct',
  'count',
  'commitTransaction',
  'abortTransaction',
  'create',
  'createIndexes',
  'bulkWrite',
]);

export function lookupCommand(name: string): Handler {
  const h = table.get(name);
  if (!h) throw new MongoServerError(ErrorCodes.CommandNotFound, `no such command: '${name}'`);
  return h;
}

export function commandNames(): string[] {
  return [...table.keys()];
}
