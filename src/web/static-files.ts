// Static files (public/) without a file-system call for every page request: express.static stats
// the path of each request that reaches it, and a miss builds an HTTP error with a stack trace.
// Only paths whose first segment names a top-level entry of the folder (read once, at start-up;
// e.g. /css/..., /favicon.svg) go to express.static; every other request skips it.
import fs from 'node:fs';
import express, { type RequestHandler } from 'express';

type StaticOptions = Parameters<typeof express.static>[1];

export function staticFiles(dir: string, options: StaticOptions): RequestHandler {
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the app's own public folder, named in app.ts
  const entries = new Set(fs.existsSync(dir) ? fs.readdirSync(dir) : []);
  const serve = express.static(dir, options);
  // Named like express.static's own middleware: the route inventory lists it as `GET /*static`.
  return function serveStatic(req, res, next) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const slash = req.path.indexOf('/', 1);
    const first = req.path.slice(1, slash === -1 ? undefined : slash);
    if (!entries.has(first)) return next();
    serve(req, res, next);
  };
}
