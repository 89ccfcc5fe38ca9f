// MongoDB wire protocol framing: OP_MSG (kind 0 body and kind 1 document sequences, optional
// CRC-32C checksum) and legacy OP_QUERY in; OP_MSG and OP_REPLY out.
import { BSON, Document } from 'bson';
import { deserializeDocument } from '../bson/dbref';
import { withoutFields } from '../bson/raw';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const MSG_CHECKSUM_PRESENT = 1 << 0;
export const MSG_MORE_TO_COME = 1 << 1;
export const MSG_EXHAUST_ALLOWED = 1 << 16;

export class ProtocolError extends Error {}

export interface Header {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export interface Request {
  header: Header;
  /** The command document, deserialised with promoted values. */
  body: Document;
  /** The command document's raw bytes. */
  rawBody: Buffer;
  /** Kind 1 sections: identifier → raw documents. */
  sequences: Map<string, Buffer[]>;
  flags: number;
  legacy: boolean;
  /** For OP_QUERY: the full collection name (db.$cmd). */
  legacyNs?: string;
}

export function readHeader(buf: Buffer): Header {
  return {
    length: buf.readInt32LE(0),
    requestId: buf.readInt32LE(4),
    responseTo: buf.readInt32LE(8),
    opCode: buf.readInt32LE(12),
  };
}

const DESERIALIZE = { validation: { utf8: false } } as const;

function readDoc(buf: Buffer, pos: number, end: number): Buffer {
  if (pos + 5 > end) throw new ProtocolError('truncated BSON document');
  const size = buf.readInt32LE(pos);
  if (size < 5 || pos + size > end) throw new ProtocolError(`invalid BSON document length ${size}`);
  if (buf[pos + size - 1] !== 0) throw new ProtocolError('BSON document is not terminated');
  return buf.subarray(pos, pos + size);
}

/**
 * Deserialises a command body, leaving out an insert's `documents` array: the insert handler
 * reads those straight from the raw bytes, so decoding them here would be wasted work.
 */
export function deserializeBody(raw: Buffer): Document {
  if (raw.length > 4096 && raw.toString('utf8', 5, 12) === 'insert\0') {
    const slim = withoutFields(raw, ['documents']);
    if (slim.length !== raw.length) return deserialize(slim);
  }
  return deserialize(raw);
}

export function deserialize(raw: Buffer): Document {
  return deserializeDocument(raw, DESERIALIZE);
}

/** Parses one complete message (header included). Throws ProtocolError on malformed input. */
export function parseMessage(msg: Buffer): Request {
  const header = readHeader(msg);
  if (header.opCode === OP_MSG) return parseOpMsg(msg, header);
  if (header.opCode === OP_QUERY) return parseOpQuery(msg, header);
  if (header.opCode === OP_COMPRESSED)
    throw new ProtocolError('OP_COMPRESSED is not supported: no compressors were negotiated');
  throw new ProtocolError(`unsupported opCode ${header.opCode}`);
}

function parseOpMsg(msg: Buffer, header: Header): Request {
  if (msg.length < 21) throw new ProtocolError('OP_MSG too short');
  const flags = msg.readUInt32LE(16);
  // Required flag bits are 0-15; only checksumPresent and moreToCome are defined among them.
  if (flags & 0xffff & ~(MSG_CHECKSUM_PRESENT | MSG_MORE_TO_COME))
    throw new ProtocolError(`unsupported OP_MSG flag bits ${flags}`);
  let end = msg.length;
  if (flags & MSG_CHECKSUM_PRESENT) {
    end -= 4;
    if (end < 21) throw new ProtocolError('OP_MSG too short for its checksum');
    const expected = msg.readUInt32LE(end);
    if (crc32c(msg.subarray(0, end)) !== expected) throw new ProtocolError('OP_MSG checksum mismatch');
  }
  let pos = 20;
  let rawBody: Buffer | undefined;
  const sequences = new Map<string, Buffer[]>();
  while (pos < end) {
    const kind = msg[pos++];
    if (kind === 0) {
      if (rawBody) throw new ProtocolError('OP_MSG has more than one body section');
      rawBody = readDoc(msg, pos, end);
      pos += rawBody.length;
    } else if (kind === 1) {
      if (pos + 4 > end) throw new ProtocolError('truncated document sequence');
      const size = msg.readInt32LE(pos);
      const secEnd = pos + size;
      if (size < 5 || secEnd > end) throw new ProtocolError('invalid document sequence length');
      const idEnd = msg.indexOf(0, pos + 4);
      if (idEnd < 0 || idEnd >= secEnd) throw new ProtocolError('invalid document sequence identifier');
      const id = msg.toString('utf8', pos + 4, idEnd);
      const docs: Buffer[] = [];
      let p = idEnd + 1;
      while (p < secEnd) {
        const d = readDoc(msg, p, secEnd);
        docs.push(d);
        p += d.length;
      }
      sequences.set(id, docs);
      pos = secEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!rawBody) throw new ProtocolError('OP_MSG has no body section');
  return { header, body: deserializeBody(rawBody), rawBody, sequences, flags, legacy: false };
}

function parseOpQuery(msg: Buffer, header: Header): Request {
  let pos = 20; // skip flags
  const nsEnd = msg.indexOf(0, pos);
  if (nsEnd < 0) throw new ProtocolError('OP_QUERY without a namespace');
  const ns = msg.toString('utf8', pos, nsEnd);
  pos = nsEnd + 1 + 8; // numberToSkip, numberToReturn
  const raw = readDoc(msg, pos, msg.length);
  let body = deserialize(raw);
  let rawBody = raw;
  if (body.$query !== undefined || body.query !== undefined) {
    const inner = body.$query ?? body.query;
    if (inner && typeof inner === 'object') {
      body = inner as Document;
      rawBody = Buffer.from(BSON.serialize(body));
    }
  }
  return { header, body, rawBody, sequences: new Map(), flags: 0, legacy: true, legacyNs: ns };
}

let nextRequestId = 1;

function headerBuf(length: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

export function opMsgReply(responseTo: number, body: Buffer, flags = 0): Buffer {
  const length = 16 + 4 + 1 + body.length;
  const h = headerBuf(length, responseTo, OP_MSG);
  const f = Buffer.allocUnsafe(5);
  f.writeUInt32LE(flags, 0);
  f[4] = 0;
  return Buffer.concat([h, f, body], length);
}

export function opReply(responseTo: number, body: Buffer): Buffer {
  const length = 16 + 20 + body.length;
  const h = headerBuf(length, responseTo, OP_REPLY);
  const r = Buffer.alloc(20);
  r.writeInt32LE(8, 0); // AwaitCapable
  r.writeInt32LE(1, 16); // numberReturned
  return Buffer.concat([h, r, body], length);
}

// CRC-32C (Castagnoli), as OP_MSG checksums use.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32c(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
