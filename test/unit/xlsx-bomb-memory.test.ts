// The zip-bomb guard counts real bytes while inflating: an XLSX that declares a few kilobytes but
// holds hundreds of megabytes is refused without the server's memory growing by that much.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildLyingBomb } from '../fixtures/zip';
import { summariseZip, unzipWithinLimits } from '../../src/web/bounded-unzip';

const HOLDS = 400 * 1024 * 1024;
let dir: string;
let bomb: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'binaasn-bomb-'));
  bomb = await buildLyingBomb(HOLDS, 4096);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an XLSX whose entry holds far more than it declares', () => {
  it('is small on disk and declares nothing alarming', () => {
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(summariseZip(bomb)?.uncompressed).toBeLessThan(10_000);
  });

  it('is refused by the guard, which stops inflating at the declared size', () => {
    const limits = { maxBytes: 50 * 1024 * 1024, maxEntries: 500, maxRatio: 200 };
    expect(unzipWithinLimits(bomb, limits)).toEqual({ ok: false, reason: 'tooLarge' });
  });

  it('is refused by the people import while peak memory grows by less than 40 MB', () => {
    const file = path.join(dir, 'bomb.xlsx');
    writeFileSync(file, bomb);
    const probe = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, '../support/xlsx-memory-probe.ts'), file],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(probe.stderr).toBe('');
    const { before, after, result } = JSON.parse(probe.stdout) as {
      before: number;
      after: number;
      result: string;
    };
    const grewMb = (after - before) / 1024; // maxRSS is in kilobytes
    expect(grewMb).toBeLessThan(40);
    expect(result).toBe('users.import.errors.zipBomb');
  }, 120_000);
});
