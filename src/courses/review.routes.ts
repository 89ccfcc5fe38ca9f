// The curators' review desk (/kurasi): the queue of submitted courses and the published catalogue,
// one course's changes since its published version with JP and competency type, approve (publish)
// or return with a comment, archive and restore, history, lesson previews and package export.
import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireRole } from '../auth';
import { institutionRefs } from '../institutions';
import { registerNavItem } from '../web/navigation';
import { requestContext } from '../web/request-context';
import { idParam, parseInput, type FieldErrors } from '../web/validation';
import { COMPETENCY_TYPES } from './course.model';
import * as review from './courses.review';
import * as packages from './courses.packages';
import { previewLesson } from './courses.catalog';
import { commentForm, curatorSettingsForm, requiredCommentForm } from './courses.schemas';
import { keyParam, sendPackage } from './courses.web';

export const REVIEW_PATH = '/kurasi';

async function renderReview(
  req: Request,
  res: Response,
  status: number,
  extra: { values?: Record<string, unknown>; fieldErrors?: FieldErrors } = {},
) {
  const data = await review.reviewOf(req.user!, idParam(req, 'course'));
  const partner = (await institutionRefs([data.course.partner])).get(String(data.course.partner));
  res.status(status).render('courses/review', {
    title: data.course.title,
    basePath: REVIEW_PATH,
    ...data,
    partner,
    competencyTypes: COMPETENCY_TYPES,
    values: extra.values ?? { jp: String(data.course.jp), competencyType: data.course.competencyType },
    fieldErrors: extra.fieldErrors ?? {},
  });
}

/** A transition with a comment: 422 with the message on the review page when the comment is refused. */
async function withComment(
  req: Request,
  res: Response,
  required: boolean,
  act: (id: string, comment: string) => Promise<unknown>,
  flashKey: string,
) {
  const input = parseInput(required ? requiredCommentForm : commentForm, req.body);
  if (!input.ok) return renderReview(req, res, 422, { fieldErrors: input.errors });
  const id = idParam(req, 'course');
  await act(id, input.data.comment);
  req.flash('success', req.t(flashKey));
  res.redirect(303, `${REVIEW_PATH}/${id}`);
}

export function reviewRouter({ clock }: RouteDeps): Router {
  registerNavItem({ href: REVIEW_PATH, labelKey: 'courses.nav.review', roles: ['curator'], order: 25 });
  const router = Router();
  router.use(requireRole('curator'));
  const ctx = requestContext;

  router.get('/', async (req, res) => {
    const queue = await review.reviewQueue(req.user!);
    const partners = await institutionRefs([...queue.waiting, ...queue.published].map((c) => c.partner));
    res.render('courses/review-queue', {
      title: req.t('courses.review.queueTitle'),
      basePath: REVIEW_PATH,
      ...queue,
      partners,
    });
  });
  router.get('/:id', (req, res) => renderReview(req, res, 200));
  router.post('/:id/pengaturan', async (req, res) => {
    const input = parseInput(curatorSettingsForm, req.body);
    if (!input.ok)
      return renderReview(req, res, 422, {
        values: req.body as Record<string, unknown>,
        fieldErrors: input.errors,
      });
    const id = idParam(req, 'course');
    await review.curatorSettings(req.user!, id, input.data, clock(), ctx(req));
    req.flash('success', req.t('courses.flash.curatorSaved'));
    res.redirect(303, `${REVIEW_PATH}/${id}`);
  });
  router.post('/:id/terbitkan', (req, res) =>
    withComment(
      req,
      res,
      false,
      (id, c) => review.approve(req.user!, id, c, clock(), ctx(req)),
      'courses.flash.published',
    ),
  );
  router.post('/:id/kembalikan', (req, res) =>
    withComment(
      req,
      res,
      true,
      (id, c) => review.returnToAuthors(req.user!, id, c, clock(), ctx(req)),
      'courses.flash.returned',
    ),
  );
  router.post('/:id/arsipkan', (req, res) =>
    withComment(
      req,
      res,
      false,
      (id, c) => review.archive(req.user!, id, c, clock(), ctx(req)),
      'courses.flash.archived',
    ),
  );
  router.post('/:id/pulihkan', (req, res) =>
    withComment(
      req,
      res,
      false,
      (id) => review.restore(req.user!, id, clock(), ctx(req)),
      'courses.flash.restored',
    ),
  );
  router.get('/:id/riwayat', async (req, res) => {
    const data = await review.history(req.user!, idParam(req, 'course'));
    res.render('courses/history', {
      title: req.t('courses.history.title'),
      backHref: `${REVIEW_PATH}/${String(data.course._id)}`,
      ...data,
    });
  });
  router.get('/:id/pratinjau/:key', async (req, res) => {
    const view = await previewLesson(req.user!, idParam(req, 'course'), keyParam(req, 'key'));
    const base = `${REVIEW_PATH}/${view.course.id}`;
    res.render('courses/lesson', {
      title: view.lesson.title,
      ...view,
      preview: true,
      backHref: base,
      lessonHref: (k: string) => `${base}/pratinjau/${k}`,
    });
  });
  router.get('/:id/ekspor', async (req, res) =>
    sendPackage(res, await packages.exportable(req.user!, idParam(req, 'course'), ctx(req))),
  );
  return router;
}
