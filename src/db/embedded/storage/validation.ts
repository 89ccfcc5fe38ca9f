// Collection validators (create/collMod `validator`, `validationLevel`, `validationAction`): a
// validator is checked when it is given (MongoDB's parse errors, with its "Parsing of collection
// validator failed" context) and compiled once per collection options; a document it refuses is
// DocumentValidationFailure (121) with an `errInfo` shaped as MongoDB ≥ 5.0 gives it.
import { Document } from 'bson';
import { Query } from 'mingo';
import { deserializeDocument } from '../bson/dbref';
import { ErrorCodes, MongoServerError, fail } from '../errors';
import type { Collection, StoredDoc } from './collection';
import { SchemaCheck, bsonTypeOf, compileSchema } from './jsonschema';
import { collatedExprTest } from './collated-ops';
import { MINGO_OPTIONS, checkLogical, collatedObjectMatcher, mingoFilter, refuseGeo } from './matcher';
import { isCollated, isPlainObject, valuesAtPath } from './values';

export const DocumentValidationFailure = 121;

const LEVELS = ['off', 'strict', 'moderate'];
const ACTIONS = ['error', 'warn'];

export interface CollectionValidator {
  /** `strict` or `moderate` (a validator whose level is `off` is none). */
  readonly level: string;
  readonly action: string;
  passes(doc: StoredDoc): boolean;
  /** DocumentValidationFailure for a document that does not pass, with MongoDB's `errInfo`. */
  failure(doc: StoredDoc): MongoServerError;
}

/**
 * The document a `$jsonSchema` sees while a validator tests one: parsed without promoting numbers,
 * so that `bsonType: 'int'` and `'double'` tell `1` from `1.0` as MongoDB does (the query operators
 * get the stored document's usual parse). Set only during a test, which is synchronous.
 */
let schemaInput: Document | undefined;

const typed = (raw: Buffer): Document =>
  deserializeDocument(raw, { promoteValues: false, validation: { utf8: false } });

const schemaValidator = (schema: Document) => {
  const check = compileSchema(schema);
  return (obj: Document) => check(schemaInput ?? obj).length === 0;
};

const OPTIONS = { ...MINGO_OPTIONS, jsonSchemaValidator: schemaValidator };

function parsingFailed(e: unknown): never {
  if (e instanceof MongoServerError && e.code !== ErrorCodes.CommandNotSupported)
    throw new MongoServerError(
      e.code,
      `Parsing of collection validator failed :: caused by :: ${e.message}`,
      e.extra,
    );
  if (e instanceof MongoServerError) throw e;
  fail(
    ErrorCodes.BadValue,
    `Parsing of collection validator failed :: caused by :: ${e instanceof Error ? e.message : String(e)}`,
  );
}

const GEO_NEAR = new Set(['$near', '$nearSphere', '$geoNear']);

/** Operators MongoDB's validator parser refuses (it allows neither JavaScript, text search nor near queries). */
function refuseBanned(v: unknown, inExpr = false): void {
  if (Array.isArray(v)) {
    for (const x of v) refuseBanned(x, inExpr);
    return;
  }
  if (!isPlainObject(v)) return;
  for (const [k, x] of Object.entries(v)) {
    if (inExpr) {
      if (k === '$function' || k === '$accumulator')
        throw new MongoServerError(4660800, `${k} cannot be used inside a validator.`);
    } else if (k === '$where') fail(ErrorCodes.BadValue, '$where is not allowed in this context');
    else if (k === '$text') fail(ErrorCodes.BadValue, '$text is not allowed in this context');
    else if (GEO_NEAR.has(k))
      throw new MongoServerError(
        5626500,
        '$geoNear, $near, and $nearSphere are not allowed in this context, as these operators require ' +
          'sorting geospatial data. If you do not need sort, consider using $geoWithin instead. Check out ' +
          'https://dochub.mongodb.org/core/near-sort-operation and ' +
          'https://dochub.mongodb.org/core/nearSphere-sort-operationfor more details.',
      );
    if (k === '$jsonSchema') continue;
    refuseBanned(x, inExpr || k === '$expr');
  }
}

/** Each `$jsonSchema` at the top of the validator or of its `$and`/`$or`/`$nor` clauses, checked. */
function checkSchemas(filter: Document): void {
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$jsonSchema') {
      if (!isPlainObject(v)) fail(ErrorCodes.TypeMismatch, '$jsonSchema must be an object');
      compileSchema(v);
    } else if ((k === '$and' || k === '$or' || k === '$nor') && Array.isArray(v))
      for (const c of v) if (isPlainObject(c)) checkSchemas(c);
  }
}

/** A filter's test of a parsed document. */
type Test = (obj: Document) => boolean;

/**
 * A validator (or one of its clauses) as a test, after MongoDB's parse checks. Under the
 * collection's default collation (which MongoDB applies to validators) the query part is the
 * engine's collated matcher, which answers CommandNotSupported (115) for operators it cannot
 * collate, and a `$jsonSchema` may stand only at the top.
 */
function compile(validator: Document, collation?: unknown): Test {
  try {
    checkLogical(validator);
    refuseBanned(validator);
    refuseGeo(validator);
    checkSchemas(validator);
    if (isCollated(collation)) {
      const tests = Object.entries(validator).map(([k, v]): Test => {
        if (k === '$jsonSchema') {
          const check = compileSchema(v as Document);
          return (obj) => check(schemaInput ?? obj).length === 0;
        }
        if (hasSchema({ [k]: v }))
          fail(
            ErrorCodes.CommandNotSupported,
            'a $jsonSchema inside $and, $or or $nor in the validator of a collection with a collation is not supported by the embedded engine',
          );
        const collated = collation as Document;
        return collatedObjectMatcher({ [k]: v }, collated, collatedExprTest(collated));
      });
      return (obj) => tests.every((t) => t(obj));
    }
    const query = new Query(mingoFilter(validator), OPTIONS);
    return (obj) => query.test(obj);
  } catch (e) {
    parsingFailed(e);
  }
}

function checkEnum(command: string, field: string, value: unknown, allowed: string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'string')
    fail(
      ErrorCodes.TypeMismatch,
      `BSON field '${command}.${field}' is the wrong type '${typeof value}', expected type 'string'`,
    );
  if (!allowed.includes(value))
    fail(
      ErrorCodes.BadValue,
      `Enumeration value '${value}' for field '${command}.${field}' is not a valid value.`,
    );
}

/**
 * Checks create's or collMod's validation options as MongoDB does before storing them (under the
 * collection's default collation: create's own, or the existing collection's for collMod).
 */
export function checkValidationOptions(
  command: string,
  options: Document,
  collation: unknown = options.collation,
): void {
  const { validator } = options;
  if (validator !== undefined) {
    if (!isPlainObject(validator))
      fail(
        ErrorCodes.TypeMismatch,
        `BSON field '${command}.validator' is the wrong type '${Array.isArray(validator) ? 'array' : typeof validator}', expected type 'object'`,
      );
    if (Object.keys(validator).length) compile(validator, collation);
  }
  checkEnum(command, 'validationLevel', options.validationLevel, LEVELS);
  checkEnum(command, 'validationAction', options.validationAction, ACTIONS);
}

const compiled = new WeakMap<Document, CollectionValidator | null>();

/** The collection's validator in force, or undefined (none, empty, or its level `off`). */
export function validatorOf(coll: Collection | undefined): CollectionValidator | undefined {
  const options = coll?.options;
  if (options?.validator === undefined) return undefined;
  let v = compiled.get(options);
  if (v === undefined) {
    v = makeValidator(options);
    compiled.set(options, v);
  }
  return v ?? undefined;
}

function makeValidator(options: Document): CollectionValidator | null {
  const validator = options.validator as Document;
  const level = typeof options.validationLevel === 'string' ? options.validationLevel : 'strict';
  const action = typeof options.validationAction === 'string' ? options.validationAction : 'error';
  if (!isPlainObject(validator) || Object.keys(validator).length === 0 || level === 'off') return null;
  const collation: unknown = options.collation;
  let matches: Test;
  try {
    matches = compile(validator, collation);
  } catch {
    return null; // stored by an older engine without checks: MongoDB would not have accepted it
  }
  const usesSchema = hasSchema(validator);
  const test: Tester = (filterTest, doc) => {
    schemaInput = usesSchema ? typed(doc.raw) : undefined;
    try {
      return filterTest(doc.obj);
    } finally {
      schemaInput = undefined;
    }
  };
  const clause: Clause = (filter) => compile(filter, collation);
  return {
    level,
    action,
    passes: (doc) => test(matches, doc),
    failure: (doc) =>
      new MongoServerError(DocumentValidationFailure, 'Document failed validation', {
        errInfo: { failingDocumentId: doc.obj._id, details: explain(validator, doc, test, clause) },
      }),
  };
}

function hasSchema(filter: Document): boolean {
  return Object.entries(filter).some(
    ([k, v]) =>
      k === '$jsonSchema' ||
      ((k === '$and' || k === '$or' || k === '$nor') &&
        Array.isArray(v) &&
        v.some((c) => isPlainObject(c) && hasSchema(c))),
  );
}

// ---- errInfo.details -----------------------------------------------------------------------

type Tester = (filterTest: Test, doc: StoredDoc) => boolean;
type Clause = (filter: Document) => Test;

const REASONS: Record<string, string> = {
  $eq: 'comparison failed',
  $ne: 'comparison failed',
  $gt: 'comparison failed',
  $gte: 'comparison failed',
  $lt: 'comparison failed',
  $lte: 'comparison failed',
  $in: 'no matching value found in array',
  $nin: 'matching value found in array',
  $type: 'type did not match',
  $regex: 'regular expression did not match',
  $size: 'array length was not equal to given size',
  $all: 'array did not contain all specified values',
  $elemMatch: 'array did not satisfy the child predicate',
  $mod: 'input value is not a multiple of the divisor',
  $not: 'child expression matched',
};

/** Why a document fails a validator, in the shape of MongoDB's `errInfo.details` (simplified: see README). */
function explain(validator: Document, doc: StoredDoc, test: Tester, clause: Clause): Document {
  const clauses = Object.entries(validator).filter(([k]) => k !== '$comment');
  if (clauses.length === 1) return clauseDetails(clauses[0][0], clauses[0][1], doc, test, clause);
  const failing: Document[] = [];
  clauses.forEach(([k, v], index) => {
    if (!test(clause({ [k]: v }), doc))
      failing.push({ index, details: clauseDetails(k, v, doc, test, clause) });
  });
  return { operatorName: '$and', clausesNotSatisfied: failing };
}

function clauseDetails(key: string, cond: unknown, doc: StoredDoc, test: Tester, clause: Clause): Document {
  if (key === '$jsonSchema') {
    const schema = cond as Document;
    const out: Document = { operatorName: '$jsonSchema' };
    if (typeof schema.title === 'string') out.title = schema.title;
    if (typeof schema.description === 'string') out.description = schema.description;
    const check: SchemaCheck = compileSchema(schema);
    out.schemaRulesNotSatisfied = check(typed(doc.raw));
    return out;
  }
  if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(cond)) {
    const listed: Document[] = [];
    (cond as Document[]).forEach((c, index) => {
      const passed = test(clause(c), doc);
      if (key === '$nor' ? passed : !passed) {
        const entries = Object.entries(c);
        const details =
          entries.length === 1
            ? clauseDetails(entries[0][0], entries[0][1], doc, test, clause)
            : explain(c, doc, test, clause);
        listed.push({ index, details });
      }
    });
    return { operatorName: key, clausesNotSatisfied: listed };
  }
  if (key === '$expr')
    return {
      operatorName: '$expr',
      specifiedAs: { $expr: cond },
      reason: 'expression did not match',
      expressionResult: false,
    };
  if (!isPlainObject(cond) || !Object.keys(cond).some((k) => k.startsWith('$')))
    return fieldDetails(key, '$eq', { [key]: cond }, doc);
  const ops = Object.entries(cond);
  const failing = ops.filter(
    ([op, arg]) => op !== '$options' && !test(clause({ [key]: opClause(op, arg, cond) }), doc),
  );
  if (ops.filter(([op]) => op !== '$options').length === 1 || failing.length === 0) {
    const [op, arg] = failing[0] ?? ops[0];
    return fieldDetails(key, op, { [key]: opClause(op, arg, cond) }, doc);
  }
  return {
    operatorName: '$and',
    clausesNotSatisfied: failing.map(([op, arg]) => ({
      index: ops.findIndex(([o]) => o === op),
      details: fieldDetails(key, op, { [key]: opClause(op, arg, cond) }, doc),
    })),
  };
}

/** One operator of a field's condition as a condition of its own (`$regex` keeps its `$options`). */
function opClause(op: string, arg: unknown, cond: Document): Document {
  return op === '$regex' && cond.$options !== undefined
    ? { $regex: arg, $options: cond.$options }
    : { [op]: arg };
}

function fieldDetails(field: string, op: string, specifiedAs: Document, doc: StoredDoc): Document {
  const out: Document = { operatorName: op, specifiedAs };
  const values = valuesAtPath(typed(doc.raw), field);
  const missing = values.length === 1 && values[0] === undefined;
  if (op === '$exists') {
    out.reason = missing ? 'path does not exist' : 'path does exist';
    return out;
  }
  if (missing && op !== '$ne' && op !== '$nin' && op !== '$not') {
    out.reason = 'field was missing';
    return out;
  }
  out.reason = REASONS[op] ?? 'expression did not match';
  if (values.length === 1) {
    out.consideredValue = values[0];
    if (op === '$type') out.consideredType = bsonTypeOf(values[0]);
  } else {
    out.consideredValues = values;
    if (op === '$type') out.consideredTypes = values.map(bsonTypeOf);
  }
  return out;
}
