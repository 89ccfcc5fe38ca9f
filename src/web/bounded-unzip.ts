// Unpacks an uploaded ZIP (XLSX, and later course packages and question banks) without trusting
// what the archive says about itself. The sizes in its headers are only a first, cheap filter: the
// real bytes are counted while inflating, and inflation stops at the limit, so a small file that
// declares a few kilobytes but holds gigabytes never reaches memory. What passes is handed on as a
// new archive of stored (uncompressed) entries whose headers are true, so a library that unzips it
// again (exceljs) does no inflation of its own.
import zlib from 'node:zlib';

export interface UnzipLimits {
  /** Most bytes all entries together may unpack to. */
  maxBytes: number;
  maxEntries: number;
  /** Most unpacked bytes per compressed byte, over the whole archive, once past `ratioFloorBytes`. */
  maxRatio: number;
  ratioFloorBytes?: number;
}

export type UnzipFailure = 'unreadable' | 'tooManyEntries' | 'tooLarge';
export type UnzipResult = { ok: true; entries: Map<string, Buffer> } | { ok: false; reason: UnzipFailure };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
const ENCRYPTED_FLAG = 0x1;

interface CentralEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressed: number;
  declared: number;
  localOffset: number;
}

/** The central directory as declared; null when it is not a readable ZIP or uses ZIP64. */
function readCentralDirectory(bytes: Buffer): CentralEntry[] | null {
  if (bytes.length < 22) return null;
  const start = Math.max(0, bytes.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= start; i--) {
    if (bytes.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = bytes.readUInt16LE(eocd + 10);
  let offset = bytes.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) return null;
  const entries: CentralEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== CENTRAL) return null;
    const nameLength = bytes.readUInt16LE(offset + 28);
    const entry: CentralEntry = {
      flags: bytes.readUInt16LE(offset + 8),
      method: bytes.readUInt16LE(offset + 10),
      crc: bytes.readUInt32LE(offset + 16),
      compressed: bytes.readUInt32LE(offset + 20),
      declared: bytes.readUInt32LE(offset + 24),
      localOffset: bytes.readUInt32LE(offset + 42),
      name: bytes.toString('utf8', offset + 46, Math.min(bytes.length, offset + 46 + nameLength)),
    };
    if (entry.compressed === 0xffffffff || entry.declared === 0xffffffff) return null;
    entries.push(entry);
    offset += 46 + nameLength + bytes.readUInt16LE(offset + 30) + bytes.readUInt16LE(offset + 32);
  }
  return entries;
}

export interface ZipSummary {
  entries: number;
  compressed: number;
  uncompressed: number;
}

/** What the central directory declares (not what the entries hold); null when unreadable. */
export function summariseZip(bytes: Buffer): ZipSummary | null {
  const entries = readCentralDirectory(bytes);
  if (!entries) return null;
  return {
    entries: entries.length,
    compressed: entries.reduce((sum, e) => sum + e.compressed, 0),
    uncompressed: entries.reduce((sum, e) => sum + e.declared, 0),
  };
}

/** The compressed bytes of one entry, found through its local header; null when out of bounds. */
function entryData(bytes: Buffer, entry: CentralEntry): Buffer | null {
  const at = entry.localOffset;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== LOCAL) return null;
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  const end = start + entry.compressed;
  return end <= bytes.length ? bytes.subarray(start, end) : null;
}

class LimitReached extends Error {}

/** Inflates at most `cap` bytes; throws LimitReached as soon as the output would pass it. */
function inflateAtMost(data: Buffer, method: number, cap: number): Buffer {
  if (method === STORED) {
    if (data.length > cap) throw new LimitReached();
    return data;
  }
  try {
    // Node counts the output chunk by chunk and stops at maxOutputLength: the bomb is never held.
    return zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, cap) });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new LimitReached();
    throw err;
  }
}

function declaredProblem(
  entries: CentralEntry[],
  limits: UnzipLimits,
  budget: number,
): UnzipFailure | undefined {
  if (entries.length > limits.maxEntries) return 'tooManyEntries';
  const declared = entries.reduce((sum, e) => sum + e.declared, 0);
  return declared > budget ? 'tooLarge' : undefined;
}

/**
 * Unpacks every entry, counting the real bytes: the whole archive may unpack to at most
 * `maxBytes`, and past `ratioFloorBytes` (1 MB) to at most `maxRatio` times its compressed size.
 * An entry is never inflated past its declared size: one that holds more is refused as too large.
 * Entries that are encrypted, use another method than stored/deflate, or whose content does not
 * match their declared size and CRC make the archive unreadable.
 */
export function unzipWithinLimits(bytes: Buffer, limits: UnzipLimits): UnzipResult {
  const entries = readCentralDirectory(bytes);
  if (!entries) return { ok: false, reason: 'unreadable' };
  const compressedTotal = entries.reduce((sum, e) => sum + e.compressed, 0);
  const budget = Math.min(
    limits.maxBytes,
    Math.max(limits.ratioFloorBytes ?? 1024 * 1024, limits.maxRatio * compressedTotal),
  );
  const problem = declaredProblem(entries, limits, budget);
  if (problem) return { ok: false, reason: problem };
  const out = new Map<string, Buffer>();
  let used = 0;
  for (const entry of entries) {
    if (entry.flags & ENCRYPTED_FLAG) return { ok: false, reason: 'unreadable' };
    if (entry.method !== STORED && entry.method !== DEFLATED) return { ok: false, reason: 'unreadable' };
    const data = entryData(bytes, entry);
    if (!data) return { ok: false, reason: 'unreadable' };
    let content: Buffer;
    try {
      // Never more than the entry declares: an entry holding more than it claims is a lie, and
      // stops after its declared size (a few bytes for the classic lying bomb).
      content = inflateAtMost(data, entry.method, Math.min(budget - used, entry.declared));
    } catch (err) {
      return { ok: false, reason: err instanceof LimitReached ? 'tooLarge' : 'unreadable' };
    }
    if (content.length !== entry.declared || zlib.crc32(content) !== entry.crc)
      return { ok: false, reason: 'unreadable' };
    used += content.length;
    out.set(entry.name, content);
  }
  return { ok: true, entries: out };
}

/** A ZIP of stored entries with true sizes and CRCs, for libraries that insist on unzipping. */
export function storedZip(entries: Map<string, Buffer>): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [entryName, data] of entries) {
    const name = Buffer.from(entryName, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // names are UTF-8
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(entries.size, 8);
  end.writeUInt16LE(entries.size, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
