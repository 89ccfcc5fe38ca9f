// The learner's quiz pages (/kuis/:courseId/:lessonKey): the start page with their attempts, the
// attempt pages (one or N questions per page, answers saved by a plain form post, autosave as an
// enhancement), the summary before the final submit, and the review as the policy allows.
import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireAuth } from '../auth';
import { BadRequest } from '../web/errors';
import { parseInput, parseQuery } from '../web/validation';
import { z } from 'zod';
import * as attempts from './attempts.service';
import { answersForm } from './attempt-input';
import { attemptParams, attemptPath, hexParam, quizPath } from './quizzes.web';

const pageQuery = z.object({ halaman: z.coerce.number().int().min(1).max(500).catch(1).optional() });

function answersOf(req: Request) {
  const input = parseInput(answersForm, req.body);
  if (!input.ok) throw new BadRequest('quizzes.errors.forged');
  return input.data;
}

/** Where a page post goes next: another page, the summary, or the same page. */
function nextPath(req: Request, base: string): string {
  const nav = String((req.body as Record<string, unknown>)?.nav ?? '');
  if (nav === 'ringkasan') return `${base}/ringkasan`;
  return /^\d{1,3}$/.test(nav) ? `${base}?halaman=${nav}` : base;
}

/** Saves the answers a page (form post or autosave) carried to the person's own attempt. */
function saveFrom(req: Request, now: Date) {
  const p = attemptParams(req);
  return attempts.saveAnswers(req.user!, p.courseId, p.lessonKey, p.attemptId, answersOf(req), now);
}

/** "Question 3 has 12 words; it needs 50 to 150 words." in the person's language. */
function wordLimitMessage(req: Request, p: attempts.WordLimitProblem): string {
  const limits = { n: p.slot, words: p.words, min: p.minWords ?? 0, max: p.maxWords ?? 0 };
  if (p.minWords && p.maxWords) return req.t('quizzes.attempt.wordLimitBoth', limits);
  return req.t(p.minWords ? 'quizzes.attempt.wordLimitMin' : 'quizzes.attempt.wordLimitMax', limits);
}

async function renderAttempt(req: Request, res: Response, now: Date) {
  const p = attemptParams(req);
  const view = await attempts.attemptPage(req.user!, p.courseId, p.lessonKey, p.attemptId, now);
  if (view.attempt.state !== 'inProgress')
    return res.redirect(303, `${attemptPath(p.courseId, p.lessonKey, p.attemptId)}/tinjau`);
  const pages = Math.max(1, Math.ceil(view.questions.length / view.perPage));
  const page = Math.min(parseQuery(pageQuery, req.query).halaman ?? 1, pages);
  const shown = view.questions.slice((page - 1) * view.perPage, page * view.perPage);
  res.render('quizzes/attempt', {
    title: req.t('quizzes.attempt.title'),
    ...view,
    ...p,
    page,
    pages,
    shown,
    scripts: ['/js/quiz-attempt.js'],
  });
}

async function renderReview(req: Request, res: Response, now: Date) {
  const p = attemptParams(req);
  const labels = { true: req.t('quizzes.true'), false: req.t('quizzes.false') };
  const view = await attempts.attemptReview(req.user!, p.courseId, p.lessonKey, p.attemptId, now, labels);
  res.render('quizzes/review', {
    title: req.t('quizzes.review.title'),
    ...view,
    ...p,
    quizHref: quizPath(p.courseId, p.lessonKey),
  });
}

export function attemptsRouter({ clock }: RouteDeps): Router {
  const router = Router();
  router.use(requireAuth);

  router.get('/:courseId/:lessonKey', async (req, res) => {
    const [courseId, lessonKey] = [hexParam(req, 'courseId'), hexParam(req, 'lessonKey')];
    const view = await attempts.quizForLearner(req.user!, courseId, lessonKey, clock());
    res.render('quizzes/start', { title: view.lesson.title, ...view, courseId, lessonKey, now: clock() });
  });
  router.post('/:courseId/:lessonKey/mulai', async (req, res) => {
    const [courseId, lessonKey] = [hexParam(req, 'courseId'), hexParam(req, 'lessonKey')];
    const id = await attempts.startAttempt(req.user!, courseId, lessonKey, clock());
    res.redirect(303, attemptPath(courseId, lessonKey, id));
  });
  router.get('/:courseId/:lessonKey/percobaan/:attemptId', (req, res) => renderAttempt(req, res, clock()));
  router.post('/:courseId/:lessonKey/percobaan/:attemptId', async (req, res) => {
    const p = attemptParams(req);
    const { saved, wordLimits } = await saveFrom(req, clock());
    if (!saved) req.flash('error', req.t('quizzes.attempt.notSaved'));
    for (const problem of wordLimits) req.flash('error', wordLimitMessage(req, problem));
    res.redirect(303, nextPath(req, attemptPath(p.courseId, p.lessonKey, p.attemptId)));
  });
  router.post('/:courseId/:lessonKey/percobaan/:attemptId/simpan', async (req, res) => {
    const now = clock();
    const { saved, attempt, wordLimits } = await saveFrom(req, now);
    res.setHeader('Cache-Control', 'no-store');
    const reply = { saved, state: attempt.state, secondsLeft: attempts.secondsLeft(attempt, now) };
    res.json(
      wordLimits.length ? { ...reply, messages: wordLimits.map((w) => wordLimitMessage(req, w)) } : reply,
    );
  });
  router.get('/:courseId/:lessonKey/percobaan/:attemptId/ringkasan', async (req, res) => {
    const p = attemptParams(req);
    const view = await attempts.attemptPage(req.user!, p.courseId, p.lessonKey, p.attemptId, clock());
    if (view.attempt.state !== 'inProgress')
      return res.redirect(303, `${attemptPath(p.courseId, p.lessonKey, p.attemptId)}/tinjau`);
    res.render('quizzes/summary', {
      title: req.t('quizzes.summary.title'),
      ...view,
      ...p,
      scripts: ['/js/quiz-attempt.js'],
    });
  });
  router.post('/:courseId/:lessonKey/percobaan/:attemptId/kirim', async (req, res) => {
    const p = attemptParams(req);
    const base = attemptPath(p.courseId, p.lessonKey, p.attemptId);
    const { wordLimitProblems } = await attempts.submitAttempt(
      req.user!,
      p.courseId,
      p.lessonKey,
      p.attemptId,
      clock(),
    );
    if (wordLimitProblems.length === 0) return res.redirect(303, `${base}/tinjau`);
    for (const problem of wordLimitProblems) req.flash('error', wordLimitMessage(req, problem));
    res.redirect(303, `${base}/ringkasan`);
  });
  router.get('/:courseId/:lessonKey/percobaan/:attemptId/tinjau', (req, res) =>
    renderReview(req, res, clock()),
  );
  return router;
}
