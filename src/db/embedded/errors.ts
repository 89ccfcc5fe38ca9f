// MongoDB error codes and names used by the embedded engine, and the error type handlers throw.
// Codes and names follow MongoDB's src/mongo/base/error_codes.yml.

export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  FailedToParse: 9,
  TypeMismatch: 14,
  InvalidLength: 16,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  CursorNotFound: 43,
  NamespaceExists: 48,
  DollarPrefixedFieldName: 52,
  EmptyFieldName: 56,
  InvalidIdField: 53,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  WriteConflict: 112,
  InvalidBSON: 22,
  NoSuchTransaction: 251,
  TransactionTooOld: 225,
  OperationNotSupportedInTransaction: 263,
  Location40352: 40352,
  Location6108304: 6108304,
  ProtocolError: 17,
  BSONObjectTooLarge: 10334,
  DuplicateKey: 11000,
  NotWritablePrimary: 10107,
  Unauthorized: 13,
  AuthenticationFailed: 18,
  MechanismUnavailable: 334,
  CannotCreateIndex: 67,
  ConflictingUpdateOperators: 40,
  MaxTimeMSExpired: 50,
  CommandNotSupported: 115,
} as const;

const namesByCode = new Map<number, string>(Object.entries(ErrorCodes).map(([name, code]) => [code, name]));

export function codeName(code: number): string {
  return namesByCode.get(code) ?? 'UnknownError';
}

/** An error that becomes a MongoDB-shaped `{ ok: 0, errmsg, code, codeName }` reply. */
export class MongoServerError extends Error {
  readonly code: number;
  readonly labels: string[];
  readonly extra: Record<string, unknown>;

  constructor(code: number, message: string, extra: Record<string, unknown> = {}, labels: string[] = []) {
    super(message);
    this.code = code;
    this.extra = extra;
    this.labels = labels;
  }

  toReply(): Record<string, unknown> {
    const reply: Record<string, unknown> = {
      ok: 0,
      errmsg: this.message,
      code: this.code,
      codeName: codeName(this.code),
      ...this.extra,
    };
    if (this.labels.length > 0) reply.errorLabels = this.labels;
    return reply;
  }
}

export function fail(code: number, message: string, extra: Record<string, unknown> = {}): never {
  throw new MongoServerError(code, message, extra);
}

/** Converts anything thrown (including mingo's own errors) into a MongoServerError. */
export function asServerError(err: unknown): MongoServerError {
  if (err instanceof MongoServerError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof RangeError && /size|too large|exceeds/i.test(message))
    return new MongoServerError(ErrorCodes.BSONObjectTooLarge, message);
  if (err instanceof Error && err.constructor.name === 'BSONError')
    return new MongoServerError(ErrorCodes.InvalidBSON, message);
  return new MongoServerError(ErrorCodes.BadValue, message);
}
