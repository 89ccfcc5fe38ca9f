// Someone else's object answers exactly like an object that does not exist (SECURITY.md): for every
// route with an id parameter, a foreign id and a random ObjectId give the same status and the same
// body (request id aside), and neither changes anything.
import { listRoutes, routeKey, routeParams } from '../../src/web/route-inventory';
import { snapshotDatabase } from '../support/crawl';
import type { Agent } from '../support/auth';
import {
  concretePath,
  createWorld,
  missingIdRules,
  SIGNED_IN_ROLES,
  tokenOf,
  type SignedInRole,
  type World,
} from './support/world';

/** Bodies that pass validation, so that only the id decides the answer. */
const VALID_BODIES: Record<string, Record<string, string>> = {
  'POST /admin/users/:id': {
    name: 'Nama Baru',
    employeeType: 'pns',
    golongan: 'III/b',
    jabatan: 'Analis',
    unitKerja: 'Bidang Uji',
  },
  'POST /admin/users/:id/status': { status: 'inactive' },
  'POST /admin/users/:id/roles': { roles: 'learner' },
  'POST /admin/users/:id/password': {},
  'POST /admin/users/import/:id/confirm': {},
  'POST /admin/institutions/:id': { code: 'GANTI', name: 'Nama Ganti', kind: 'opd' },
  'POST /admin/institutions/:id/active': { active: 'false' },
  'POST /admin/institutions/:id/city-wide': { cityWideHr: 'false' },
};

const MAY_CHANGE = /^(sessions|accessLog|auditentries|loginthrottles)$/;

/** The response body without what differs per request (request ids, CSRF tokens). */
function comparable(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<request-id>')
    .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value="<token>"');
}

let w: World;
const agents = new Map<SignedInRole, { agent: Agent; token: string }>();
beforeAll(async () => {
  w = await createWorld();
  for (const role of SIGNED_IN_ROLES) {
    const agent = await w.agent(role);
    agents.set(role, { agent, token: await tokenOf(agent, '/') });
  }
}, 60_000);
afterAll(async () => w.close());

async function ask(role: SignedInRole, method: string, path: string, key: string) {
  const { agent, token } = agents.get(role)!;
  return method === 'GET'
    ? agent.get(path)
    : agent
        .post(path)
        .type('form')
        .send({ _csrf: token, ...(VALID_BODIES[key] ?? {}) });
}

describe('ids of objects out of reach', () => {
  const idRoutes = () =>
    listRoutes(w.t.app).filter((r) => r.kind === 'route' && routeParams(r.path).length > 0);

  it('answer exactly like ids that do not exist, on every route with an id', async () => {
    expect(missingIdRules(idRoutes())).toEqual([]);
    const before = await snapshotDatabase(w.t.db, MAY_CHANGE);
    const compared: string[] = [];
    const problems: string[] = [];
    for (const route of idRoutes()) {
      const key = routeKey(route);
      for (const role of SIGNED_IN_ROLES) {
        const foreignPath = concretePath(w, route, role, 'foreign');
        if (!foreignPath) continue;
        const missing = await ask(role, route.method, concretePath(w, route, role, 'missing')!, key);
        const foreign = await ask(role, route.method, foreignPath, key);
        compared.push(`${key} as ${role}`);
        if (foreign.status !== missing.status)
          problems.push(`${key} as ${role}: foreign ${foreign.status}, missing ${missing.status}`);
        else if (comparable(foreign.text) !== comparable(missing.text))
          problems.push(`${key} as ${role}: same status ${foreign.status} but different bodies`);
        else if (![403, 404].includes(foreign.status))
          problems.push(`${key} as ${role}: foreign id answered ${foreign.status}`);
      }
    }
    expect(problems).toEqual([]);
    // The rules of world.ts give foreign objects to the OPD's HR (people of another OPD) and to
    // every people administrator (someone else's import preview).
    expect(compared).toEqual(
      expect.arrayContaining([
        'GET /admin/users/:id as hrOpd',
        'POST /admin/users/:id/status as hrOpd',
        'GET /admin/users/import/:id as admin',
        'POST /admin/users/import/:id/confirm as hrBkpsdm',
      ]),
    );
    expect(await snapshotDatabase(w.t.db, MAY_CHANGE)).toEqual(before);
  }, 60_000);

  it('answer 404 (never 500) for a missing or malformed id to every role allowed on the route', async () => {
    const problems: string[] = [];
    for (const route of idRoutes()) {
      const key = routeKey(route);
      for (const role of SIGNED_IN_ROLES) {
        const missing = await ask(role, route.method, concretePath(w, route, role, 'missing')!, key);
        const malformed = await ask(
          role,
          route.method,
          route.path.replace(/:[A-Za-z_$][\w$]*/g, 'zz%27%22%3E'),
          key,
        );
        if (![403, 404].includes(missing.status))
          problems.push(`${key} as ${role}: missing id answered ${missing.status}`);
        if (malformed.status !== missing.status || comparable(malformed.text) !== comparable(missing.text))
          problems.push(
            `${key} as ${role}: a malformed id answered ${malformed.status}, a missing one ${missing.status}`,
          );
      }
    }
    expect(problems).toEqual([]);
  }, 60_000);
});
