// Index keys as order-preserving strings (MongoDB's KeyString idea): each value is encoded so that
// comparing the strings with `<` (code unit by code unit, every unit 0-255) gives MongoDB's BSON
// order, and each encoding is self-delimiting, so a compound key is the concatenation of its
// fields' encodings, a descending field is the complement of its encoding, and all entries that
// start with an equality prefix are one contiguous range. Numbers of every BSON type encode by
// value: the nearest double, then the exact remainder for longs beyond 2^53 (Decimal128 values
// are ordered by their nearest double only).
import { toNumber, typeRank } from './values';

/** A code unit above every encoded unit: `prefix + AFTER` sorts after every key starting with prefix. */
export const AFTER = '\u0100';

const scratch = Buffer.allocUnsafe(8);

function orderedDouble(n: number): string {
  if (Number.isNaN(n)) return '\0\0\0\0\0\0\0\0'; // NaN sorts below every other number
  scratch.writeDoubleBE(n === 0 ? 0 : n, 0);
  if (scratch[0] & 0x80) for (let i = 0; i < 8; i++) scratch[i] = ~scratch[i] & 0xff;
  else scratch[0] |= 0x80;
  return scratch.toString('latin1', 0, 8);
}

/** A number's nearest double, then a marker: 0x01 exact, or 0x00/0x02 and the (negative/positive) remainder of a long. */
function orderedNumber(v: unknown): string {
  const n = toNumber(v);
  if ((v as { _bsontype?: string })._bsontype === 'Long' && !Number.isSafeInteger(n) && Number.isFinite(n)) {
    const rest = BigInt(String(v)) - BigInt(n);
    if (rest !== 0n) {
      scratch.writeBigUInt64BE(BigInt.asUintN(64, rest + (1n << 63n)), 0);
      return orderedDouble(n) + (rest < 0n ? '\0' : '\x02') + scratch.toString('latin1', 0, 8);
    }
  }
  return orderedDouble(n) + '\x01';
}

function u32(n: number): string {
  return String.fromCharCode((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** A string's UTF-8 bytes with 0x00 and 0x01 escaped, then a 0x00 terminator. */
function cstring(s: string): string {
  const bytes = /^[\x02-\x7f]*$/.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1');
  return (
    (/[\x00\x01]/.test(bytes) ? bytes.replace(/\x01/g, '\x01\x02').replace(/\x00/g, '\x01\x01') : bytes) +
    '\0'
  );
}

function bytesString(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

/** The ascending encoding of one value (missing and undefined encode as null). */
export function encodeValue(v: unknown): string {
  const rank = typeRank(v);
  const head = String.fromCharCode(rank);
  switch (rank) {
    case 1:
    case 2:
    case 15:
      return head;
    case 3:
      return head + orderedNumber(v);
    case 4:
      return head + cstring(String(v));
    case 5: {
      let s = head;
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o))
        s += String.fromCharCode(typeRank(o[k])) + cstring(k) + encodeValue(o[k]);
      return s + '\0';
    }
    case 6: {
      let s = head;
      for (const e of v as unknown[]) s += encodeValue(e);
      return s + '\0';
    }
    case 7: {
      const b = v as { buffer: Uint8Array; sub_type: number };
      return head + u32(b.buffer.length) + String.fromCharCode(b.sub_type & 0xff) + bytesString(b.buffer);
    }
    case 8:
      return head + bytesString((v as { id: Uint8Array }).id);
    case 9:
      return head + (v ? '\x01' : '\0');
    case 10:
      return head + orderedDouble((v as Date).getTime());
    case 11: {
      const t = v as { high: number; low: number };
      return head + u32(t.high >>> 0) + u32(t.low >>> 0);
    }
    case 12: {
      const r = v as RegExp | { pattern: string; options: string };
      return r instanceof RegExp
        ? head + cstring(r.source) + cstring(r.flags)
        : head + cstring(r.pattern) + cstring(r.options);
    }
    default:
      return head + cstring(String(v));
  }
}

/** The complement of an encoding: the same values in descending order. */
export function descending(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(255 - s.charCodeAt(i));
  return out;
}

/** One field's encoding in an index direction. */
export function encodeField(v: unknown, direction: number): string {
  const s = encodeValue(v);
  return direction < 0 ? descending(s) : s;
}

/** The first code unit of every encoding of a type rank, in a direction: a type's range is [unit, unit + AFTER). */
export function typePrefix(rank: number, direction: number): string {
  return String.fromCharCode(direction < 0 ? 255 - rank : rank);
}
