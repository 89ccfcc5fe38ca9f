// The documents table of a collection (storage/doctable.ts) against a Map, the structure it
// replaces: same answers to get/has/size, same iteration order, and iterations that survive
// writes (and compactions) between their steps the way a Map's do.
import { DocTable } from '../../src/db/embedded/storage/doctable';
import { StoredDoc } from '../../src/db/embedded/storage/stored';

/** A deterministic pseudo-random sequence (the test's failures can be replayed). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const bytesOf = (text: string): Buffer => Buffer.from(text, 'utf8');
const version = (id: string, n: number): StoredDoc => StoredDoc.of(id, bytesOf(`${id}#${n}`), n);

function expectSame(table: DocTable, model: Map<string, StoredDoc>): void {
  expect(table.size).toBe(model.size);
  expect([...table.keys()]).toEqual([...model.keys()]);
  const got = [...table.values()].map((d) => [d.id, d.ver, d.raw.toString()]);
  expect(got).toEqual([...model.values()].map((d) => [d.id, d.ver, d.raw.toString()]));
}

describe('the documents table', () => {
  it('answers as a Map does through inserts, replacements and deletes, with compactions between', () => {
    const next = random(7);
    const table = new DocTable();
    const model = new Map<string, StoredDoc>();
    // Ids of every shape the engine makes: one-byte keys (ObjectIds, numbers) and wide ones.
    const idOf = (n: number) =>
      n % 3 === 0
        ? 'o' + String.fromCharCode(n & 0xff, (n >> 8) & 0xff, 0, 255)
        : n % 3 === 1
          ? 'n' + n
          : 's\u0416' + n;
    for (let step = 1; step <= 30_000; step++) {
      const id = idOf(Math.floor(next() * 4000));
      const roll = next();
      if (roll < 0.55) {
        const doc = version(id, step);
        table.set(id, doc);
        model.set(id, doc);
      } else {
        expect(table.delete(id)).toBe(model.delete(id));
      }
      if (step % 5000 === 0) expectSame(table, model);
    }
    expect(table.compactions).toBeGreaterThan(1);
    for (const id of [...model.keys()]) {
      expect(table.has(id)).toBe(true);
      expect(table.get(id)!.raw.equals(model.get(id)!.raw)).toBe(true);
      expect(table.get(id + 'x')).toBeUndefined();
    }
    // Emptied: every row goes, and the table is as good as new.
    for (const id of [...model.keys()]) table.delete(id);
    expect(table.size).toBe(0);
    expect([...table.values()]).toEqual([]);
    table.set('n1', version('n1', 1));
    expect([...table.keys()]).toEqual(['n1']);
  });

  it('lets an iteration go on across writes and compactions, as a Map iteration does', () => {
    const table = new DocTable();
    const model = new Map<string, StoredDoc>();
    for (let i = 0; i < 5000; i++) {
      const id = 'n' + i;
      table.set(id, version(id, i));
      model.set(id, version(id, i));
    }
    const fromTable = table.keys();
    const fromModel = model.keys();
    const seen: string[] = [];
    const expected: string[] = [];
    for (let step = 0; ; step++) {
      const a = fromTable.next();
      const b = fromModel.next();
      expect(a.done).toBe(b.done);
      if (a.done || b.done) break;
      seen.push(a.value);
      expected.push(b.value);
      // Deletes behind and ahead of the iteration (enough to compact the table several times),
      // replacements (their rows keep their place) and inserts (reached at the end).
      for (const id of ['n' + (step * 3 + 1), 'n' + (step * 3 + 2), 'n' + (step - 1)]) {
        table.delete(id);
        model.delete(id);
      }
      if (step % 7 === 0) {
        const id = 'n' + (step + 10);
        if (model.has(id)) {
          table.set(id, version(id, 100_000 + step));
          model.set(id, version(id, 100_000 + step));
        }
      }
      if (step % 50 === 0 && step < 1000) {
        const id = 'late' + step;
        table.set(id, version(id, step));
        model.set(id, version(id, step));
      }
    }
    expect(seen).toEqual(expected);
    expect(table.compactions).toBeGreaterThan(0);
    expectSame(table, model);
  });

  it('moves documents out of slabs that replacements have left sparse, keeping every document intact', () => {
    const next = random(11);
    const table = new DocTable();
    const model = new Map<string, string>();
    const body = (id: string, n: number) => `${id}#${n}#${'x'.repeat(100 + (n % 60))}`;
    // 20,000 documents written once, then replaced: first a hot tenth of them again and again, then
    // any of them. Without moves, each slab would be kept whole by its last document never replaced.
    for (let i = 0; i < 20_000; i++) {
      const id = 'n' + i;
      table.set(id, StoredDoc.of(id, bytesOf(body(id, i)), i));
      model.set(id, body(id, i));
    }
    for (let step = 1; step <= 200_000; step++) {
      const id = 'n' + (step <= 100_000 ? 10 * Math.floor(next() * 2000) : Math.floor(next() * 20_000));
      const text = body(id, step);
      table.set(id, StoredDoc.of(id, bytesOf(text), 100_000 + step));
      model.set(id, text);
      if (step % 2000 === 0) {
        const { held, live } = table.bytesHeld;
        expect(held).toBeLessThanOrEqual(2 * live + 1024 * 1024 + 256 * 1024);
      }
    }
    expect(table.slabMoves).toBeGreaterThan(0);
    for (const [id, text] of model) expect(table.get(id)!.raw.toString()).toBe(text);
    let live = 0;
    for (const text of model.values()) live += Buffer.byteLength(text);
    expect(table.bytesHeld.live).toBe(live);
  });

  it('keeps its buffers only while some row points into them', () => {
    const table = new DocTable();
    const first = version('n1', 1);
    table.set('n1', first);
    expect(first.settled).toBe(true);
    const replaced = table.get('n1')!;
    table.set('n1', version('n1', 2));
    // A handle read before the replacement still reads its own bytes.
    expect(replaced.raw.toString()).toBe('n1#1');
    expect(table.get('n1')!.raw.toString()).toBe('n1#2');
    expect(table.get('n1')!.ver).toBe(2);
  });
});
