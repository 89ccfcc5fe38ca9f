// Raw BSON helpers shared by the wire codec, the commands and storage: slicing documents and
// elements out of encoded BSON without re-encoding them (so stored documents keep every byte and
// type the client sent), and a small writer for documents around already-encoded ones.
import { Long, ObjectId } from 'bson';

/** Size in bytes of the value of an element of BSON type `type` starting at `pos`. */
function valueSize(buf: Buffer, type: number, pos: number): number {
  switch (type) {
    case 0x01: // double
    case 0x09: // date
    case 0x11: // timestamp
    case 0x12: // int64
      return 8;
    case 0x02: // string
    case 0x0d: // code
    case 0x0e: // symbol
      return 4 + buf.readInt32LE(pos);
    case 0x03: // document
    case 0x04: // array
    case 0x0f: // code with scope
      return buf.readInt32LE(pos);
    case 0x05: // binary
      return 5 + buf.readInt32LE(pos);
    case 0x06: // undefined
    case 0x0a: // null
    case 0x7f: // max key
    case 0xff: // min key
      return 0;
    case 0x07: // ObjectId
      return 12;
    case 0x08: // bool
      return 1;
    case 0x0b: {
      // regex: two cstrings
      let p = buf.indexOf(0, pos) + 1;
      p = buf.indexOf(0, p) + 1;
      return p - pos;
    }
    case 0x0c: // DBPointer
      return 4 + buf.readInt32LE(pos) + 12;
    case 0x10: // int32
      return 4;
    case 0x13: // decimal128
      return 16;
    default:
      throw new RangeError(`invalid BSON type 0x${type.toString(16)}`);
  }
}

/** Where the element name starting at `from` ends (its NUL byte): short names need no native call. */
function nameEndAt(buf: Buffer, from: number, size: number): number {
  const stop = Math.min(size, from + 32);
  for (let i = from; i < stop; i++) if (buf[i] === 0) return i;
  const end = buf.indexOf(0, stop);
  if (end < 0 || end >= size) throw new RangeError('corrupt BSON element name');
  return end;
}

/**
 * Whether two documents' top-level elements named in `names` differ (in type, presence or bytes),
 * read in one pass over each: for a write that changes a few fields, which indexes must change.
 * `names` are UTF-8 bytes; answers the subset of indexes (by position in `names`) that differ.
 */
export function differingElements(a: Buffer, b: Buffer, names: Buffer[]): boolean[] {
  const out = new Array<boolean>(names.length).fill(false);
  const ea = elementsNamed(a, names);
  const eb = elementsNamed(b, names);
  for (let i = 0; i < names.length; i++) {
    const x = ea[i];
    const y = eb[i];
    if (x < 0 || y < 0) out[i] = x !== y;
    else {
      const xe = elementEnd(a, x);
      const ye = elementEnd(b, y);
      out[i] = a[x] !== b[y] || xe - x !== ye - y || !sameBytes(a, x, b, y, xe - x);
    }
  }
  return out;
}

/** Start offsets (type byte) of the top-level elements named in `names`, -1 where missing. */
function elementsNamed(buf: Buffer, names: Buffer[]): number[] {
  const at = new Array<number>(names.length).fill(-1);
  const size = buf.readInt32LE(0);
  let pos = 4;
  let found = 0;
  while (pos < size - 1 && found < names.length) {
    const nameEnd = nameEndAt(buf, pos + 1, size);
    const len = nameEnd - pos - 1;
    for (let i = 0; i < names.length; i++)
      if (at[i] < 0 && names[i].length === len && sameBytes(buf, pos + 1, names[i], 0, len)) {
        at[i] = pos;
        found++;
        break;
      }
    pos = nameEnd + 1 + valueSize(buf, buf[pos], nameEnd + 1);
  }
  return at;
}

function elementEnd(buf: Buffer, pos: number): number {
  const nameEnd = nameEndAt(buf, pos + 1, buf.length);
  return nameEnd + 1 + valueSize(buf, buf[pos], nameEnd + 1);
}

/** Whether a[aFrom, aFrom + n) and b[bFrom, bFrom + n) hold the same bytes (short ranges: no native call). */
export function sameBytes(a: Buffer, aFrom: number, b: Buffer, bFrom: number, n: number): boolean {
  if (n > 64) return a.compare(b, bFrom, bFrom + n, aFrom, aFrom + n) === 0;
  for (let i = 0; i < n; i++) if (a[aFrom + i] !== b[bFrom + i]) return false;
  return true;
}

/** Type and value position of the top-level element named `name` (UTF-8 bytes), without decoding other names. */
export function findElement(buf: Buffer, name: Buffer): { type: number; start: number; end: number } | null {
  const size = buf.readInt32LE(0);
  let pos = 4;
  while (pos < size - 1) {
    const type = buf[pos];
    const nameEnd = nameEndAt(buf, pos + 1, size);
    const start = nameEnd + 1;
    const end = start + valueSize(buf, type, start);
    if (nameEnd - pos - 1 === name.length && sameBytes(buf, pos + 1, name, 0, name.length))
      return { type, start, end };
    pos = end;
  }
  return null;
}

/** What rawValueAt answers for an array on the path, and for a value it leaves to the full parser. */
export const RAW_ARRAY = Symbol('array');
export const UNDECODED = Symbol('undecoded');

/**
 * The value at a path of top-level and embedded field names, decoded as the parser would (with
 * promoted values) for the common scalar types; RAW_ARRAY when an array is on the path, undefined
 * when the path is missing or runs into a scalar, UNDECODED for other types (and subdocuments).
 */
export function rawValueAt(buf: Buffer, names: Buffer[]): unknown {
  let doc = buf;
  for (let i = 0; i < names.length; i++) {
    const el = findElement(doc, names[i]);
    if (!el) return undefined;
    const at = el.start;
    if (el.type === 0x04) return RAW_ARRAY;
    if (i < names.length - 1) {
      if (el.type !== 0x03) return undefined;
      doc = doc.subarray(at, at + doc.readInt32LE(at));
      continue;
    }
    switch (el.type) {
      case 0x01:
        return doc.readDoubleLE(at);
      case 0x02:
        return doc.toString('utf8', at + 4, at + 4 + doc.readInt32LE(at) - 1);
      case 0x07:
        return new ObjectId(Buffer.from(doc.subarray(at, at + 12)));
      case 0x08:
        return doc[at] === 1;
      case 0x09:
        return new Date(Number(doc.readBigInt64LE(at)));
      case 0x0a:
        return null;
      case 0x10:
        return doc.readInt32LE(at);
      case 0x12: {
        const n = Number(doc.readBigInt64LE(at));
        return Number.isSafeInteger(n) ? n : UNDECODED;
      }
      default:
        return UNDECODED;
    }
  }
  return UNDECODED;
}

interface RawElement {
  type: number;
  name: string;
  from: number; // element start (its type byte)
  start: number; // value start
  end: number; // value end
}

/** Iterates over the top-level elements of the BSON document in `buf`. */
export function* rawElements(buf: Buffer): Generator<RawElement> {
  const size = buf.readInt32LE(0);
  let pos = 4;
  while (pos < size - 1) {
    const type = buf[pos];
    const nameEnd = buf.indexOf(0, pos + 1);
    if (nameEnd < 0 || nameEnd >= size) throw new RangeError('corrupt BSON element name');
    const name = buf.toString('utf8', pos + 1, nameEnd);
    const start = nameEnd + 1;
    const end = start + valueSize(buf, type, start);
    if (end > size - 1) throw new RangeError('BSON element overruns its document');
    yield { type, name, from: pos, start, end };
    pos = end;
  }
}

/** The raw bytes of the embedded document (or array) stored under `field`, or undefined. */
export function rawField(buf: Buffer, field: string): Buffer | undefined {
  for (const el of rawElements(buf)) {
    if (el.name === field)
      return el.type === 0x03 || el.type === 0x04 ? buf.subarray(el.start, el.end) : undefined;
  }
  return undefined;
}

/** The embedded documents of the array stored under `field` (non-document elements give undefined). */
export function rawArrayDocs(buf: Buffer, field: string): (Buffer | undefined)[] {
  const arr = rawField(buf, field);
  if (!arr) return [];
  const out: (Buffer | undefined)[] = [];
  for (const el of rawElements(arr)) out.push(el.type === 0x03 ? arr.subarray(el.start, el.end) : undefined);
  return out;
}

/** Does a BSON document's top level hold `_id`, and is it first? */
export function rawIdPosition(buf: Buffer): number {
  let i = 0;
  for (const el of rawElements(buf)) {
    if (el.name === '_id') return i;
    i++;
  }
  return -1;
}

/** A copy of a BSON document without the named top-level fields. */
export function withoutFields(raw: Buffer, names: string[]): Buffer {
  return filterTopLevel(raw, (name) => !names.includes(name));
}

/** Copies the top-level elements `keep` accepts, without deserialising. */
export function filterTopLevel(raw: Buffer, keep: (name: string) => boolean): Buffer {
  const parts: Buffer[] = [];
  let size = 5;
  let from = 4;
  for (const el of rawElements(raw)) {
    if (keep(el.name)) {
      parts.push(raw.subarray(from, el.end));
      size += el.end - from;
    }
    from = el.end;
  }
  const head = Buffer.allocUnsafe(4);
  head.writeInt32LE(size, 0);
  return Buffer.concat([head, ...parts, Buffer.from([0])], size);
}

/**
 * What an insert needs to know about a document, read without deserialising or decoding names:
 * the first top-level name starting with `$` (if any), and the BSON type and position of `_id`.
 */
export function rawShape(raw: Buffer): { idType: number; idPos: number } {
  const size = raw.readInt32LE(0);
  let pos = 4;
  let idType = -1;
  let idPos = -1;
  let index = 0;
  while (pos < size - 1) {
    const type = raw[pos];
    const nameStart = pos + 1;
    const nameEnd = raw.indexOf(0, nameStart);
    if (nameEnd < 0 || nameEnd >= size) throw new RangeError('corrupt BSON element name');
    if (
      idPos < 0 &&
      nameEnd - nameStart === 3 &&
      raw[nameStart] === 0x5f &&
      raw[nameStart + 1] === 0x69 &&
      raw[nameStart + 2] === 0x64
    ) {
      idType = type;
      idPos = index;
    }
    pos = nameEnd + 1 + valueSize(raw, type, nameEnd + 1);
    if (pos > size - 1) throw new RangeError('BSON element overruns its document');
    index++;
  }
  return { idType, idPos };
}

// ---- writing -------------------------------------------------------------------------------

/** A tiny BSON writer for reply envelopes whose documents are already encoded. */
export class RawDocWriter {
  private parts: Buffer[] = [];
  private size = 5; // int32 length + trailing zero

  private key(type: number, name: string): void {
    const k = Buffer.allocUnsafe(Buffer.byteLength(name) + 2);
    k[0] = type;
    k.write(name, 1);
    k[k.length - 1] = 0;
    this.push(k);
  }

  private push(b: Buffer): void {
    this.parts.push(b);
    this.size += b.length;
  }

  doc(name: string, raw: Buffer): this {
    this.key(0x03, name);
    this.push(raw);
    return this;
  }

  array(name: string, raws: Buffer[]): this {
    const w = new RawDocWriter();
    for (let i = 0; i < raws.length; i++) w.doc(String(i), raws[i]);
    this.key(0x04, name);
    this.push(w.finish());
    return this;
  }

  string(name: string, s: string): this {
    this.key(0x02, name);
    const len = Buffer.byteLength(s);
    const b = Buffer.allocUnsafe(len + 5);
    b.writeInt32LE(len + 1, 0);
    b.write(s, 4);
    b[len + 4] = 0;
    this.push(b);
    return this;
  }

  double(name: string, n: number): this {
    this.key(0x01, name);
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleLE(n, 0);
    this.push(b);
    return this;
  }

  long(name: string, n: Long): this {
    this.key(0x12, name);
    const b = Buffer.allocUnsafe(8);
    b.writeInt32LE(n.low, 0);
    b.writeInt32LE(n.high, 4);
    this.push(b);
    return this;
  }

  raw(name: string, type: number, bytes: Buffer): this {
    this.key(type, name);
    this.push(bytes);
    return this;
  }

  finish(): Buffer {
    const head = Buffer.allocUnsafe(4);
    head.writeInt32LE(this.size, 0);
    return Buffer.concat([head, ...this.parts, Buffer.from([0])], this.size);
  }
}
