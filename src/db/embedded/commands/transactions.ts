// commitTransaction and abortTransaction; the transaction itself is found or started by the
// server from the command's lsid/txnNumber/autocommit/startTransaction fields.
import { Document } from 'bson';
import { ErrorCodes, MongoServerError } from '../errors';
import { CommandContext } from './context';

function noTransaction(ctx: CommandContext): MongoServerError {
  return new MongoServerError(
    ErrorCodes.NoSuchTransaction,
    `Transaction with { txnNumber: ${String(ctx.body.txnNumber)} } has been aborted.`,
    {},
    ['TransientTransactionError'],
  );
}

export function commitTransaction(ctx: CommandContext): Document {
  if (!ctx.txn) throw noTransaction(ctx);
  ctx.txn.commit();
  return { ok: 1 };
}

export function abortTransaction(ctx: CommandContext): Document {
  if (!ctx.txn || ctx.txn.state === 'aborted') throw noTransaction(ctx);
  if (ctx.txn.state === 'committed')
    throw new MongoServerError(
      ErrorCodes.IllegalOperation,
      'Cannot abort transaction: it has already been committed',
    );
  ctx.txn.abort();
  return { ok: 1 };
}
