// Headers over the whole inventory (SECURITY.md): a strict CSP on every HTML page, nosniff, no
// X-Powered-By, a referrer policy, `Cache-Control: no-store` on every page a signed-in person
// gets, on the login page and on downloads; HSTS with the production configuration.
import { VIDEO_EMBED_HOSTS } from '../../src/core/video-embeds';
import request from 'supertest';
import { createApp } from '../../src/app';
import { listRoutes, routeKey } from '../../src/web/route-inventory';
import type { Agent } from '../support/auth';
import { injectedElements } from '../support/crawl';
import { concretePath, createWorld, type MatrixRole, type World } from './support/world';

let w: World;
beforeAll(async () => {
  w = await createWorld();
}, 60_000);
afterAll(async () => w.close());

/** The CSP as directive → sources. */
function parseCsp(header: string | undefined): Record<string, string[]> {
  return Object.fromEntries(
    (header ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

type Res = Awaited<ReturnType<Agent['get']>>;

/** What is wrong with a response's headers; empty when all is well. */
function headerProblems(res: Res, signedIn: boolean, isStatic: boolean): string[] {
  const h = res.headers;
  const problems: string[] = [];
  if (h['x-content-type-options'] !== 'nosniff') problems.push('no nosniff');
  if (h['x-powered-by'] !== undefined) problems.push('X-Powered-By present');
  if (
    !['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'].includes(
      String(h['referrer-policy']),
    )
  )
    problems.push(`referrer policy ${h['referrer-policy']}`);
  if (h['x-frame-options'] === undefined && !parseCsp(h['content-security-policy'])['frame-ancestors'])
    problems.push('may be framed');
  const isHtml = String(h['content-type'] ?? '').startsWith('text/html');
  if (isHtml) {
    const csp = parseCsp(h['content-security-policy']);
    const wanted: Record<string, string[]> = {
      'default-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
    };
    for (const [name, sources] of Object.entries(wanted))
      if (JSON.stringify(csp[name]) !== JSON.stringify(sources))
        problems.push(`CSP ${name} is ${csp[name]?.join(' ') ?? 'missing'}`);
    const all = Object.values(csp).flat();
    if (
      all.some(
        (s) =>
          /unsafe-inline|unsafe-eval|unsafe-hashes|\*|^https?:|^data:$/.test(s) &&
          !(s === 'data:' && csp['img-src']?.includes(s)) &&
          // Lesson videos may be framed from the allow-listed hosts, named exactly, and only there.
          !(csp['frame-src']?.includes(s) && EMBED_SOURCES.includes(s)),
      )
    )
      problems.push(`CSP allows too much: ${h['content-security-policy']}`);
    if (!csp['script-src'] && !csp['default-src']) problems.push('CSP has no script-src');
    const injected = injectedElements(res.text);
    if (injected.length) problems.push(`inline script/style or handlers on the page: ${injected.join(', ')}`);
  }
  const isDownload = /attachment/i.test(String(h['content-disposition'] ?? ''));
  // Course media (images and videos shown in lessons) are revalidated on every use instead, so the
  // access check runs each time and ETag/304 spares the bytes; they are not personal data.
  const isCourseMedia =
    /^(image|video)\//.test(String(h['content-type'] ?? '')) &&
    h['cache-control'] === 'private, no-cache, no-transform' &&
    /sandbox/.test(String(h['content-security-policy'] ?? ''));
  if (
    !isStatic &&
    !isCourseMedia &&
    (signedIn || isDownload) &&
    !/^no-store\b/.test(String(h['cache-control']))
  )
    problems.push(`Cache-Control ${h['cache-control']}`);
  return problems;
}

const EMBED_SOURCES: string[] = VIDEO_EMBED_HOSTS.map((host) => `https://${host}`);

describe('headers on every route of the inventory', () => {
  it.each<MatrixRole>(['anonymous', 'learner', 'hrOpd', 'admin'])(
    'are right for every GET as %s',
    async (role) => {
      const agent = await w.agent(role);
      const problems: string[] = [];
      const paths = listRoutes(w.t.app)
        .filter((r) => r.method === 'GET')
        .map((r) => ({
          key: routeKey(r),
          isStatic: r.kind === 'static',
          path: r.kind === 'static' ? '/css/app.css' : concretePath(w, r, role),
        }));
      paths.push({ key: 'a missing page', isStatic: false, path: '/tidak-ada' });
      for (const { key, path, isStatic } of paths) {
        if (!path) continue;
        const res = await agent.get(path);
        for (const p of headerProblems(res, role !== 'anonymous', isStatic))
          problems.push(`${key} (${res.status}): ${p}`);
      }
      expect(problems).toEqual([]);
    },
    60_000,
  );

  it('forbid caching of the login page, the privacy page and error pages for visitors', async () => {
    for (const path of ['/login', '/tidak-ada', '/admin/users']) {
      const res = await request(w.t.app).get(path);
      expect({ path, cache: res.headers['cache-control'] }).toEqual({ path, cache: 'no-store' });
    }
  });

  it('serve downloads as attachments that are never cached or sniffed', async () => {
    const agent = await w.agent('hrOpd');
    const downloads = listRoutes(w.t.app).filter(
      (r) => r.method === 'GET' && /\.(csv|xlsx|pdf|zip|json|jwt)$|unduh/.test(r.path),
    );
    expect(downloads.length).toBeGreaterThan(0);
    for (const route of downloads) {
      const res = await agent.get(concretePath(w, route, 'hrOpd')!);
      if (res.status !== 200) continue;
      expect({
        route: routeKey(route),
        disposition: /^attachment/.test(String(res.headers['content-disposition'])),
        cache: res.headers['cache-control'],
        sniff: res.headers['x-content-type-options'],
      }).toEqual({
        route: routeKey(route),
        disposition: true,
        cache: 'no-store',
        sniff: 'nosniff',
      });
    }
  });

  it('the checks see a missing header (they can fail)', async () => {
    const res = await request(w.t.app).get('/login');
    const stripped = {
      ...res,
      headers: {
        ...res.headers,
        'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-inline'",
        'cache-control': 'private',
      },
    } as unknown as Res;
    expect(headerProblems(stripped, true, false)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^CSP object-src/),
        expect.stringMatching(/^CSP allows too much/),
        'Cache-Control private',
      ]),
    );
  });
});

describe('with the production configuration', () => {
  it('sends HSTS on pages, health checks and static files', async () => {
    const app = createApp({
      config: { ...w.t.config, isProduction: true, nodeEnv: 'production' },
      db: w.t.db,
    });
    for (const path of ['/', '/login', '/healthz', '/css/app.css', '/admin/users']) {
      const res = await request(app).get(path);
      const hsts = String(res.headers['strict-transport-security'] ?? '');
      expect({
        path,
        hsts: /max-age=(\d+)/.exec(hsts) !== null && Number(/max-age=(\d+)/.exec(hsts)![1]) >= 15552000,
      }).toEqual({ path, hsts: true });
    }
  });
});
