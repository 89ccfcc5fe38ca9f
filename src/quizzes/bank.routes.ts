// The authors' question bank and quiz settings (/bank-soal/:id): categories, questions by type
// (new, edit as a new version when used, hide), each quiz lesson's settings and per-person
// overrides, the essay grading queue and item analysis. The courses feature decides whose course
// it is (authoredCourse); parse → service → render or redirect.
import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireRole } from '../auth';
import { acceptUploadsAt, verifyCsrf } from '../web/csrf';
import { stagedUpload } from '../web/staging-uploads';
import fs from 'node:fs/promises';
import { findAccount } from '../users';
import { requestContext } from '../web/request-context';
import { ValidationFailed } from '../web/errors';
import {
  formFields,
  idParam,
  parseInput,
  parseQuery,
  saveOrRerender,
  type FieldErrors,
} from '../web/validation';
import * as bankService from './bank.service';
import * as settings from './quiz-settings.service';
import * as essays from './essay-grading.service';
import { quizStatistics } from './statistics.service';
import * as imports from './question-import.service';
import { applyRegrade, regradePreview } from './regrade.service';
import { formValues, inputFromForm, questionForm, ANSWER_ROWS, UNIT_ROWS } from './question-form';
import {
  bankQuery,
  categoryForm,
  gradeForm,
  newQuestionQuery,
  overrideForm,
  quizSettingsForm,
} from './quizzes.schemas';
import { isQuestionType, QUESTION_TYPES } from './question-types';
import { GRADING_METHODS, QUIZ_KINDS, REVIEW_ITEMS, REVIEW_PHASES } from './quiz.model';
import { BANK_PATH, hexParam } from './quizzes.web';

const bankPath = (id: string) => `${BANK_PATH}/${id}`;

interface QuestionPage {
  id: string;
  entry?: string;
  values: Record<string, unknown>;
  fieldErrors?: FieldErrors;
}

async function renderQuestion(req: Request, res: Response, status: number, page: QuestionPage) {
  const { course, categories } = await bankService.bank(req.user!, page.id);
  const existing = page.entry ? await bankService.question(req.user!, page.id, page.entry) : undefined;
  res.status(status).render('quizzes/question-form', {
    title: req.t(existing ? 'quizzes.bank.editQuestion' : 'quizzes.bank.newQuestion'),
    course,
    categories,
    existing,
    rows: ANSWER_ROWS,
    unitRows: UNIT_ROWS,
    fieldErrors: page.fieldErrors ?? {},
    ...page,
  });
}

async function saveQuestion(req: Request, res: Response, page: Omit<QuestionPage, 'values'>) {
  const values = formFields(req.body);
  const input = parseInput(questionForm, values);
  if (!input.ok) return renderQuestion(req, res, 422, { ...page, values, fieldErrors: input.errors });
  const save = async () => {
    const q = inputFromForm(input.data);
    const ctx = requestContext(req);
    const entry = page.entry
      ? (await bankService.updateQuestion(req.user!, page.id, page.entry, input.data.category, q, ctx),
        page.entry)
      : await bankService.createQuestion(req.user!, page.id, input.data.category, q, ctx);
    req.flash('success', req.t('quizzes.bank.saved'));
    res.redirect(303, `${bankPath(page.id)}?kategori=${input.data.category}#q-${entry}`);
  };
  await saveOrRerender(save, (status, fieldErrors) =>
    renderQuestion(req, res, status, { ...page, values, fieldErrors }),
  );
}

async function renderSettings(
  req: Request,
  res: Response,
  status: number,
  fieldErrors: FieldErrors = {},
  values?: Record<string, unknown>,
  override?: { values: Record<string, unknown>; errors: FieldErrors },
) {
  const view = await settings.quizForAuthor(req.user!, idParam(req, 'course'), hexParam(req, 'key'));
  res.status(status).render('quizzes/settings', {
    title: req.t('quizzes.settings.title', { lesson: view.lesson.title }),
    ...view,
    values,
    fieldErrors: override ? {} : fieldErrors,
    overrideValues: override?.values,
    overrideErrors: override?.errors,
    kinds: QUIZ_KINDS,
    gradingMethods: GRADING_METHODS,
    reviewPhases: REVIEW_PHASES,
    reviewItems: REVIEW_ITEMS,
  });
}

async function saveSettings(req: Request, res: Response) {
  const [id, key] = [idParam(req, 'course'), hexParam(req, 'key')];
  const input = parseInput(quizSettingsForm, req.body);
  if (!input.ok) return renderSettings(req, res, 422, input.errors, formFields(req.body));
  await saveOrRerender(
    async () => {
      await settings.saveQuizSettings(req.user!, id, key, input.data, requestContext(req));
      req.flash('success', req.t('quizzes.settings.saved'));
      res.redirect(303, `${bankPath(id)}/kuis/${key}`);
    },
    (status, errors) => renderSettings(req, res, status, errors, formFields(req.body)),
  );
}

async function saveOverride(req: Request, res: Response) {
  const [id, key] = [idParam(req, 'course'), hexParam(req, 'key')];
  const input = parseInput(overrideForm, req.body);
  const rerender = (errors: FieldErrors) =>
    renderSettings(req, res, 422, {}, undefined, { values: formFields(req.body), errors });
  if (!input.ok) return rerender(input.errors);
  const person = await findAccount(input.data.person);
  if (!person) return rerender({ person: 'quizzes.errors.person' });
  await settings.saveOverride(req.user!, id, key, { ...input.data, person: person.id }, requestContext(req));
  req.flash('success', req.t('quizzes.settings.overrideSaved', { name: person.name }));
  res.redirect(303, `${bankPath(id)}/kuis/${key}#pengecualian`);
}

async function gradeEssay(req: Request, res: Response, now: Date) {
  const [id, attemptId] = [idParam(req, 'course'), hexParam(req, 'attemptId')];
  const slot = Number(req.params.slot);
  const input = parseInput(gradeForm, req.body);
  const marks = input.ok ? Number(input.data.marks.replace(',', '.')) : NaN;
  const comment = input.ok ? input.data.comment : '';
  await essays.gradeEssay(req.user!, id, attemptId, slot, { marks, comment }, now, requestContext(req));
  req.flash('success', req.t('quizzes.essays.graded'));
  res.redirect(303, `${bankPath(id)}/penilaian`);
}

function renderImport(req: Request, res: Response, status: number, error?: string) {
  return imports
    .ownCourse(req.user!, idParam(req, 'course'))
    .then((course) =>
      res.status(status).render('quizzes/import', { title: req.t('quizzes.import.title'), course, error }),
    );
}

async function uploadImport(req: Request, res: Response, now: Date) {
  const id = idParam(req, 'course');
  await imports.ownCourse(req.user!, id);
  if (!req.file) return renderImport(req, res, 400, 'quizzes.import.errors.noFile');
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- multer's own random staging path
  const bytes = await fs.readFile(req.file.path);
  await saveOrRerender(
    async () => {
      const previewId = await imports.previewImport(req.user!, id, bytes, req.file!.originalname, now);
      res.redirect(303, `${bankPath(id)}/impor/${previewId}`);
    },
    (status, errors) => renderImport(req, res, status, errors.file),
  );
}

async function sendExport(req: Request, res: Response, format: 'moodlexml' | 'gift') {
  const file = await imports.exportBank(req.user!, idParam(req, 'course'), format, requestContext(req));
  res.setHeader('Content-Type', file.contentType);
  res.setHeader(
    'Content-Disposition',
    `attachment; filename="${file.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
  );
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.send(file.body);
}

async function sendTemplate(req: Request, res: Response, kind: 'csv' | 'xlsx') {
  const file = await imports.questionTemplate(req.user!, idParam(req, 'course'), kind);
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Disposition', `attachment; filename="templat-soal.${kind}"`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.send(file.body);
}

export function bankRouter({ clock, config }: RouteDeps): Router {
  const router = Router();
  router.use(requireRole('author'));
  acceptUploadsAt(`${BANK_PATH}/:id/impor`);
  const upload = stagedUpload(
    { dir: config.uploadsDir, field: 'file', maxBytes: imports.MAX_IMPORT_BYTES },
    (req, res, code) =>
      renderImport(
        req,
        res,
        code === 'LIMIT_FILE_SIZE' ? 413 : 400,
        code === 'LIMIT_FILE_SIZE' ? 'quizzes.import.errors.tooLarge' : 'quizzes.import.errors.noFile',
      ),
  );
  router.get('/:id/impor', (req, res) => renderImport(req, res, 200));
  router.get('/:id/templat-soal.csv', (req, res) => sendTemplate(req, res, 'csv'));
  router.get('/:id/templat-soal.xlsx', (req, res) => sendTemplate(req, res, 'xlsx'));
  router.post('/:id/impor', upload, verifyCsrf, (req, res) => uploadImport(req, res, clock()));
  router.get('/:id/impor/:previewId', async (req, res) => {
    const view = await imports.getPreview(req.user!, idParam(req, 'course'), hexParam(req, 'previewId'));
    res.render('quizzes/import-preview', { title: req.t('quizzes.import.previewTitle'), ...view });
  });
  router.post('/:id/impor/:previewId', async (req, res) => {
    const id = idParam(req, 'course');
    const count = await imports.applyImport(
      req.user!,
      id,
      hexParam(req, 'previewId'),
      clock(),
      requestContext(req),
    );
    req.flash('success', req.t('quizzes.import.applied', { count }));
    res.redirect(303, bankPath(id));
  });
  router.get('/:id/ekspor.xml', (req, res) => sendExport(req, res, 'moodlexml'));
  router.get('/:id/ekspor.gift', (req, res) => sendExport(req, res, 'gift'));

  router.get('/:id', async (req, res) => {
    const { kategori } = parseQuery(bankQuery, req.query);
    const view = await bankService.bank(req.user!, idParam(req, 'course'), kategori);
    const quizzes = settings.quizLessons(view.course.toObject() as never);
    res.render('quizzes/bank', {
      title: req.t('quizzes.bank.title'),
      ...view,
      quizzes,
      types: QUESTION_TYPES,
    });
  });
  router.post('/:id/kategori', async (req, res) => {
    const id = idParam(req, 'course');
    await bankService.ownCourse(req.user!, id);
    const input = parseInput(categoryForm, req.body);
    if (!input.ok) throw new ValidationFailed(input.errors);
    const category = await bankService.createCategory(req.user!, id, input.data);
    res.redirect(303, `${bankPath(id)}?kategori=${category}`);
  });
  router.get('/:id/soal/baru', async (req, res) => {
    const q = parseQuery(newQuestionQuery, req.query);
    const type = isQuestionType(q.jenis) ? q.jenis : 'single';
    const values = {
      type,
      category: q.kategori ?? '',
      points: '1',
      shuffleOptions: 'on',
      unitHandling: 'optional',
    };
    await renderQuestion(req, res, 200, { id: idParam(req, 'course'), values });
  });
  router.post('/:id/soal', (req, res) => saveQuestion(req, res, { id: idParam(req, 'course') }));
  router.get('/:id/soal/:entry', async (req, res) => {
    const [id, entry] = [idParam(req, 'course'), hexParam(req, 'entry')];
    const { question } = await bankService.question(req.user!, id, entry);
    await renderQuestion(req, res, 200, { id, entry, values: formValues(question as never) });
  });
  router.post('/:id/soal/:entry', (req, res) =>
    saveQuestion(req, res, { id: idParam(req, 'course'), entry: hexParam(req, 'entry') }),
  );
  router.post('/:id/soal/:entry/sembunyikan', async (req, res) => {
    const id = idParam(req, 'course');
    await bankService.hideQuestion(req.user!, id, hexParam(req, 'entry'), requestContext(req));
    req.flash('success', req.t('quizzes.bank.hidden'));
    res.redirect(303, bankPath(id));
  });
  router.get('/:id/kuis/:key', (req, res) => renderSettings(req, res, 200));
  router.post('/:id/kuis/:key', (req, res) => saveSettings(req, res));
  router.post('/:id/kuis/:key/pengecualian', (req, res) => saveOverride(req, res));
  router.get('/:id/kuis/:key/penilaian-ulang', async (req, res) => {
    const view = await regradePreview(req.user!, idParam(req, 'course'), hexParam(req, 'key'));
    res.render('quizzes/regrade', {
      title: req.t('quizzes.regrade.title', { lesson: view.lesson.title }),
      ...view,
    });
  });
  router.post('/:id/kuis/:key/penilaian-ulang', async (req, res) => {
    const [id, key] = [idParam(req, 'course'), hexParam(req, 'key')];
    const count = await applyRegrade(req.user!, id, key, clock(), requestContext(req));
    req.flash('success', req.t('quizzes.regrade.applied', { count }));
    res.redirect(303, `${bankPath(id)}/kuis/${key}/penilaian-ulang`);
  });
  router.get('/:id/kuis/:key/statistik', async (req, res) => {
    const view = await quizStatistics(req.user!, idParam(req, 'course'), hexParam(req, 'key'));
    res.render('quizzes/statistics', {
      title: req.t('quizzes.stats.title', { lesson: view.lesson.title }),
      ...view,
    });
  });
  router.get('/:id/penilaian', async (req, res) => {
    const view = await essays.essayQueue(req.user!, idParam(req, 'course'));
    res.render('quizzes/essays', { title: req.t('quizzes.essays.title'), ...view });
  });
  router.post('/:id/penilaian/:attemptId/:slot', (req, res) => gradeEssay(req, res, clock()));
  return router;
}
