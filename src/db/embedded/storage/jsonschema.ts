// `$jsonSchema` as MongoDB reads it: JSON Schema draft 4 with MongoDB's `bsonType`, no `$ref`,
// `format` or `integer`, restrictions that apply only to values of their type (a missing property
// satisfies everything but `required`). A schema is checked once when it is given (MongoDB's parse
// errors) and compiled to a function that lists the rules a value breaks, in the shape of MongoDB's
// `errInfo.details.schemaRulesNotSatisfied` (an empty list: the value passes).
import { Document } from 'bson';
import { ErrorCodes, fail } from '../errors';
import { bsonCompare, isPlainObject, toNumber } from './values';

/** The rules a value breaks (empty when it satisfies the schema). */
export type SchemaCheck = (value: unknown) => Document[];

const KEYWORDS = new Set([
  'additionalItems',
  'additionalProperties',
  'allOf',
  'anyOf',
  'bsonType',
  'dependencies',
  'description',
  'enum',
  'exclusiveMaximum',
  'exclusiveMinimum',
  'items',
  'maxItems',
  'maxLength',
  'maxProperties',
  'maximum',
  'minItems',
  'minLength',
  'minProperties',
  'minimum',
  'multipleOf',
  'not',
  'oneOf',
  'pattern',
  'patternProperties',
  'properties',
  'required',
  'title',
  'type',
  'uniqueItems',
  // Client-side field level encryption: accepted by MongoDB, refused below.
  'encrypt',
  'encryptMetadata',
]);

const UNSUPPORTED = new Set(['$ref', '$schema', 'default', 'definitions', 'format', 'id']);

/** BSON type names (`bsonType`, as `$type` spells them); `number` is any numeric type. */
const BSON_TYPES = new Set([
  'double',
  'string',
  'object',
  'array',
  'binData',
  'undefined',
  'objectId',
  'bool',
  'date',
  'null',
  'regex',
  'dbPointer',
  'javascript',
  'symbol',
  'javascriptWithScope',
  'int',
  'timestamp',
  'long',
  'decimal',
  'minKey',
  'maxKey',
  'number',
]);

/** JSON types (`type`) as the BSON types they stand for. */
const JSON_TYPES: Record<string, string> = {
  array: 'array',
  boolean: 'bool',
  null: 'null',
  number: 'number',
  object: 'object',
  string: 'string',
};

const NUMERIC = new Set(['double', 'int', 'long', 'decimal']);

/**
 * The BSON type name of a value parsed without promoting numbers (`promoteValues: false`: an
 * Int32, Double or Long keeps its type; a plain JS number is taken as a double).
 */
export function bsonTypeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? 'int' : 'double';
    case 'bigint':
      return 'long';
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  switch ((v as { _bsontype?: string })._bsontype) {
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Long':
      return 'long';
    case 'Decimal128':
      return 'decimal';
    case 'ObjectId':
      return 'objectId';
    case 'Binary':
      return 'binData';
    case 'Timestamp':
      return 'timestamp';
    case 'BSONRegExp':
      return 'regex';
    case 'Code':
      return (v as { scope?: unknown }).scope ? 'javascriptWithScope' : 'javascript';
    case 'BSONSymbol':
      return 'symbol';
    case 'DBPointer':
      return 'dbPointer';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'DBRef':
      return 'object';
  }
  return 'object';
}

const isNumeric = (v: unknown) => NUMERIC.has(bsonTypeOf(v));
const isObject = (v: unknown) => bsonTypeOf(v) === 'object';
const isNumberArg = (v: unknown) => typeof v === 'number' || isNumeric(v);

function mismatch(message: string): never {
  fail(ErrorCodes.TypeMismatch, message);
}

function parseTypes(keyword: 'type' | 'bsonType', arg: unknown): Set<string> {
  if (typeof arg !== 'string' && !Array.isArray(arg))
    mismatch(`$jsonSchema keyword '${keyword}' must be either a string or an array of strings`);
  const names = typeof arg === 'string' ? [arg] : (arg as unknown[]);
  const out = new Set<string>();
  for (const n of names) {
    if (typeof n !== 'string') mismatch(`$jsonSchema keyword '${keyword}' array elements must be strings`);
    if (keyword === 'type' && n === 'integer')
      fail(ErrorCodes.FailedToParse, "$jsonSchema type 'integer' is not currently supported.");
    const t = keyword === 'type' ? JSON_TYPES[n] : BSON_TYPES.has(n) ? n : undefined;
    if (!t) fail(ErrorCodes.BadValue, `Unknown type name alias: ${n}`);
    if (out.has(t))
      fail(ErrorCodes.FailedToParse, `$jsonSchema keyword '${keyword}' has duplicate value: ${n}`);
    out.add(t);
  }
  if (out.size === 0)
    fail(ErrorCodes.FailedToParse, `$jsonSchema keyword '${keyword}' must name at least one type`);
  return out;
}

/**
 * A `min…`/`max…` keyword pair bounding a count (a string's length, an array's, an object's
 * number of fields): `measure` gives none for values of other types, which pass.
 */
function boundCount(
  schema: Document,
  rules: ((v: unknown) => Document | null)[],
  [minKeyword, maxKeyword]: [string, string],
  measure: (v: unknown) => number | undefined,
  detail: (v: unknown, count: number) => Document,
): void {
  for (const keyword of [minKeyword, maxKeyword]) {
    if (schema[keyword] === undefined) continue;
    const n = nonNegativeInteger(keyword, schema[keyword]);
    const max = keyword === maxKeyword;
    rules.push((v) => {
      const count = measure(v);
      if (count === undefined || (max ? count <= n : count >= n)) return null;
      return { operatorName: keyword, specifiedAs: { [keyword]: schema[keyword] }, ...detail(v, count) };
    });
  }
}

function nonNegativeInteger(keyword: string, arg: unknown): number {
  if (!isNumberArg(arg)) mismatch(`$jsonSchema keyword '${keyword}' must be a number`);
  const n = toNumber(arg);
  if (!Number.isInteger(n)) fail(ErrorCodes.FailedToParse, `${keyword} must be an integer`);
  if (n < 0) fail(ErrorCodes.FailedToParse, `${keyword} must be nonnegative`);
  return n;
}

function schemaArray(keyword: string, arg: unknown): Document[] {
  if (!Array.isArray(arg)) mismatch(`$jsonSchema keyword '${keyword}' must be an array`);
  if (arg.length === 0)
    fail(ErrorCodes.BadValue, `$jsonSchema keyword '${keyword}' must be a non-empty array`);
  for (const s of arg)
    if (!isPlainObject(s))
      mismatch(
        `$jsonSchema keyword '${keyword}' must be an array of objects, but found an element of type ${typeof s}`,
      );
  return arg as Document[];
}

function objectArg(keyword: string, arg: unknown): Document {
  if (!isPlainObject(arg)) mismatch(`$jsonSchema keyword '${keyword}' must be an object`);
  return arg;
}

function subschema(keyword: string, arg: unknown): SchemaCheck {
  return compileSchema(objectArg(keyword, arg));
}

/** Equality as `enum` and `uniqueItems` test it in MongoDB: numbers by value, subdocuments whatever their field order. */
function equal(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]))
    );
  }
  return bsonCompare(a, b) === 0;
}

/** Number of code points (MongoDB's string lengths), not UTF-16 units. */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

const shown = (v: unknown) => ({ consideredValue: v, consideredType: bsonTypeOf(v) });

/** Compiles a schema, failing with MongoDB's error for a keyword it refuses or a malformed argument. */
export function compileSchema(schema: Document): SchemaCheck {
  for (const k of Object.keys(schema)) {
    if (UNSUPPORTED.has(k))
      fail(ErrorCodes.FailedToParse, `$jsonSchema keyword '${k}' is not currently supported`);
    if (!KEYWORDS.has(k)) fail(ErrorCodes.FailedToParse, `Unknown $jsonSchema keyword: ${k}`);
  }
  for (const k of ['title', 'description'])
    if (schema[k] !== undefined && typeof schema[k] !== 'string')
      mismatch(`$jsonSchema keyword '${k}' must be of type string`);
  if (schema.encrypt !== undefined || schema.encryptMetadata !== undefined)
    fail(
      ErrorCodes.CommandNotSupported,
      'encryption keywords in $jsonSchema are not supported by the embedded engine',
    );
  if (schema.type !== undefined && schema.bsonType !== undefined)
    fail(ErrorCodes.FailedToParse, "Cannot specify both $jsonSchema keywords 'type' and 'bsonType'");

  // Each rule returns the rule broken (or null); restrictions apply to values of their type only.
  const rules: ((v: unknown) => Document | null)[] = [];

  for (const keyword of ['type', 'bsonType'] as const) {
    if (schema[keyword] === undefined) continue;
    const types = parseTypes(keyword, schema[keyword]);
    const specifiedAs = { [keyword]: schema[keyword] };
    rules.push((v) => {
      const t = bsonTypeOf(v);
      if (types.has(t) || (types.has('number') && NUMERIC.has(t))) return null;
      return { operatorName: keyword, specifiedAs, reason: 'type did not match', ...shown(v) };
    });
  }

  for (const [keyword, exclusive, below] of [
    ['minimum', 'exclusiveMinimum', false],
    ['maximum', 'exclusiveMaximum', true],
  ] as const) {
    const bound: unknown = schema[keyword];
    const excl: unknown = schema[exclusive];
    if (excl !== undefined && typeof excl !== 'boolean')
      mismatch(`$jsonSchema keyword '${exclusive}' must be a boolean`);
    if (bound === undefined) {
      if (excl !== undefined)
        fail(
          ErrorCodes.FailedToParse,
          `$jsonSchema keyword '${keyword}' must be a present if ${exclusive} is present`,
        );
      continue;
    }
    if (!isNumberArg(bound)) mismatch(`$jsonSchema keyword '${keyword}' must be a number`);
    const specifiedAs: Document = { [keyword]: bound };
    if (excl !== undefined) specifiedAs[exclusive] = excl;
    rules.push((v) => {
      if (!isNumeric(v)) return null;
      const c = bsonCompare(v, bound);
      const ok = below ? (excl === true ? c < 0 : c <= 0) : excl === true ? c > 0 : c >= 0;
      return ok
        ? null
        : { operatorName: keyword, specifiedAs, reason: 'comparison failed', consideredValue: v };
    });
  }

  if (schema.multipleOf !== undefined) {
    const m: unknown = schema.multipleOf;
    if (!isNumberArg(m)) mismatch("$jsonSchema keyword 'multipleOf' must be a number");
    const divisor = toNumber(m);
    if (!(divisor > 0))
      fail(ErrorCodes.FailedToParse, "$jsonSchema keyword 'multipleOf' must have a positive value");
    rules.push((v) =>
      !isNumeric(v) || toNumber(v) % divisor === 0
        ? null
        : {
            operatorName: 'multipleOf',
            specifiedAs: { multipleOf: m },
            reason: 'considered value is not a multiple of the specified value',
            consideredValue: v,
          },
    );
  }

  boundCount(
    schema,
    rules,
    ['minLength', 'maxLength'],
    (v) => (typeof v === 'string' ? codePoints(v) : undefined),
    (v) => ({ reason: 'specified string length was not satisfied', consideredValue: v }),
  );

  if (schema.pattern !== undefined) {
    if (typeof schema.pattern !== 'string') mismatch("$jsonSchema keyword 'pattern' must be a string");
    let re: RegExp;
    try {
      // eslint-disable-next-line security/detect-non-literal-regexp -- the schema's pattern, as a query's $regex
      re = new RegExp(schema.pattern, 'u');
    } catch {
      fail(ErrorCodes.BadValue, `Regular expression is invalid: ${schema.pattern}`);
    }
    rules.push((v) =>
      typeof v !== 'string' || re.test(v)
        ? null
        : {
            operatorName: 'pattern',
            specifiedAs: { pattern: schema.pattern },
            reason: 'regular expression did not match',
            consideredValue: v,
          },
    );
  }

  if (schema.enum !== undefined) {
    const values: unknown = schema.enum;
    if (!Array.isArray(values))
      mismatch(`$jsonSchema keyword 'enum' must be an array, but found an element of type ${typeof values}`);
    if (values.length === 0)
      fail(ErrorCodes.FailedToParse, "$jsonSchema keyword 'enum' cannot be an empty array");
    for (let i = 0; i < values.length; i++)
      for (let j = 0; j < i; j++)
        if (equal(values[i], values[j]))
          fail(ErrorCodes.FailedToParse, "$jsonSchema keyword 'enum' array cannot contain duplicate values");
    rules.push((v) =>
      values.some((e) => equal(v, e))
        ? null
        : {
            operatorName: 'enum',
            specifiedAs: { enum: values },
            reason: 'value was not found in enum',
            consideredValue: v,
          },
    );
  }

  // ---- arrays ----
  boundCount(
    schema,
    rules,
    ['minItems', 'maxItems'],
    (v) => (Array.isArray(v) ? v.length : undefined),
    (v) => ({ reason: 'array did not match specified length', consideredValue: v }),
  );

  if (schema.uniqueItems !== undefined) {
    if (typeof schema.uniqueItems !== 'boolean')
      mismatch("$jsonSchema keyword 'uniqueItems' must be a boolean");
    if (schema.uniqueItems)
      rules.push((v) => {
        if (!Array.isArray(v)) return null;
        for (let i = 0; i < v.length; i++)
          for (let j = 0; j < i; j++)
            if (equal(v[i], v[j]))
              return {
                operatorName: 'uniqueItems',
                specifiedAs: { uniqueItems: true },
                reason: 'found a duplicate item',
                consideredValue: v,
                duplicatedValue: v[i],
              };
        return null;
      });
  }

  let tupleLength: number | undefined;
  if (schema.items !== undefined) {
    const items: unknown = schema.items;
    if (Array.isArray(items)) {
      const checks = items.map((s) => subschema('items', s));
      tupleLength = checks.length;
      rules.push((v) => {
        if (!Array.isArray(v)) return null;
        for (let i = 0; i < Math.min(v.length, checks.length); i++) {
          const broken = checks[i](v[i]);
          if (broken.length)
            return {
              operatorName: 'items',
              reason: 'At least one item did not match the sub-schema',
              itemIndex: i,
              details: broken,
            };
        }
        return null;
      });
    } else if (isPlainObject(items)) {
      const check = compileSchema(items);
      rules.push((v) => {
        if (!Array.isArray(v)) return null;
        for (let i = 0; i < v.length; i++) {
          const broken = check(v[i]);
          if (broken.length)
            return {
              operatorName: 'items',
              reason: 'At least one item did not match the sub-schema',
              itemIndex: i,
              details: broken,
            };
        }
        return null;
      });
    } else mismatch("$jsonSchema keyword 'items' must be an array or an object");
  }

  if (schema.additionalItems !== undefined) {
    const extra: unknown = schema.additionalItems;
    if (typeof extra !== 'boolean' && !isPlainObject(extra))
      mismatch("$jsonSchema keyword 'additionalItems' must be either an object or a boolean");
    // Only items given as an array of schemas leave additional items to check.
    if (tupleLength !== undefined) {
      const from = tupleLength;
      const check = typeof extra === 'boolean' ? undefined : compileSchema(extra as Document);
      rules.push((v) => {
        if (!Array.isArray(v) || v.length <= from) return null;
        if (extra === true) return null;
        if (extra === false)
          return {
            operatorName: 'additionalItems',
            specifiedAs: { additionalItems: false },
            reason: 'found additional items',
            additionalItems: v.slice(from),
          };
        for (let i = from; i < v.length; i++) {
          const broken = check!(v[i]);
          if (broken.length)
            return {
              operatorName: 'additionalItems',
              reason: 'at least one additional item did not match the sub-schema',
              itemIndex: i,
              details: broken,
            };
        }
        return null;
      });
    }
  }

  // ---- objects ----
  boundCount(
    schema,
    rules,
    ['minProperties', 'maxProperties'],
    (v) => (isObject(v) ? Object.keys(v as Document).length : undefined),
    (_, count) => ({ reason: 'specified number of properties was not satisfied', numberOfProperties: count }),
  );

  if (schema.required !== undefined) {
    const required: unknown = schema.required;
    if (!Array.isArray(required)) mismatch("$jsonSchema keyword 'required' must be an array");
    if (required.length === 0)
      fail(ErrorCodes.FailedToParse, "$jsonSchema keyword 'required' cannot be an empty array");
    const seen = new Set<string>();
    for (const r of required) {
      if (typeof r !== 'string') mismatch("$jsonSchema keyword 'required' must contain only strings");
      if (seen.has(r))
        fail(
          ErrorCodes.FailedToParse,
          "$jsonSchema keyword 'required' array cannot contain duplicate values",
        );
      seen.add(r);
    }
    rules.push((v) => {
      if (!isObject(v)) return null;
      const missing = (required as string[]).filter((r) => !Object.prototype.hasOwnProperty.call(v, r));
      return missing.length
        ? { operatorName: 'required', specifiedAs: { required }, missingProperties: missing }
        : null;
    });
  }

  const properties = schema.properties === undefined ? undefined : objectArg('properties', schema.properties);
  const propertyChecks = new Map<string, SchemaCheck>();
  for (const [name, s] of Object.entries(properties ?? {})) {
    if (!isPlainObject(s)) mismatch(`Nested schema for $jsonSchema property '${name}' must be an object`);
    propertyChecks.set(name, compileSchema(s));
  }
  if (propertyChecks.size)
    rules.push((v) => {
      if (!isObject(v)) return null;
      const o = v as Document;
      const failing: Document[] = [];
      for (const [name, check] of propertyChecks) {
        if (!Object.prototype.hasOwnProperty.call(o, name)) continue;
        const broken = check(o[name]);
        if (broken.length) {
          const entry: Document = { propertyName: name };
          const s = properties![name] as Document;
          if (typeof s.title === 'string') entry.title = s.title;
          if (typeof s.description === 'string') entry.description = s.description;
          entry.details = broken;
          failing.push(entry);
        }
      }
      return failing.length ? { operatorName: 'properties', propertiesNotSatisfied: failing } : null;
    });

  const patterns: { source: string; re: RegExp; check: SchemaCheck }[] = [];
  if (schema.patternProperties !== undefined)
    for (const [source, s] of Object.entries(objectArg('patternProperties', schema.patternProperties))) {
      if (!isPlainObject(s)) mismatch(`Nested schema for $jsonSchema property '${source}' must be an object`);
      let re: RegExp;
      try {
        // eslint-disable-next-line security/detect-non-literal-regexp -- the schema's pattern, as a query's $regex
        re = new RegExp(source, 'u');
      } catch {
        fail(ErrorCodes.BadValue, `Regular expression is invalid: ${source}`);
      }
      patterns.push({ source, re, check: compileSchema(s) });
    }
  if (patterns.length)
    rules.push((v) => {
      if (!isObject(v)) return null;
      const failing: Document[] = [];
      for (const [name, value] of Object.entries(v as Document))
        for (const p of patterns)
          if (p.re.test(name)) {
            const broken = p.check(value);
            if (broken.length) failing.push({ propertyName: name, regexMatched: p.source, details: broken });
          }
      return failing.length ? { operatorName: 'patternProperties', propertiesNotSatisfied: failing } : null;
    });

  if (schema.additionalProperties !== undefined) {
    const extra: unknown = schema.additionalProperties;
    if (typeof extra !== 'boolean' && !isPlainObject(extra))
      mismatch("$jsonSchema keyword 'additionalProperties' must be either an object or a boolean");
    const check = typeof extra === 'boolean' ? undefined : compileSchema(extra as Document);
    if (extra !== true)
      rules.push((v) => {
        if (!isObject(v)) return null;
        const others = Object.keys(v as Document).filter(
          (name) => !propertyChecks.has(name) && !patterns.some((p) => p.re.test(name)),
        );
        if (extra === false)
          return others.length
            ? {
                operatorName: 'additionalProperties',
                specifiedAs: { additionalProperties: false },
                additionalProperties: others,
              }
            : null;
        const failing: Document[] = [];
        for (const name of others) {
          const broken = check!((v as Document)[name]);
          if (broken.length) failing.push({ propertyName: name, details: broken });
        }
        return failing.length
          ? { operatorName: 'additionalProperties', propertiesNotSatisfied: failing }
          : null;
      });
  }

  if (schema.dependencies !== undefined) {
    const deps = objectArg('dependencies', schema.dependencies);
    const checks: { name: string; required?: string[]; check?: SchemaCheck }[] = [];
    for (const [name, dep] of Object.entries(deps)) {
      if (Array.isArray(dep)) {
        if (dep.length === 0)
          fail(
            ErrorCodes.FailedToParse,
            `property '${name}' in $jsonSchema keyword 'dependencies' cannot be an empty array`,
          );
        for (const d of dep)
          if (typeof d !== 'string')
            mismatch(`array '${name}' in $jsonSchema keyword 'dependencies' must contain only strings`);
        checks.push({ name, required: dep as string[] });
      } else if (isPlainObject(dep)) checks.push({ name, check: compileSchema(dep) });
      else
        mismatch(
          `property '${name}' in $jsonSchema keyword 'dependencies' must be either an object or an array`,
        );
    }
    rules.push((v) => {
      if (!isObject(v)) return null;
      const o = v as Document;
      const failing: Document[] = [];
      for (const c of checks) {
        if (!Object.prototype.hasOwnProperty.call(o, c.name)) continue;
        if (c.required) {
          const missing = c.required.filter((r) => !Object.prototype.hasOwnProperty.call(o, r));
          if (missing.length) failing.push({ conditionalProperty: c.name, missingProperties: missing });
        } else {
          const broken = c.check!(o);
          if (broken.length) failing.push({ conditionalProperty: c.name, details: broken });
        }
      }
      return failing.length ? { operatorName: 'dependencies', failingDependencies: failing } : null;
    });
  }

  // ---- logic ----
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (schema[keyword] === undefined) continue;
    const checks = schemaArray(keyword, schema[keyword]).map((s) => compileSchema(s));
    rules.push((v) => {
      const results = checks.map((c) => c(v));
      const passed = results.filter((r) => r.length === 0).length;
      const ok =
        keyword === 'allOf' ? passed === checks.length : keyword === 'anyOf' ? passed > 0 : passed === 1;
      if (ok) return null;
      if (keyword === 'oneOf' && passed > 1)
        return {
          operatorName: 'oneOf',
          specifiedAs: { oneOf: schema.oneOf },
          reason: 'more than one subschema matched',
          matchingSchemaIndexes: results.flatMap((r, i) => (r.length ? [] : [i])),
        };
      return {
        operatorName: keyword,
        schemasNotSatisfied: results.flatMap((r, index) => (r.length ? [{ index, details: r }] : [])),
      };
    });
  }

  if (schema.not !== undefined) {
    const check = subschema('not', schema.not);
    rules.push((v) =>
      check(v).length
        ? null
        : { operatorName: 'not', specifiedAs: { not: schema.not }, reason: 'child expression matched' },
    );
  }

  return (v) => {
    const broken: Document[] = [];
    for (const r of rules) {
      const b = r(v);
      if (b) broken.push(b);
    }
    return broken;
  };
}
