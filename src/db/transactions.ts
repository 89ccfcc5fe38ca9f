// Multi-document changes: in a transaction where the database has them (a replica set, the embedded
// engine), or plainly on a standalone mongod, which has none.
import mongoose, { type ClientSession } from 'mongoose';

function isTransactionUnsupported(error: unknown): boolean {
  const e = error as { code?: number; message?: string };
  return (
    e?.code === 20 ||
    /Transaction numbers are only allowed|transactions are not supported/i.test(e?.message ?? '')
  );
}

/** Runs `work` in a transaction, or without one on a database that has none (a standalone mongod). */
export async function inTransaction<T>(work: (session?: ClientSession) => Promise<T>): Promise<T> {
  try {
    return await mongoose.connection.transaction((session) => work(session));
  } catch (error) {
    if (!isTransactionUnsupported(error)) throw error;
    return work(undefined);
  }
}
