// The home page: a landing page for visitors, the dashboard for signed-in people.
import { Router } from 'express';
import type { RouteDeps } from '../core/deps';
import { dashboardFor } from './home.service';

export function homeRouter({ clock }: RouteDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    if (!req.user) return res.render('home/landing', { title: req.t('home.landing.title') });
    const panels = await dashboardFor(req.user, clock());
    res.render('home/dashboard', { title: req.t('home.dashboard.title'), panels });
  });
  return router;
}
