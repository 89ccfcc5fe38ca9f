// The embedded engine's storage layer below the wire protocol: where a document's bytes live,
// and index cursors that a statement resumes after yielding to other clients.
import { BSON, ObjectId } from 'bson';
import { Collection, StoredDoc, nextVersion } from '../../src/db/embedded/storage/collection';
import { makeStoredDoc } from '../../src/db/embedded/storage/engine';
import { keyOf } from '../../src/db/embedded/storage/values';

const stored = (doc: Record<string, unknown>): StoredDoc => makeStoredDoc(Buffer.from(BSON.serialize(doc)));

describe("a stored document's bytes", () => {
  it('move into the shared slabs only when the version is stored', () => {
    const coll = new Collection('d', 'people');
    coll.addIndex({ v: 2, key: { email: 1 }, name: 'email_1', unique: true });
    const first = stored({ _id: new ObjectId(), email: 'ani@medan.go.id' });
    expect(first.settled).toBe(false);
    coll.checkUnique(first);
    coll.put(first);
    expect(first.settled).toBe(true);
    expect(coll.docs.get(first.id)!.raw.equals(first.raw)).toBe(true);
  });

  it('of a version never stored (an insert refused as a duplicate) take no slab space', () => {
    const coll = new Collection('d', 'people');
    coll.addIndex({ v: 2, key: { email: 1 }, name: 'email_1', unique: true });
    coll.put(stored({ _id: 1, email: 'ani@medan.go.id' }));
    for (let i = 0; i < 100; i++) {
      const dup = stored({ _id: 100 + i, email: 'ani@medan.go.id' });
      expect(() => coll.checkUnique(dup)).toThrow(/E11000/);
      expect(dup.settled).toBe(false);
    }
    expect(coll.docs.size).toBe(1);
  });

  it('keeps a version that replaces another whole, and re-indexes only the fields that changed', () => {
    const coll = new Collection('d', 'people');
    coll.addIndex({ v: 2, key: { email: 1 }, name: 'email_1', unique: true });
    coll.addIndex({ v: 2, key: { opd: 1, score: 1 }, name: 'opd_1_score_1' });
    const v1 = stored({ _id: 7, email: 'a@x', opd: 'DISKOMINFO', score: 1, n: 0 });
    coll.put(v1);
    const v2 = StoredDoc.of(
      keyOf(7),
      Buffer.from(BSON.serialize({ _id: 7, email: 'a@x', opd: 'DISKOMINFO', score: 2, n: 1 })),
      nextVersion(),
    );
    expect(coll.changedIndexes(v1, v2)).toEqual([false, false, true]);
    coll.put(v2);
    const ids = () => [...coll.index('opd_1_score_1')!.scan([['', '\uffff']], false)].map(String);
    expect(ids()).toEqual([keyOf(7)]);
    const v3 = StoredDoc.of(
      keyOf(7),
      Buffer.from(BSON.serialize({ _id: 7, email: 'b@x', opd: 'DISKOMINFO', score: 2, n: 1 })),
      nextVersion(),
    );
    expect(coll.changedIndexes(v2, v3)).toEqual([false, true, false]);
  });
});

describe('an index cursor', () => {
  function collectionOf(n: number): Collection {
    const coll = new Collection('d', 'c');
    coll.addIndex({ v: 2, key: { seq: 1 }, name: 'seq_1' });
    for (let i = 0; i < n; i++) coll.put(stored({ _id: i, seq: i * 10 }));
    return coll;
  }
  const all: [string, string][] = [['', '\uffff']];

  it('resumes past its last entry after the index changed between slices', () => {
    const coll = collectionOf(1000);
    const cursor = coll.index('seq_1')!.cursor(all, false);
    const first = cursor.take(300);
    expect(first).toEqual(Array.from({ length: 300 }, (_, i) => keyOf(i)));
    // Meanwhile: the entry it stopped at and the next ones are removed, one is added before the
    // cursor (not seen), one after (seen).
    for (const id of [299, 300, 301]) coll.delete(keyOf(id));
    coll.put(stored({ _id: 'early', seq: 5 }));
    coll.put(stored({ _id: 'late', seq: 5005 }));
    const rest: string[] = [];
    for (let s = cursor.take(128); s.length > 0; s = cursor.take(128)) rest.push(...s);
    expect(rest).not.toContain(keyOf('early'));
    expect(rest).toContain(keyOf('late'));
    expect(rest.length).toBe(1000 - 302 + 1);
    expect(new Set([...first, ...rest]).size).toBe(first.length + rest.length);
  });

  it('walks backwards in slices, each id once', () => {
    const coll = collectionOf(50);
    const idx = coll.index('seq_1')!;
    const back = idx.cursor(all, true);
    const seen: string[] = [];
    for (let s = back.take(7); s.length > 0; s = back.take(7)) seen.push(...s);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => keyOf(49 - i)));
  });
});
