import zlib from 'node:zlib';
import { storedZip, unzipWithinLimits } from '../../src/web/bounded-unzip';
import { buildZip } from '../fixtures/zip';

const LIMITS = { maxBytes: 1024 * 1024, maxEntries: 3, maxRatio: 200, ratioFloorBytes: 64 * 1024 };

describe('unpacking an uploaded ZIP within limits', () => {
  it('returns every entry, and repacks them as stored entries that read back the same', () => {
    const zip = buildZip([
      { name: 'a.xml', data: Buffer.from('<a>halo</a>') },
      { name: 'dir/b.txt', data: Buffer.from('dunia') },
    ]);
    const first = unzipWithinLimits(zip, LIMITS);
    if (!first.ok) throw new Error(first.reason);
    expect([...first.entries].map(([n, d]) => [n, d.toString()])).toEqual([
      ['a.xml', '<a>halo</a>'],
      ['dir/b.txt', 'dunia'],
    ]);
    const again = unzipWithinLimits(storedZip(first.entries), LIMITS);
    expect(again).toEqual(first);
  });

  it('refuses more entries than allowed, and archives that declare too much', () => {
    const four = buildZip(['a', 'b', 'c', 'd'].map((name) => ({ name, data: Buffer.from(name) })));
    expect(unzipWithinLimits(four, LIMITS)).toEqual({ ok: false, reason: 'tooManyEntries' });
    const honest = buildZip([{ name: 'big', data: Buffer.alloc(2 * 1024 * 1024, 0x20) }]);
    expect(unzipWithinLimits(honest, LIMITS)).toEqual({ ok: false, reason: 'tooLarge' });
  });

  it('stops at the compression-ratio budget past the floor', () => {
    const packed = buildZip([{ name: 'x', data: Buffer.alloc(512 * 1024, 0x20) }]);
    expect(unzipWithinLimits(packed, { ...LIMITS, ratioFloorBytes: 1024 })).toEqual({
      ok: false,
      reason: 'tooLarge',
    });
  });

  it('calls unreadable what holds less than it declares, fails its CRC, is encrypted or not a ZIP', () => {
    const short = buildZip([{ name: 'x', data: Buffer.from('abc'), declaredSize: 10 }]);
    expect(unzipWithinLimits(short, LIMITS)).toEqual({ ok: false, reason: 'unreadable' });
    const badCrc = buildZip([
      {
        name: 'x',
        data: Buffer.from('abc'),
        deflated: { bytes: zlib.deflateRawSync('abd'), crc: zlib.crc32('abc') },
      },
    ]);
    expect(unzipWithinLimits(badCrc, LIMITS)).toEqual({ ok: false, reason: 'unreadable' });
    const encrypted = buildZip([{ name: 'x', data: Buffer.from('abc') }]);
    encrypted.writeUInt16LE(1, encrypted.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 8);
    expect(unzipWithinLimits(encrypted, LIMITS)).toEqual({ ok: false, reason: 'unreadable' });
    expect(unzipWithinLimits(Buffer.from('NIP,Nama\n'), LIMITS)).toEqual({ ok: false, reason: 'unreadable' });
  });
});
