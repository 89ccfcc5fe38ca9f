// Run by `npm run bench:db` with --expose-gc: the storage layer alone (a collection with the
// benchmark's two indexes, no server, no change log) holding N documents, measured after full
// garbage collections, so the figure is live memory rather than RSS with garbage in it.
// Prints one JSON line: { docs, dataPerDoc, heapPerDoc, externalPerDoc }.
import { BSON, ObjectId } from 'bson';
import { Collection, StoredDoc, nextVersion } from '../../src/db/embedded/storage/collection';
import { keyOf } from '../../src/db/embedded/storage/values';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const M = Number(process.env.BENCH_DB_MEMORY_DOCS ?? 200_000);

const coll = new Collection('memory', 'people');
coll.addIndex({ v: 2, key: { email: 1 }, name: 'email_1', unique: true });
coll.addIndex({ v: 2, key: { seq: 1 }, name: 'seq_1' });
gc();
gc();
const before = process.memoryUsage();
let data = 0;
for (let i = 0; i < M; i++) {
  const doc = {
    _id: new ObjectId(),
    seq: i,
    email: `pegawai${i}@pemkomedan.go.id`,
    nip: String(199001012015031000 + i),
    opd: `OPD-${i % 40}`,
    score: (i * 7919) % 100,
    createdAt: new Date(1_700_000_000_000 + i * 1000),
  };
  const raw = Buffer.from(BSON.serialize(doc));
  data += raw.length;
  const stored = StoredDoc.of(keyOf(doc._id), raw, nextVersion());
  coll.checkUnique(stored);
  coll.put(stored);
}
for (let i = 0; i < 3; i++) gc();
const after = process.memoryUsage();
process.stdout.write(
  JSON.stringify({
    docs: coll.docs.size,
    dataPerDoc: data / M,
    heapPerDoc: (after.heapUsed - before.heapUsed) / M,
    externalPerDoc: (after.external - before.external) / M,
  }) + '\n',
);
