// No GET changes state (SECURITY.md): every role signs in, requests every GET route of the
// inventory (ids filled from the seeded world: own, foreign and missing) and follows every link it
// finds on the pages; afterwards every collection is as it was, but the logs and the sessions.
import { listRoutes, routeKey } from '../../src/web/route-inventory';
import { crawl, formsWithoutCsrf, snapshotDatabase } from '../support/crawl';
import type { Agent } from '../support/auth';
import {
  concretePath,
  createWorld,
  MATRIX_ROLES,
  missingIdRules,
  type MatrixRole,
  type World,
} from './support/world';

/** What a GET may change: sessions (idle timeout), the access log and the audit log. */
const MAY_CHANGE = /^(sessions|accessLog|auditentries)$/;

let w: World;
const agents = new Map<MatrixRole, Agent>();
beforeAll(async () => {
  w = await createWorld();
  for (const role of MATRIX_ROLES) agents.set(role, await w.agent(role)); // sign-in itself is a POST
}, 60_000);
afterAll(async () => w.close());

describe('GET requests', () => {
  it('change nothing but sessions and logs, whoever crawls whichever page', async () => {
    const before = await snapshotDatabase(w.t.db, MAY_CHANGE);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['users', 'institutions', 'importPreviews']));
    const gets = listRoutes(w.t.app).filter((r) => r.kind === 'route' && r.method === 'GET');
    expect(missingIdRules(gets)).toEqual([]);
    const requested = new Set<string>();
    let pagesSeen = 0;
    const missingTokens = new Set<string>();
    for (const role of MATRIX_ROLES) {
      const start = gets
        .flatMap((r) =>
          (['own', 'foreign', 'missing'] as const).map((which) => concretePath(w, r, role, which)),
        )
        .filter((p): p is string => !!p);
      const result = await crawl(agents.get(role)!, start, { maxPages: 400 }); // every route's own, foreign and missing ids, then links
      for (const [path, status] of result.visited) {
        requested.add(path);
        expect({ role, path, status }).not.toEqual({ role, path, status: 500 });
      }
      pagesSeen += result.pages.size;
      // Every state-changing form on the way carries its CSRF token.
      for (const [path, html] of result.pages)
        for (const form of formsWithoutCsrf(html, path)) missingTokens.add(`${role} ${path}: ${form}`);
    }
    expect(await snapshotDatabase(w.t.db, MAY_CHANGE)).toEqual(before);
    // Every GET route of the inventory was among the requests, and links led beyond them.
    const unrequested = gets
      .filter((r) => !MATRIX_ROLES.some((role) => requested.has(concretePath(w, r, role) ?? r.path)))
      .map(routeKey);
    expect(unrequested).toEqual([]);
    expect(requested.size).toBeGreaterThan(gets.length);
    expect(pagesSeen).toBeGreaterThan(20);
    expect([...missingTokens]).toEqual([]);
  }, 120_000);

  it('notices a change when a GET does write (the snapshot is sensitive)', async () => {
    const before = await snapshotDatabase(w.t.db, MAY_CHANGE);
    await w.t.db.client
      .db(w.t.db.dbName)
      .collection('users')
      .updateOne({ name: 'Siti Rahmah Lubis, S.E.' }, { $set: { jabatan: 'Diubah oleh GET' } });
    const after = await snapshotDatabase(w.t.db, MAY_CHANGE);
    expect(after.users.hash).not.toBe(before.users.hash);
    expect(after.users.count).toBe(before.users.count);
  });
});
