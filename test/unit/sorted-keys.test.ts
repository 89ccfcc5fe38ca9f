// The embedded engine's index entries (storage/sortedkeys.ts), held as bytes in fixed-size blocks:
// after any sequence of inserts and removals they read back as the same ordered set a sorted
// array of (key, id) strings gives, ranges and resumed walks included.
import { SortedKeys } from '../../src/db/embedded/storage/sortedkeys';

type Entry = [string, string];

const byKeyThenId = (a: Entry, b: Entry): number =>
  a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] === b[1] ? 0 : a[1] < b[1] ? -1 : 1;

/** A small deterministic generator (xorshift), so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

function keyOf(rnd: () => number): string {
  // Units 0-255 as index keys have, short and long (some longer than a block), many shared prefixes.
  const len = rnd() < 0.01 ? 9000 + Math.floor(rnd() * 12000) : 1 + Math.floor(rnd() * 40);
  let s = '';
  for (let i = 0; i < len; i++)
    s += String.fromCharCode(rnd() < 0.7 ? 97 + Math.floor(rnd() * 3) : Math.floor(rnd() * 256));
  return s;
}

function idOf(rnd: () => number): string {
  const n = Math.floor(rnd() * 1e6);
  // Most ids are narrow (an ObjectId's 12 bytes as units); a string `_id` may have any unit.
  return rnd() < 0.1
    ? `s\u0101\u4e2d${n}`
    : rnd() < 0.5
      ? `o${String.fromCharCode(n & 0xff, 0, 255)}${n}`
      : `n${n}`;
}

function walk(s: SortedKeys, start = '', end = '\uffff', reverse = false): Entry[] {
  return [...s.range(start, end, reverse)];
}

describe('index entries in blocks (SortedKeys)', () => {
  it('read back in order after random inserts and removals', () => {
    const rnd = random(20261201);
    const s = new SortedKeys();
    const model: Entry[] = [];
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 400; i++) {
        if (model.length && rnd() < 0.35) {
          const at = Math.floor(rnd() * model.length);
          const [e] = model.splice(at, 1);
          expect(s.remove(e[0], e[1])).toBe(true);
        } else {
          // Often a key already present (equal keys are ordered by id).
          const key = model.length && rnd() < 0.3 ? model[Math.floor(rnd() * model.length)][0] : keyOf(rnd);
          const e: Entry = [key, idOf(rnd)];
          if (model.some((m) => byKeyThenId(m, e) === 0)) continue;
          model.push(e);
          s.insert(e[0], e[1]);
        }
      }
      model.sort(byKeyThenId);
      expect(s.size).toBe(model.length);
      expect(walk(s)).toEqual(model);
      expect(walk(s, '', '\uffff', true)).toEqual([...model].reverse());
    }
    expect(s.remove('absent', 'n1')).toBe(false);
  });

  it('appended in order fill blocks and read back, a range at a time', () => {
    const s = new SortedKeys();
    const model: Entry[] = [];
    for (let i = 0; i < 20_000; i++) {
      const key = `k${String(i).padStart(6, '0')}`;
      model.push([key, `o${i}`]);
      s.insert(key, `o${i}`);
    }
    expect(walk(s)).toEqual(model);
    // [start, end): a bound with a unit above 255 (a prefix's end, keystring's AFTER).
    expect(walk(s, 'k000100', 'k000100\u0100')).toEqual([['k000100', 'o100']]);
    expect(walk(s, 'k0001', 'k0002')).toEqual(model.slice(100, 200));
    expect(walk(s, 'k0001', 'k0002', true)).toEqual(model.slice(100, 200).reverse());
  });

  it('resume a walk past its last entry after the set has changed', () => {
    const s = SortedKeys.from(Array.from({ length: 3000 }, (_, i) => ({ key: `a${i % 30}`, id: `n${i}` })));
    const model = [...s.range('', '\uffff')];
    expect(model).toHaveLength(3000);
    const last = model[1500];
    s.remove(last[0], last[1]);
    s.insert('a0', 'n99999');
    const rest = [...s.range('', '\uffff', false, last)];
    expect(rest).toEqual(model.slice(1501).filter((e) => byKeyThenId(e, last) > 0));
    const before = [...s.range('', '\uffff', true, last)];
    expect(before).toEqual([...model.slice(0, 1500), ['a0', 'n99999'] as Entry].sort(byKeyThenId).reverse());
  });

  it('find another document holding exactly a key', () => {
    const s = new SortedKeys();
    s.insert('email\u0000', 'o1');
    s.insert('email\u0000x', 'o2');
    s.insert('email\u0001', 'o3');
    expect(s.findOther('email\u0000', 'o1', () => true)).toBeUndefined();
    expect(s.findOther('email\u0000', 'o9', () => true)).toBe('o1');
    expect(s.findOther('email\u0000', 'o9', (id) => id !== 'o1')).toBeUndefined();
  });
});
