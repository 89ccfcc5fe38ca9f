// The audit log page: admins browse and filter; nobody else gets in.
import { createTestApp, type TestApp } from '../support/app';
import { createUser, DEFAULT_PASSWORD } from '../support/factories';
import { signedInAgent, type Agent } from '../support/auth';
import { audit } from '../../src/audit';

let t: TestApp;
let admin: Agent;

beforeAll(async () => {
  t = await createTestApp();
  await createUser({ roles: ['admin'], email: 'admin@uji.go.id', name: 'Rahmat Admin' });
  admin = await signedInAgent(t.app, 'admin@uji.go.id', DEFAULT_PASSWORD);
  const actor = { id: '65a000000000000000000001', name: 'Syafrizal HR' };
  await audit.record(actor, {
    action: 'user.roles.change',
    targetType: 'user',
    targetId: '65a0000000000000000000aa',
    targetLabel: 'Budi <script>x</script>',
    before: { roles: ['learner'] },
    after: { roles: ['learner', 'hr'] },
  });
  await audit.record(actor, {
    action: 'user.deactivate',
    targetType: 'user',
    targetId: '65a0000000000000000000bb',
    targetLabel: 'Siti',
    before: { status: 'active' },
    after: { status: 'inactive' },
  });
  await audit.record(
    { name: 'Kurator' },
    { action: 'institution.create', targetType: 'institution', targetLabel: 'Dinas Sosial' },
  );
});

afterAll(async () => {
  await t.close();
});

describe('browsing the audit log', () => {
  it('lists entries newest first with before and after, escaped', async () => {
    const res = await admin.get('/admin/audit');
    expect(res.status).toBe(200);
    expect(res.text).toContain('3 catatan');
    expect(res.text.indexOf('institution.create')).toBeLessThan(res.text.indexOf('user.roles.change'));
    expect(res.text).toContain('{&#34;roles&#34;:[&#34;learner&#34;,&#34;hr&#34;]}');
    expect(res.text).not.toContain('<script>x</script>');
  });

  it('filters by action prefix, actor, target and date', async () => {
    expect((await admin.get('/admin/audit?action=user.')).text).toContain('2 catatan');
    expect((await admin.get('/admin/audit?actor=kurator')).text).toContain('1 catatan');
    expect((await admin.get('/admin/audit?target=65a0000000000000000000bb')).text).toContain('1 catatan');
    expect((await admin.get('/admin/audit?from=2000-01-01&to=2000-01-02')).text).toContain('0 catatan');
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    expect((await admin.get(`/admin/audit?from=${today}&to=${today}`)).text).toContain('3 catatan');
  });

  it('refuses unknown query parameters (400) and non-admins (403)', async () => {
    expect((await admin.get('/admin/audit?actor[$ne]=x')).status).toBe(400);
    await createUser({ roles: ['hr'], email: 'hr@uji.go.id' });
    const hr = await signedInAgent(t.app, 'hr@uji.go.id', DEFAULT_PASSWORD);
    expect((await hr.get('/admin/audit')).status).toBe(403);
  });
});
