// What every signed-in person may study (/kursus): the published courses of their audience, a
// course's outline, its lessons (the published version), and course files, served to whoever the
// service allows for that course version (draft files to the course's authors and the curators).
import { Router } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireAuth } from '../auth';
import { institutionRefs } from '../institutions';
import { registerNavItem } from '../web/navigation';
import { idParam } from '../web/validation';
import * as catalog from './courses.catalog';
import { keyParam, sendStoredFile } from './courses.web';

export const CATALOG_PATH = '/kursus';

export function catalogRouter(_deps: RouteDeps): Router {
  registerNavItem({ href: CATALOG_PATH, labelKey: 'courses.nav.catalog', roles: [], order: 10 });
  const router = Router();
  router.use(requireAuth);

  router.get('/', async (req, res) => {
    const courses = await catalog.catalog(req.user!);
    const partners = await institutionRefs(courses.map((c) => c.content.partner));
    res.render('courses/catalog', { title: req.t('courses.catalog.title'), courses, partners });
  });
  router.get('/:id', async (req, res) => {
    const course = await catalog.publishedCourse(req.user!, idParam(req, 'course'));
    const partner = (await institutionRefs([course.content.partner])).get(String(course.content.partner));
    res.render('courses/course', { title: course.content.title, course, partner });
  });
  router.get('/:id/pelajaran/:key', async (req, res) => {
    const view = await catalog.publishedLesson(req.user!, idParam(req, 'course'), keyParam(req, 'key'));
    const base = `${CATALOG_PATH}/${view.course.id}`;
    res.render('courses/lesson', {
      title: view.lesson.title,
      ...view,
      preview: false,
      backHref: base,
      lessonHref: (k: string) => `${base}/pelajaran/${k}`,
    });
  });
  router.get('/:id/berkas/:fileId', async (req, res) => {
    const ref = await catalog.openCourseFile(req.user!, idParam(req, 'course'), keyParam(req, 'fileId'));
    await sendStoredFile(req, res, ref);
  });
  return router;
}
