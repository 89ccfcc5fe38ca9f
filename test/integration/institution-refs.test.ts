// The short cache of institution names behind every signed-in home page: one query per
// institution, and a change through the model in this process is seen at once.
import mongoose, { Types } from 'mongoose';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd } from '../support/factories';
import { Institution } from '../../src/institutions/institution.model';
import { institutionRef } from '../../src/institutions/institution-refs';
import { whenWatchedCachesLive } from '../../src/db/watched-cache';

let t: TestApp;
const queried: string[] = [];
beforeAll(async () => {
  t = await createTestApp();
  mongoose.set('debug', (collection: string, method: string) => {
    if (collection === 'institutions') queried.push(method);
  });
});
afterAll(async () => {
  mongoose.set('debug', false);
  await t.close();
});

describe('institution names for pages', () => {
  it('reads an institution once, then answers from memory', async () => {
    const opd = await createOpd({ code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' });
    await institutionRef(new Types.ObjectId()); // starts the cache's change stream
    await whenWatchedCachesLive();
    queried.length = 0;
    const first = await institutionRef(opd._id);
    const second = await institutionRef(String(opd._id));
    expect(first).toEqual({
      _id: opd._id,
      code: 'DISDUKCAPIL',
      name: 'Dinas Kependudukan dan Pencatatan Sipil',
    });
    expect(second).toEqual(first);
    expect(queried).toEqual(['findOne']);
  });

  it('sees a rename through the model at once, by document save or by update', async () => {
    const opd = await createOpd({ code: 'DISHUB', name: 'Dinas Perhubungan' });
    expect((await institutionRef(opd._id))?.name).toBe('Dinas Perhubungan');
    opd.name = 'Dinas Perhubungan Kota Medan';
    await opd.save();
    expect((await institutionRef(opd._id))?.name).toBe('Dinas Perhubungan Kota Medan');
    await Institution.updateOne({ _id: opd._id }, { $set: { name: 'Dishub' } });
    expect((await institutionRef(opd._id))?.name).toBe('Dishub');
  });

  it('answers null for no id, a malformed id and an id that names nothing', async () => {
    queried.length = 0;
    await expect(institutionRef(undefined)).resolves.toBeNull();
    await expect(institutionRef('not-an-id')).resolves.toBeNull();
    expect(queried).toEqual([]);
    await expect(institutionRef(new Types.ObjectId())).resolves.toBeNull();
  });
});
