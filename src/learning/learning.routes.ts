// The learner's places: the catalog (/kursus), a course page with its enrol button or why not, the
// course player (/kursus/:id/pelajaran/:key, with "Tandai selesai" and the download that marks a
// file lesson), "Pembelajaran saya" (/pembelajaran) and the notifications (/notifikasi); and for HR
// and admins the assignments (/penugasan). Course files stay with the courses feature (/kursus/:id/berkas/…).
import { Router } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireAuth, requireRole } from '../auth';
import { courseFileUrl } from '../courses';
import { registerNavItem } from '../web/navigation';
import { idParam, parseInput, parseQuery, saveOrRerender } from '../web/validation';
import { configureLearning } from './learning.context';
import * as schemas from './learning.schemas';
import * as progress from './progress.service';
import * as enrolments from './enrolments.service';
import * as mine from './my-learning.service';
import * as notices from './notices.service';
import * as assignments from './assignments.service';
import {
  afterDone,
  assignFormView,
  catalogView,
  completionFlash,
  keyParam,
  lessonHref,
  selectorOf,
} from './learning.web';

export function learningRouter(deps: RouteDeps): Router {
  configureLearning(deps.config);
  registerNavItem({ href: '/kursus', labelKey: 'learning.nav.catalog', roles: [], order: 10 });
  registerNavItem({ href: '/pembelajaran', labelKey: 'learning.nav.mine', roles: [], order: 11 });
  registerNavItem({
    href: '/penugasan',
    labelKey: 'learning.nav.assignments',
    roles: ['hr', 'admin'],
    order: 30,
  });
  registerNavItem({
    href: '/notifikasi',
    labelKey: 'learning.nav.notices',
    roles: [],
    order: 5,
    section: 'account',
    badge: (a) => notices.unreadCount(a.id),
  });
  const router = Router();
  router.use(['/kursus', '/pembelajaran', '/notifikasi', '/penugasan'], requireAuth);

  router.get('/kursus', async (req, res) => {
    const query = parseQuery(schemas.catalogQuery, req.query);
    res.render('learning/catalog', {
      title: req.t('learning.catalog.title'),
      ...(await catalogView(req.user!, query)),
    });
  });
  router.get('/kursus/:id', async (req, res) => {
    const view = await mine.coursePage(req.user!, idParam(req, 'course'), deps.clock());
    res.render('learning/course', { title: view.course.content.title, ...view });
  });
  router.post('/kursus/:id/ikuti', async (req, res) => {
    const id = idParam(req, 'course');
    await enrolments.enrol(req.user!, id, deps.clock());
    req.flash('success', req.t('learning.enrol.done'));
    res.redirect(303, `/kursus/${id}`);
  });
  router.get('/kursus/:id/pelajaran/:key', async (req, res) => {
    const id = idParam(req, 'course');
    const view = await progress.lessonView(req.user!, id, keyParam(req), deps.clock());
    if (!view) return res.redirect(303, `/kursus/${id}`);
    if (view.locked) return res.status(403).render('learning/locked', { title: view.lesson.title, ...view });
    res.render('learning/lesson', { title: view.lesson.title, ...view, lessonHref: lessonHref(id) });
  });
  router.post('/kursus/:id/pelajaran/:key/selesai', async (req, res) => {
    const id = idParam(req, 'course');
    const form = parseInput(schemas.markDoneForm, req.body);
    const via = form.ok ? form.data.via : 'button';
    const result = await progress.markDone(req.user!, id, keyParam(req), via, deps.clock());
    if (req.get('x-requested-with') === 'fetch')
      return res.json({ done: true, completed: !!result.completion });
    completionFlash(req, result.completion);
    res.redirect(303, afterDone(id, result));
  });
  router.post('/kursus/:id/pelajaran/:key/unduh', async (req, res) => {
    const id = idParam(req, 'course');
    const result = await progress.markDone(req.user!, id, keyParam(req), 'download', deps.clock());
    completionFlash(req, result.completion);
    res.redirect(303, courseFileUrl(id, result.fileId));
  });
  router.get('/pembelajaran', async (req, res) => {
    res.render('learning/my-learning', {
      title: req.t('learning.mine.title'),
      ...(await mine.myLearning(req.user!, deps.clock())),
    });
  });
  router.get('/notifikasi', async (req, res) => {
    const { page } = parseQuery(schemas.pageQuery, req.query);
    res.render('learning/notifications', {
      title: req.t('learning.notices.title'),
      notices: await notices.noticesFor(req.user!, page),
    });
  });
  router.post('/notifikasi/baca', async (req, res) => {
    await notices.markAllRead(req.user!, deps.clock());
    res.redirect(303, '/notifikasi');
  });

  router.get('/penugasan', requireRole('hr', 'admin'), async (req, res) => {
    const query = parseQuery(schemas.assignmentsQuery, req.query);
    res.render('learning/assignments', await assignFormView(req, query, deps.clock()));
  });
  router.post('/penugasan', requireRole('hr', 'admin'), async (req, res) => {
    const form = parseInput(schemas.assignForm, req.body);
    const view = await assignFormView(req, {}, deps.clock(), form.ok ? undefined : form.errors);
    if (!form.ok) return res.status(422).render('learning/assignments', view);
    let report: assignments.AssignReport | undefined;
    const input = { course: form.data.course, dueDay: form.data.dueDay, selector: selectorOf(form.data) };
    await saveOrRerender(
      async () => (report = await assignments.assign(req.user!, input, deps.clock())),
      (status, fieldErrors) => res.status(status).render('learning/assignments', { ...view, fieldErrors }),
    );
    if (report) res.render('learning/assignments', { ...view, values: {}, report });
  });
  router.post('/penugasan/:id/batal', requireRole('hr', 'admin'), async (req, res) => {
    const title = await assignments.cancelAssignment(req.user!, idParam(req, 'assignment'), deps.clock());
    req.flash('success', req.t('learning.assign.cancelled', { course: title }));
    res.redirect(303, '/penugasan');
  });
  return router;
}
