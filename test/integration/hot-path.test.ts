// The signed-in home page reads neither its session nor its person from the database once they are
// in memory (caches kept exact by change streams, src/db/watched-cache.ts), yet every request still
// sees the person as stored now: a changed jabatan shows at once, a deactivated person is signed out.
import mongoose from 'mongoose';
import { createTestApp, type TestApp } from '../support/app';
import { signedInAgent } from '../support/auth';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { User } from '../../src/users/user.model';
import { whenWatchedCachesLive } from '../../src/db/watched-cache';

let t: TestApp;
const queries: string[] = [];
beforeAll(async () => {
  t = await createTestApp();
  mongoose.set('debug', (collection: string, method: string) => queries.push(`${collection}.${method}`));
});
afterAll(async () => {
  mongoose.set('debug', false);
  await t.close();
});

describe('the signed-in home page', () => {
  it('reads nothing of the session or the person per request, and still shows what is stored now', async () => {
    const opd = await createOpd({ code: 'BAPENDA', name: 'Badan Pendapatan Daerah' });
    const person = await createUser({
      opd,
      name: 'Rina Sari Nasution, S.E.',
      jabatan: 'Analis Pendapatan Daerah',
    });
    const agent = await signedInAgent(t.app, person.email!, DEFAULT_PASSWORD);
    await agent.get('/'); // warms the caches
    await whenWatchedCachesLive();
    await agent.get('/');

    queries.length = 0;
    const home = await agent.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('<dd>Analis Pendapatan Daerah</dd>');
    expect(home.text).toContain('<dd>Badan Pendapatan Daerah</dd>');
    expect(queries).toEqual([]);

    await User.updateOne({ _id: person._id }, { $set: { jabatan: 'Pemeriksa Pajak Daerah' } });
    const changed = await agent.get('/');
    expect(changed.text).toContain('<dd>Pemeriksa Pajak Daerah</dd>');
    expect(changed.text).not.toContain('Analis Pendapatan Daerah');

    await User.updateOne({ _id: person._id }, { $set: { status: 'inactive' } });
    const after = await agent.get('/');
    expect([after.status, after.text]).toEqual([200, expect.not.stringContaining('Pemeriksa Pajak Daerah')]);
    expect(after.text).not.toContain('Rina Sari Nasution');
  });

  it('treats a stored session past its expiry as no session, before the TTL monitor removes it', async () => {
    const person = await createUser({ name: 'Dedi Kurniawan Harahap, S.T.' });
    const agent = await signedInAgent(t.app, person.email!, DEFAULT_PASSWORD);
    expect((await agent.get('/')).text).toContain('Dedi Kurniawan Harahap');
    const sessions = t.db.connection.collection('sessions');
    const stored = await sessions.find({ 'session.passport.user': String(person._id) }).toArray();
    expect(stored).toHaveLength(1);
    await sessions.updateOne({ _id: stored[0]._id }, { $set: { expires: new Date(Date.now() - 1000) } });
    // A write straight to the collection (not through this app) reaches the session cache through
    // its change stream, a moment later: ask until it has (at most a second).
    let after = await agent.get('/');
    for (let i = 0; i < 50 && after.text.includes('Dedi Kurniawan Harahap'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = await agent.get('/');
    }
    expect(after.status).toBe(200);
    expect(after.text).not.toContain('Dedi Kurniawan Harahap');
  });
});
