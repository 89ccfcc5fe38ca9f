// Course files for whoever may see that course version (the learner's catalog, course page and
// lesson player live in the learning feature, under the same /kursus prefix): published files to
// learners of the audience and staff, draft files to the course's authors and the curators.
import { Router } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireAuth } from '../auth';
import { idParam } from '../web/validation';
import * as catalog from './courses.catalog';
import { keyParam, sendStoredFile } from './courses.web';

export function courseFilesRouter(_deps: RouteDeps): Router {
  const router = Router();
  router.get('/:id/berkas/:fileId', requireAuth, async (req, res) => {
    const ref = await catalog.openCourseFile(req.user!, idParam(req, 'course'), keyParam(req, 'fileId'));
    await sendStoredFile(req, res, ref);
  });
  return router;
}
