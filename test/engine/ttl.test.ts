// TTL indexes: expired documents disappear on the next sweep (the engine sweeps every 10 s by
// default; this file starts one that sweeps every 200 ms). Against a real MongoDB the TTL monitor
// runs every 60 s, so there the test only checks the index.
import { Document, MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../../src/db/embedded';

const real = !!process.env.MONGODB_URI;

describe('TTL indexes', () => {
  (real ? it.skip : it)('remove documents once their date is older than expireAfterSeconds', async () => {
    const engine = await startEmbeddedMongo({ ttlIntervalMs: 200 });
    const client = await MongoClient.connect(engine.uri);
    try {
      const coll = client.db('ttl').collection('sessions');
      await coll.createIndex({ expires: 1 }, { expireAfterSeconds: 0 });
      await coll.createIndex({ createdAt: 1 }, { expireAfterSeconds: 3600 });
      const now = Date.now();
      await coll.insertMany([
        { _id: 'past', expires: new Date(now - 1000) },
        { _id: 'future', expires: new Date(now + 3_600_000) },
        { _id: 'no-date', expires: 'not a date' },
        { _id: 'old', createdAt: new Date(now - 7_200_000) },
        { _id: 'recent', createdAt: new Date(now - 60_000) },
        { _id: 'array', expires: [new Date(now + 3_600_000), new Date(now - 5000)] },
      ] as Document[]);
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && (await coll.countDocuments()) > 3)
        await new Promise((r) => setTimeout(r, 100));
      expect((await coll.find().sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual([
        'future',
        'no-date',
        'recent',
      ]);
    } finally {
      await client.close();
      await engine.stop();
    }
  });
});
