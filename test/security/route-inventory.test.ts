// Every route of the app is either on the public allow-list or requires a session (SECURITY.md:
// "keep a route inventory"). A new route that is neither fails here, with what to do about it.
import express from 'express';
import { listRoutes, routeKey, routeParams } from '../../src/web/route-inventory';
import { PUBLIC_ROUTES, isPublicRoute } from '../../src/web/public-routes';
import { outcomeOf } from './support/matrix';
import { concretePath, createWorld, tokenOf, type World } from './support/world';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => w.close());

const sessions = () => w.t.db.client.db(w.t.db.dbName).collection('sessions').countDocuments();

describe('the route inventory', () => {
  it('lists every route with its method and full path, mount prefixes included', () => {
    const keys = listRoutes(w.t.app).map(routeKey);
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /*static',
        'GET /healthz',
        'GET /',
        'GET /login',
        'POST /login',
        'GET /admin/users/:id',
        'POST /admin/users/:id/roles',
        'GET /admin/users/import/:id',
      ]),
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('finds every route either on the public allow-list or behind a session', async () => {
    const anonymous = await w.agent('anonymous');
    const token = await tokenOf(anonymous);
    const before = await sessions();
    const problems: string[] = [];
    for (const route of listRoutes(w.t.app)) {
      const key = routeKey(route);
      if (isPublicRoute(key)) continue;
      const path = concretePath(w, route, 'anonymous');
      if (!path) {
        problems.push(
          `${key}: has an id parameter but no id rule; describe its ids in test/security/support/world.ts (ID_RULES)`,
        );
        continue;
      }
      const isRead = route.method === 'GET' || route.method === 'HEAD';
      const method =
        route.method === 'ALL' ? 'post' : (route.method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete');
      const res = isRead
        ? await anonymous.get(path)
        : await anonymous[method](path).type('form').send({ _csrf: token });
      const location = String(res.headers.location ?? '');
      const isGuarded = isRead
        ? res.status === 302 && location.startsWith(`/login?returnTo=${encodeURIComponent(path)}`)
        : res.status === 401;
      if (!isGuarded) {
        problems.push(
          `${key}: a visitor without a session got ${outcomeOf(res)}. If visitors must reach it, add it to PUBLIC_ROUTES in src/web/public-routes.ts with the reason; ` +
            'otherwise guard it with requireAuth or requireRole (src/auth/guards.ts). Then run `npm run security:matrix` and review the diff.',
        );
      }
    }
    expect(problems).toEqual([]);
    expect(await sessions()).toBe(before); // refusing a visitor creates no session document either
  });

  it('lets visitors use the public routes without creating a session', async () => {
    const before = await sessions();
    for (const route of listRoutes(w.t.app).filter((r) => isPublicRoute(routeKey(r)))) {
      const visitor = await w.agent('anonymous');
      const path = route.kind === 'static' ? '/css/app.css' : concretePath(w, route, 'anonymous');
      if (!path) continue;
      if (route.method === 'GET')
        expect({ key: routeKey(route), status: (await visitor.get(path)).status < 500 }).toEqual({
          key: routeKey(route),
          status: true,
        });
      else
        await visitor
          .post(path)
          .type('form')
          .send({ _csrf: await tokenOf(visitor) });
    }
    expect(await sessions()).toBe(before);
  });

  it('keeps no entry on the public allow-list for a route that no longer exists', () => {
    const keys = new Set(listRoutes(w.t.app).map(routeKey));
    expect(Object.keys(PUBLIC_ROUTES).filter((k) => !keys.has(k))).toEqual([]);
  });
});

describe('listing routes of an Express 5 app', () => {
  it('joins mount prefixes of nested routers and lists every method of a route', () => {
    const app = express();
    const inner = express.Router();
    inner
      .route('/:id')
      .get((_req, res) => res.end())
      .post((_req, res) => res.end());
    const outer = express.Router();
    outer.use('/items', inner);
    outer.get('/', (_req, res) => res.end());
    app.use(express.static(__dirname));
    app.use('/shop', outer);
    app.get(['/a', '/b'], (_req, res) => res.end());
    app.delete('/c/{:maybe}', (_req, res) => res.end());
    expect(listRoutes(app).map(routeKey)).toEqual([
      'GET /*static',
      'GET /shop/items/:id',
      'POST /shop/items/:id',
      'GET /shop',
      'GET /a',
      'GET /b',
      'DELETE /c/{:maybe}',
    ]);
    expect(routeParams('/shop/items/:id/:line')).toEqual(['id', 'line']);
  });
});
