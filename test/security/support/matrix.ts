// The role × route matrix: what each role gets from each route of the inventory. GETs are made
// with real sessions; POSTs carry a valid CSRF token and an empty body, so a role the route
// forbids must be refused (403, or the sign-in redirect) before any validation.
import fs from 'node:fs';
import path from 'node:path';
import type { Response } from 'supertest';
import { listRoutes, routeKey, type RouteEntry } from '../../../src/web/route-inventory';
import type { Agent } from '../../support/auth';
import { concretePath, MATRIX_ROLES, tokenOf, type MatrixRole, type World } from './world';

export const MATRIX_FILE = path.join(__dirname, '..', 'route-matrix.json');

export type Outcome = string; // "200", "403", "302 /login"
export type Matrix = Record<string, Record<MatrixRole, Outcome>>;

export interface MatrixFile {
  description: string;
  roles: readonly MatrixRole[];
  routes: Matrix;
}

/** A status, with the target path (no query) for redirects. */
export function outcomeOf(res: Pick<Response, 'status' | 'headers'>): Outcome {
  if (res.status >= 300 && res.status < 400) {
    const location = String(res.headers.location ?? '');
    // Ids differ from run to run: a redirect to `/admin/users/<id>` is recorded as `/admin/users/:id`.
    return `${res.status} ${location.split('?')[0].replace(/\b[0-9a-f]{24}\b/g, ':id')}`;
  }
  return String(res.status);
}

/** Routes the matrix covers: every route of the inventory but static files. */
export function matrixRoutes(w: World): RouteEntry[] {
  return listRoutes(w.t.app).filter((r) => r.kind === 'route');
}

/** Routes after which the agent's session is gone: they get an agent of their own. */
const ENDS_SESSION = new Set(['POST /logout']);

export async function computeMatrix(w: World, routes = matrixRoutes(w)): Promise<Matrix> {
  const matrix: Matrix = {};
  for (const route of routes) matrix[routeKey(route)] = {} as Record<MatrixRole, Outcome>;
  // Every GET for every role first, then the POSTs (some of which change data).
  const agents = new Map<MatrixRole, { agent: Agent; token: string }>();
  for (const role of MATRIX_ROLES) {
    const agent = await w.agent(role);
    agents.set(role, { agent, token: await tokenOf(agent, role === 'anonymous' ? '/login' : '/') });
  }
  for (const phase of ['read', 'write'] as const) {
    for (const role of MATRIX_ROLES) {
      const { agent, token } = agents.get(role)!;
      for (const route of routes) {
        const isRead = route.method === 'GET' || route.method === 'HEAD';
        if ((phase === 'read') !== isRead) continue;
        const target = concretePath(w, route, role);
        const key = routeKey(route);
        if (!target) {
          matrix[key][role] = 'no id rule';
          continue;
        }
        if (isRead) {
          matrix[key][role] = outcomeOf(await agent.get(target));
        } else if (ENDS_SESSION.has(key)) {
          const own = await w.agent(role);
          const ownToken = await tokenOf(own, role === 'anonymous' ? '/login' : '/');
          matrix[key][role] = outcomeOf(await own.post(target).type('form').send({ _csrf: ownToken }));
        } else {
          const method = route.method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete';
          matrix[key][role] = outcomeOf(await agent[method](target).type('form').send({ _csrf: token }));
        }
      }
    }
  }
  return matrix;
}

export function readMatrixFile(): MatrixFile {
  return JSON.parse(fs.readFileSync(MATRIX_FILE, 'utf8')) as MatrixFile;
}

export function writeMatrixFile(matrix: Matrix): void {
  const sorted: Matrix = Object.fromEntries(Object.keys(matrix).map((k) => [k, matrix[k]]));
  const file: MatrixFile = {
    description:
      'Expected outcome of every route for each role: status, and the target path for redirects. GETs with real sessions; other methods with a valid CSRF token and an empty body. Regenerate with `npm run security:matrix`, then review the diff: every change must be intended.',
    roles: MATRIX_ROLES,
    routes: sorted,
  };
  fs.writeFileSync(MATRIX_FILE, `${JSON.stringify(file, null, 2)}\n`);
}
