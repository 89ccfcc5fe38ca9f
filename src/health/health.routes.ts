// Health checks for load balancers and orchestrators: /healthz (the process answers) and /readyz
// (the database answers a ping, and the process is not shutting down). Mounted before sessions.
import { Router } from 'express';
import type { RouteDeps } from '../core/deps';
import { isDatabaseReachable } from '../db';
import { watchedCacheStates } from '../db/watched-cache';

export function healthRouter({ db }: RouteDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const isShuttingDown = req.app.locals.isShuttingDown === true;
    const isReady = !isShuttingDown && (await isDatabaseReachable(db));
    res.status(isReady ? 200 : 503).json({
      status: isReady ? 'ready' : 'unavailable',
      database: isReady ? 'up' : isShuttingDown ? 'closing' : 'down',
      // Each in-memory cache: 'live' (kept exact by its change stream) or 'reading-through'.
      caches: watchedCacheStates(),
    });
  });
  return router;
}
