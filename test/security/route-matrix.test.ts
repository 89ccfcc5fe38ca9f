// The role × route matrix: the committed test/security/route-matrix.json says what anonymous,
// learner, author, curator, HR of one OPD, HR of BKPSDM and admin get from every route; this test
// asks the app and compares. A route missing from the file fails (run `npm run security:matrix`).
import { routeKey } from '../../src/web/route-inventory';
import { isPublicRoute } from '../../src/web/public-routes';
import { computeMatrix, matrixRoutes, readMatrixFile, type Matrix } from './support/matrix';
import { createWorld, MATRIX_ROLES, type World } from './support/world';

let w: World;
let actual: Matrix;
beforeAll(async () => {
  w = await createWorld();
  actual = await computeMatrix(w);
}, 120_000); // about 300 requests, a few with password hashing
afterAll(async () => w.close());

const REGENERATE =
  'run `npm run security:matrix`, review the diff of test/security/route-matrix.json and commit it';

describe('the role × route matrix', () => {
  it('has an entry for every route of the app and none for routes that are gone', () => {
    const expected = readMatrixFile().routes;
    const missing = Object.keys(actual)
      .filter((k) => !(k in expected))
      .map((k) => `${k} is not in the matrix: ${REGENERATE}`);
    const stale = Object.keys(expected)
      .filter((k) => !(k in actual))
      .map((k) => `${k} is in the matrix but not in the app: ${REGENERATE}`);
    expect([...missing, ...stale]).toEqual([]);
  });

  it('gives every role exactly the committed outcome of every route', () => {
    const expected = readMatrixFile().routes;
    const differences: string[] = [];
    for (const [key, outcomes] of Object.entries(actual)) {
      for (const role of MATRIX_ROLES) {
        const want = expected[key]?.[role];
        if (want !== undefined && want !== outcomes[role])
          differences.push(`${key} as ${role}: expected ${want}, got ${outcomes[role]}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it('never answers 500, and refuses visitors on every route that is not public', () => {
    const problems: string[] = [];
    for (const route of matrixRoutes(w)) {
      const key = routeKey(route);
      const outcomes = actual[key];
      for (const role of MATRIX_ROLES)
        if (outcomes[role] === '500' || outcomes[role] === 'no id rule')
          problems.push(`${key} as ${role}: ${outcomes[role]}`);
      if (!isPublicRoute(key) && !['302 /login', '401'].includes(outcomes.anonymous))
        problems.push(`${key} as anonymous: ${outcomes.anonymous}`);
    }
    expect(problems).toEqual([]);
  });

  it("refuses every role without the route's role before reading the form: learners and authors reach no administration route", () => {
    const adminRoutes = Object.keys(actual).filter((k) => k.split(' ')[1].startsWith('/admin/'));
    expect(adminRoutes.length).toBeGreaterThan(10);
    for (const key of adminRoutes) {
      expect({ key, learner: actual[key].learner, author: actual[key].author }).toEqual({
        key,
        learner: '403',
        author: '403',
      });
    }
  });
});
