// BSON value ordering and hashing as MongoDB defines them: the canonical type order used by sorts
// and indexes, a string key per value for hash lookups (numbers of any BSON type with the same
// value share a key), and the values a dotted path reaches (one per array element: multikey).

import { BSON, Document, Double, Long } from 'bson';

type Bsonish = { _bsontype?: string };

/** MongoDB's canonical type ranks: MinKey < null < numbers < string < object < array < binData < ObjectId < bool < Date < Timestamp < regex < MaxKey. */
export function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 2;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 9;
    case 'object':
      break;
    default:
      return 14;
  }
  if (Array.isArray(v)) return 6;
  if (v instanceof Date) return 10;
  if (v instanceof RegExp) return 12;
  switch ((v as Bsonish)._bsontype) {
    case 'MinKey':
      return 1;
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return 3;
    case 'BSONSymbol':
      return 4;
    case 'Binary':
      return 7;
    case 'ObjectId':
      return 8;
    case 'Timestamp':
      return 11;
    case 'BSONRegExp':
      return 12;
    case 'MaxKey':
      return 15;
    case 'Code':
      return 13;
    default:
      return 5;
  }
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const t = (v as Bsonish)._bsontype;
  if (t === 'Decimal128') return Number.parseFloat(String(v));
  if (t === 'Long') return (v as { toNumber(): number }).toNumber();
  return Number((v as { valueOf(): unknown }).valueOf());
}

function cmpPrim(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function bytesOf(v: unknown): Uint8Array {
  const t = (v as Bsonish)._bsontype;
  if (t === 'ObjectId') return (v as { id: Uint8Array }).id;
  return (v as { buffer: Uint8Array }).buffer;
}

function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return cmpPrim(a.length, b.length);
}

/** A string comparison for a collation spec ({ locale, strength, numericOrdering, caseFirst }), or undefined for binary order. */
export function collatorFor(collation: unknown): ((a: string, b: string) => number) | undefined {
  if (!collation || typeof collation !== 'object') return undefined;
  const c = collation as {
    locale?: string;
    strength?: number;
    numericOrdering?: boolean;
    caseFirst?: string;
  };
  if (!c.locale || c.locale === 'simple') return undefined;
  const sensitivity = c.strength === 1 ? 'base' : c.strength === 2 ? 'accent' : 'variant';
  const caseFirst = c.caseFirst === 'upper' || c.caseFirst === 'lower' ? c.caseFirst : undefined;
  try {
    return new Intl.Collator(c.locale, { sensitivity, numeric: !!c.numericOrdering, caseFirst }).compare;
  } catch {
    return new Intl.Collator('en', { sensitivity, numeric: !!c.numericOrdering }).compare;
  }
}

/** Whether a collation spec orders strings other than by their bytes ({ locale: 'simple' } does not). */
export function isCollated(collation: unknown): boolean {
  return isPlainObject(collation) && typeof collation.locale === 'string' && collation.locale !== 'simple';
}

/**
 * The collation strength whose equality a folding of strings expresses: 1 (case and accents
 * ignored: accents stripped, then lower case) or 2 (case ignored: lower case); 0 for binary
 * equality (no collation), -1 for a collation equality cannot be folded for (strength 3 and up).
 */
export function foldStrength(collation: unknown): number {
  if (!isCollated(collation)) return 0;
  const strength = (collation as { strength?: unknown }).strength ?? 3;
  return strength === 1 || strength === 2 ? strength : -1;
}

/** Folds a string so that equal folds are equal strings at a collation strength of 1 or 2. */
export function foldString(s: string, strength: number): string {
  if (strength === 1)
    return s
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase();
  return s.normalize('NFC').toLowerCase();
}

/** bsonCompare with strings compared by a collation. */
export function collatedCompare(
  collate: ((a: string, b: string) => number) | undefined,
): (a: unknown, b: unknown) => number {
  if (!collate) return bsonCompare;
  return (a, b) => (typeof a === 'string' && typeof b === 'string' ? collate(a, b) : bsonCompare(a, b));
}

/** Compares two BSON values in MongoDB's order (used by sort, indexes, $min/$max semantics). */
export function bsonCompare(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 2:
    case 1:
    case 15:
      return 0;
    case 3: {
      const x = toNumber(a);
      const y = toNumber(b);
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
      if (Number.isNaN(y)) return 1;
      return cmpPrim(x, y);
    }
    case 4:
      return cmpPrim(String(a), String(b));
    case 5: {
      const ka = Object.keys(a as object);
      const kb = Object.keys(b as object);
      const n = Math.min(ka.length, kb.length);
      for (let i = 0; i < n; i++) {
        const va = (a as Record<string, unknown>)[ka[i]];
        const vb = (b as Record<string, unknown>)[kb[i]];
        const r = typeRank(va) - typeRank(vb);
        if (r !== 0) return r < 0 ? -1 : 1;
        const k = cmpPrim(ka[i], kb[i]);
        if (k !== 0) return k;
        const c = bsonCompare(va, vb);
        if (c !== 0) return c;
      }
      return cmpPrim(ka.length, kb.length);
    }
    case 6: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      const n = Math.min(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        const c = bsonCompare(xa[i], xb[i]);
        if (c !== 0) return c;
      }
      return cmpPrim(xa.length, xb.length);
    }
    case 7: {
      const ba = bytesOf(a);
      const bb = bytesOf(b);
      if (ba.length !== bb.length) return ba.length < bb.length ? -1 : 1;
      const sa = (a as { sub_type: number }).sub_type;
      const sb = (b as { sub_type: number }).sub_type;
      if (sa !== sb) return sa < sb ? -1 : 1;
      return cmpBytes(ba, bb);
    }
    case 8:
      return cmpBytes(bytesOf(a), bytesOf(b));
    case 9:
      return cmpPrim(a ? 1 : 0, b ? 1 : 0);
    case 10:
      return cmpPrim((a as Date).getTime(), (b as Date).getTime());
    case 11: {
      const ta = a as { high: number; low: number };
      const tb = b as { high: number; low: number };
      if (ta.high !== tb.high) return ta.high >>> 0 < tb.high >>> 0 ? -1 : 1;
      return cmpPrim(ta.low >>> 0, tb.low >>> 0);
    }
    case 12: {
      const sa = a instanceof RegExp ? a.source : (a as { pattern: string }).pattern;
      const sb = b instanceof RegExp ? b.source : (b as { pattern: string }).pattern;
      const c = cmpPrim(sa, sb);
      if (c !== 0) return c;
      const fa = a instanceof RegExp ? a.flags : (a as { options: string }).options;
      const fb = b instanceof RegExp ? b.flags : (b as { options: string }).options;
      return cmpPrim(fa, fb);
    }
    default:
      return cmpPrim(String(a), String(b));
  }
}

/** A string that is equal for two values exactly when MongoDB's equality says they are equal. */
export function keyOf(v: unknown): string {
  if (v === undefined || v === null) return 'z';
  switch (typeof v) {
    case 'number':
      return 'n' + (Object.is(v, -0) ? 0 : v);
    case 'string':
      return 's' + v;
    case 'boolean':
      return v ? 'b1' : 'b0';
    case 'bigint':
      return 'n' + Number(v);
    default:
      break;
  }
  if (Array.isArray(v)) return '[' + v.map(keyOf).join(',') + ']';
  if (v instanceof Date) return 'd' + v.getTime();
  if (v instanceof RegExp) return 'r/' + v.source + '/' + v.flags;
  switch ((v as Bsonish)._bsontype) {
    case 'ObjectId':
      // The 12 bytes as one-byte characters (byte order kept): the key of every stored document
      // with an ObjectId `_id`, so half the hex string's length matters.
      return 'o' + String.fromCharCode(...(v as { id: Uint8Array }).id);
    case 'Long': {
      // Beyond 2^53 a double cannot hold every long: keep such keys exact.
      const n = toNumber(v);
      return Number.isSafeInteger(n) ? 'n' + n : 'n' + String(v);
    }
    case 'Int32':
    case 'Double':
    case 'Decimal128':
      return 'n' + toNumber(v);
    case 'Binary':
      return 'x' + (v as { sub_type: number }).sub_type + ':' + Buffer.from(bytesOf(v)).toString('base64');
    case 'Timestamp':
      return 't' + String(v);
    case 'MinKey':
      return '-';
    case 'MaxKey':
      return '+';
    case 'BSONRegExp':
      return 'r/' + (v as { pattern: string }).pattern + '/' + (v as { options: string }).options;
    case 'BSONSymbol':
      return 's' + String(v);
    default: {
      const o = v as Record<string, unknown>;
      let s = '{';
      for (const k of Object.keys(o)) s += JSON.stringify(k) + ':' + keyOf(o[k]) + ',';
      return s + '}';
    }
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * A value as MongoDB's error messages print it (`BSONElement::toString`): `"x"`, `null`,
 * `new Date(ms)`, `ObjectId('…')`, `[ { x: 1 } ]` (duplicate keys, update path errors).
 */
export function shellText(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if ((v as { _bsontype?: string } | undefined)?._bsontype === 'ObjectId') return `ObjectId('${String(v)}')`;
  if (Array.isArray(v)) return v.length ? `[ ${v.map(shellText).join(', ')} ]` : '[]';
  if (isPlainObject(v)) {
    const fields = Object.entries(v).map(([k, x]) => `${k}: ${shellText(x)}`);
    return fields.length ? `{ ${fields.join(', ')} }` : '{}';
  }
  return String(v);
}

/**
 * The values a dotted path reaches in a document, as an index sees them: array elements are
 * expanded (multikey), and a missing path yields `undefined` once.
 */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  if (!path.includes('.') && doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    const o = doc as Record<string, unknown>;
    const v = Object.prototype.hasOwnProperty.call(o, path) ? o[path] : undefined;
    if (!Array.isArray(v)) return [v];
  }
  const out: unknown[] = [];
  collect(doc, path.split('.'), 0, out);
  if (out.length === 0) out.push(undefined);
  return out;
}

function collect(v: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(undefined);
      for (const e of v) out.push(e);
    } else out.push(v);
    return;
  }
  if (Array.isArray(v)) {
    const idx = /^\d+$/.test(parts[i]) ? Number(parts[i]) : -1;
    if (idx >= 0 && idx < v.length) {
      collect(v[idx], parts, i + 1, out);
      return;
    }
    for (const e of v) if (e !== null && typeof e === 'object') collect(e, parts, i, out);
    return;
  }
  if (v === null || typeof v !== 'object') return;
  const o = v as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(o, parts[i])) return;
  collect(o[parts[i]], parts, i + 1, out);
}

/** The value a sort on `path` uses: the smallest (ascending) or largest (descending) reached value. */
export function sortValue(doc: unknown, path: string, direction: number): unknown {
  const vals = valuesAtPath(doc, path);
  if (vals.length === 1) return vals[0];
  let best = vals[0];
  for (let i = 1; i < vals.length; i++) {
    const c = bsonCompare(vals[i], best);
    if (direction > 0 ? c < 0 : c > 0) best = vals[i];
  }
  return best;
}

// ---- number types kept through a deserialise/serialise round trip ---------------------------

const WRAPPED = { promoteValues: false, validation: { utf8: false } } as const;

export function deserializeWrapped(raw: Buffer): Document {
  return BSON.deserialize(raw, WRAPPED);
}

/**
 * Restores BSON number types lost by promotion: where `next` holds a plain number at a path whose
 * previous value was a Double or Long, the number is written back as that type (a stored `1.0`
 * stays a double after unrelated updates).
 */
export function retype(next: unknown, prev: unknown): unknown {
  if (typeof next === 'number') {
    const t = (prev as { _bsontype?: string } | null)?._bsontype;
    if (t === 'Double') return new Double(next);
    if (t === 'Long' && Number.isInteger(next)) return Long.fromNumber(next);
    return next;
  }
  if (Array.isArray(next)) {
    if (!Array.isArray(prev)) return next;
    return next.map((v, i) => retype(v, prev[i]));
  }
  if (isPlainObject(next)) {
    if (!isPlainObject(prev)) return next;
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(next)) o[k] = retype(next[k], prev[k]);
    return o;
  }
  return next;
}
