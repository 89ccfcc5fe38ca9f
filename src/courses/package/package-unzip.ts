// THE ZIP GUARD of course package imports, kept to one replaceable function: `unzipPackage(bytes)`.
// It has the same contract as the XLSX guard of issue #13 (src/web/bounded-unzip.ts on the
// security branch: `unzipWithinLimits`), so once that lands this file shrinks to a call to it.
// Until then it does the same thing: the sizes an archive declares are only a first filter; the
// real bytes are counted while inflating, which stops at the limit, so a small file that unpacks
// to gigabytes never reaches memory. Encrypted entries, other methods than stored/deflate, ZIP64
// and entries whose bytes do not match their declared size or CRC make the archive unreadable.
import zlib from 'node:zlib';

export interface UnzipLimits {
  /** Most bytes all entries together may unpack to. */
  maxBytes: number;
  maxEntries: number;
  /** Most unpacked bytes per compressed byte over the whole archive, once past 1 MB. */
  maxRatio: number;
}

export type UnzipFailure = 'unreadable' | 'tooManyEntries' | 'tooLarge';
export type UnzipResult = { ok: true; entries: Map<string, Buffer> } | { ok: false; reason: UnzipFailure };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

interface Entry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressed: number;
  declared: number;
  offset: number;
}

function centralDirectory(bytes: Buffer): Entry[] | null {
  if (bytes.length < 22) return null;
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--)
    if (bytes.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  if (eocd < 0) return null;
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  if (count === 0xffff || at === 0xffffffff) return null;
  const entries: Entry[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL) return null;
    const nameLength = bytes.readUInt16LE(at + 28);
    const entry = {
      flags: bytes.readUInt16LE(at + 8),
      method: bytes.readUInt16LE(at + 10),
      crc: bytes.readUInt32LE(at + 16),
      compressed: bytes.readUInt32LE(at + 20),
      declared: bytes.readUInt32LE(at + 24),
      offset: bytes.readUInt32LE(at + 42),
      name: bytes.toString('utf8', at + 46, Math.min(bytes.length, at + 46 + nameLength)),
    };
    if (entry.compressed === 0xffffffff || entry.declared === 0xffffffff) return null;
    entries.push(entry);
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return entries;
}

class LimitReached extends Error {}

function inflate(bytes: Buffer, entry: Entry, cap: number): Buffer | null {
  const at = entry.offset;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== LOCAL) return null;
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  if (start + entry.compressed > bytes.length) return null;
  const data = bytes.subarray(start, start + entry.compressed);
  if (entry.method === 0) {
    if (data.length > cap) throw new LimitReached();
    return data;
  }
  try {
    return zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, cap) });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new LimitReached();
    return null;
  }
}

/** Unpacks every entry within the limits, counting real bytes (never more than an entry declares). */
export function unzipPackage(bytes: Buffer, limits: UnzipLimits): UnzipResult {
  const entries = centralDirectory(bytes);
  if (!entries) return { ok: false, reason: 'unreadable' };
  if (entries.length > limits.maxEntries) return { ok: false, reason: 'tooManyEntries' };
  const compressed = entries.reduce((sum, e) => sum + e.compressed, 0);
  const budget = Math.min(limits.maxBytes, Math.max(1024 * 1024, limits.maxRatio * compressed));
  if (entries.reduce((sum, e) => sum + e.declared, 0) > budget) return { ok: false, reason: 'tooLarge' };
  const out = new Map<string, Buffer>();
  let used = 0;
  for (const entry of entries) {
    if (entry.flags & 1 || (entry.method !== 0 && entry.method !== 8))
      return { ok: false, reason: 'unreadable' };
    let content: Buffer | null;
    try {
      content = inflate(bytes, entry, Math.min(budget - used, entry.declared));
    } catch {
      return { ok: false, reason: 'tooLarge' };
    }
    if (!content || content.length !== entry.declared || zlib.crc32(content) !== entry.crc)
      return { ok: false, reason: 'unreadable' };
    used += content.length;
    if (out.has(entry.name)) return { ok: false, reason: 'unreadable' };
    out.set(entry.name, content);
  }
  return { ok: true, entries: out };
}
