// The signed-in home page reads the person once per request (the session check's read also feeds
// the profile panel) and the OPD name from a short cache, yet every request still sees the person
// as stored now: a changed jabatan shows at once, a deactivated person is signed out at once.
import mongoose from 'mongoose';
import { createTestApp, type TestApp } from '../support/app';
import { signedInAgent } from '../support/auth';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { User } from '../../src/users/user.model';

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
  it('reads the person once per request and still shows what is stored now', async () => {
    const opd = await createOpd({ code: 'BAPENDA', name: 'Badan Pendapatan Daerah' });
    const person = await createUser({
      opd,
      name: 'Rina Sari Nasution, S.E.',
      jabatan: 'Analis Pendapatan Daerah',
    });
    const agent = await signedInAgent(t.app, person.email!, DEFAULT_PASSWORD);
    await agent.get('/'); // warms the OPD name cache

    queries.length = 0;
    const home = await agent.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('<dd>Analis Pendapatan Daerah</dd>');
    expect(home.text).toContain('<dd>Badan Pendapatan Daerah</dd>');
    expect(queries).toEqual(['users.findOne']);

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
    const after = await agent.get('/');
    expect(after.status).toBe(200);
    expect(after.text).not.toContain('Dedi Kurniawan Harahap');
  });
});
