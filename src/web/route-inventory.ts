// The route inventory: every route (method + full path) of an Express app, found by walking its
// router stack. The security tests check each one against the public allow-list and the role
// matrix, so a route added anywhere is seen (SECURITY.md: "keep a route inventory").
// Express 5's router (2.x) keeps each layer's declared path as `rawPath`, so mount prefixes of
// `app.use('/admin/users', router)` are read from the layer itself; no registration is needed.
import type { Express } from 'express';

export interface RouteEntry {
  method: string;
  /** Full path as declared, with parameters (`/admin/users/:id/edit`); `/*static` for static files. */
  path: string;
  /** `route` for handlers, `static` for express.static middleware. */
  kind: 'route' | 'static';
}

interface LayerLike {
  name?: string;
  rawPath?: unknown;
  route?: { path: unknown; stack: Array<{ method?: string }> };
  handle?: { stack?: LayerLike[] };
}

const STATIC_PATH = '/*static';

function joinPath(prefix: string, path: string): string {
  const joined = `${prefix.replace(/\/$/, '')}/${path.replace(/^\//, '')}`;
  return joined.length > 1 ? joined.replace(/\/$/, '') : '/';
}

function pathsOf(raw: unknown): string[] {
  if (raw === undefined || raw === null) return ['/'];
  if (Array.isArray(raw)) return raw.flatMap(pathsOf);
  // A RegExp path cannot be listed as text; it shows up verbatim so the allow-list test names it.
  return [typeof raw === 'string' ? raw : String(raw)];
}

function walk(stack: LayerLike[], prefix: string, out: RouteEntry[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const methods = new Set(
        layer.route.stack.map((l) => (l.method ?? '').toUpperCase()).filter((m) => m && m !== '_ALL'),
      );
      for (const path of pathsOf(layer.route.path)) {
        for (const method of methods.size > 0 ? methods : new Set(['ALL']))
          out.push({ method, path: joinPath(prefix, path), kind: 'route' });
      }
    } else if (layer.handle && Array.isArray(layer.handle.stack)) {
      for (const path of pathsOf(layer.rawPath)) walk(layer.handle.stack, joinPath(prefix, path), out);
    } else if (layer.name === 'serveStatic') {
      out.push({ method: 'GET', path: joinPath(prefix, STATIC_PATH), kind: 'static' });
    }
  }
}

/** Every route of the app, in the order a request meets them, without duplicates. */
export function listRoutes(app: Express): RouteEntry[] {
  const out: RouteEntry[] = [];
  const router = (app as unknown as { router: { stack: LayerLike[] } }).router;
  walk(router.stack, '', out);
  const seen = new Set<string>();
  return out.filter((r) => {
    const key = routeKey(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `GET /admin/users/:id`: the key used by the allow-list and the role matrix. */
export function routeKey(route: Pick<RouteEntry, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** Names of the parameters in a route path (`/a/:id/b/:item` → ['id', 'item']). */
export function routeParams(path: string): string[] {
  return [...path.matchAll(/[:*]([A-Za-z_$][\w$]*)/g)].map((m) => m[1]);
}
