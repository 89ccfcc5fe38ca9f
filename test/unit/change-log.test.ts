// The engine's change log: a bounded window of committed writes that streams resume within.
import { ChangeLog, describeUpdate } from '../../src/db/embedded/storage/changes';
import { BSON } from 'bson';

const raw = (doc: object) => Buffer.from(BSON.serialize(doc));

describe('the change log', () => {
  it('keeps a bounded window: tokens older than it can no longer be resumed', () => {
    const log = new ChangeLog(8, 1 << 20);
    for (let i = 0; i < 20; i++) log.append([{ op: 'insert', db: 'd', coll: 'c', after: raw({ _id: i }) }]);
    expect(log.latest).toBe(20);
    expect(log.oldestResumable).toBeGreaterThan(10); // trimmed to at most 8 events, a quarter at a time
    expect([...log.after(log.oldestResumable)].map((c) => c.seq)).toEqual(
      Array.from({ length: 20 - log.oldestResumable }, (_, i) => log.oldestResumable + 1 + i),
    );
  });

  it('bounds the bytes it holds as well as the count', () => {
    const log = new ChangeLog(1000, 4096);
    const big = raw({ _id: 1, text: 'x'.repeat(1000) });
    for (let i = 0; i < 20; i++) log.append([{ op: 'insert', db: 'd', coll: 'c', after: big }]);
    expect(20 - log.oldestResumable).toBeLessThanOrEqual(4);
  });

  it('reads back only its own tokens: another run of the engine (a restart) has other tokens', () => {
    const a = new ChangeLog();
    const b = new ChangeLog();
    a.append([{ op: 'delete', db: 'd', coll: 'c', before: raw({ _id: 1 }) }]);
    expect(a.parseToken(a.token(1))).toEqual({ seq: 1, invalidate: false });
    expect(a.parseToken(a.token(1, true))).toEqual({ seq: 1, invalidate: true });
    expect(b.parseToken(a.token(1))).toBeUndefined();
    expect(a.parseToken({ _data: 'nonsense' })).toBeUndefined();
  });

  it('wakes a waiting stream at the next append', async () => {
    const log = new ChangeLog();
    const started = Date.now();
    const waited = log.wait(5000);
    setTimeout(() => log.append([{ op: 'drop', db: 'd', coll: 'c' }]), 20);
    await waited;
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('describes an update as MongoDB does: dotted paths into sub-documents, arrays whole, removed fields', () => {
    const before = raw({ _id: 1, a: { b: 1, c: 2 }, list: [1, 2], gone: true, same: 'x' });
    const after = raw({ _id: 1, a: { b: 5, c: 2, d: 1 }, list: [1, 2, 3], same: 'x', added: 7 });
    expect(BSON.deserialize(BSON.serialize(describeUpdate(before, after)))).toEqual({
      updatedFields: { 'a.b': 5, 'a.d': 1, list: [1, 2, 3], added: 7 },
      removedFields: ['gone'],
      truncatedArrays: [],
    });
  });
});
