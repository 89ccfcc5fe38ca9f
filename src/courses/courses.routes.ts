// The author's workspace (/penulisan): their courses, settings, modules and lessons in order,
// lesson files and images, preview, changes since the published version, submission, history,
// package export and import. Parse → courses services → render or redirect; the rules (whose course,
// which status allows what) are in the services.
import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireRole } from '../auth';
import { acceptUploadsAt, verifyCsrf } from '../web/csrf';
import { registerNavItem } from '../web/navigation';
import { requestContext } from '../web/request-context';
import { stagedUpload } from '../web/staging-uploads';
import { BadRequest, NotFound, PayloadTooLarge } from '../web/errors';
import {
  formFields,
  idParam,
  parseInput,
  parseQuery,
  saveOrRerender,
  type FieldErrors,
} from '../web/validation';
import { COMPETENCY_TYPES, COURSE_AREAS, LESSON_KINDS } from './course.model';
import { MAX_BYTES } from './course-files';
import * as authoring from './courses.service';
import * as review from './courses.review';
import * as packages from './courses.packages';
import { previewLesson, renderLessonBody } from './courses.catalog';
import { courseForm, importForm, lessonForm, moduleForm, moveForm, workspaceQuery } from './courses.schemas';
import { courseFormValues, fileRefusal, keyParam, sendPackage, showImportPage } from './courses.web';

export const WORKSPACE_PATH = '/penulisan';

const coursePath = (id: string) => `${WORKSPACE_PATH}/${id}`;

async function renderSettings(
  req: Request,
  res: Response,
  status: number,
  form: {
    id?: string;
    values: Record<string, unknown>;
    fieldErrors?: FieldErrors;
    assets?: Array<{ name: string }>;
  },
) {
  res.status(status).render('courses/settings', {
    title: req.t(form.id ? 'courses.settings.editTitle' : 'courses.settings.newTitle'),
    basePath: WORKSPACE_PATH,
    id: form.id,
    values: form.values,
    fieldErrors: form.fieldErrors ?? {},
    assets: form.assets ?? [],
    choices: await authoring.formChoices(req.user!, form.id),
    competencyTypes: COMPETENCY_TYPES,
    areas: COURSE_AREAS,
  });
}

async function saveSettings(req: Request, res: Response, id: string | undefined, clock: () => Date) {
  const values = formFields(req.body);
  const assets = id ? (await authoring.getAuthored(req.user!, id)).assets : [];
  const input = parseInput(courseForm, values);
  if (!input.ok) return renderSettings(req, res, 422, { id, values, fieldErrors: input.errors, assets });
  const save = async () => {
    const savedId = id ?? (await authoring.createCourse(req.user!, input.data, clock(), requestContext(req)));
    if (id) await authoring.updateSettings(req.user!, id, input.data, clock(), requestContext(req));
    req.flash('success', req.t('courses.flash.saved'));
    res.redirect(303, coursePath(savedId));
  };
  await saveOrRerender(save, (status, fieldErrors) =>
    renderSettings(req, res, status, { id, values, fieldErrors, assets }),
  );
}

interface LessonPage {
  id: string;
  moduleKey?: string;
  lessonKey?: string;
  values: Record<string, unknown>;
  fieldErrors?: FieldErrors;
  sanitizedHtml?: string;
  fileError?: string;
}

async function renderLesson(req: Request, res: Response, status: number, page: LessonPage) {
  const course = await authoring.getAuthored(req.user!, page.id);
  const lesson = page.lessonKey
    ? (await authoring.getLesson(req.user!, page.id, page.lessonKey)).lesson
    : undefined;
  res.status(status).render('courses/lesson-form', {
    title: req.t(lesson ? 'courses.lesson.editTitle' : 'courses.lesson.newTitle'),
    basePath: WORKSPACE_PATH,
    course,
    lesson,
    kinds: LESSON_KINDS,
    maxBytes: MAX_BYTES,
    fieldErrors: page.fieldErrors ?? {},
    ...page,
  });
}

/** Saves a lesson form, or shows it again with the rendered preview or the messages. */
async function saveLesson(req: Request, res: Response, page: Omit<LessonPage, 'values'>, clock: () => Date) {
  const values = formFields(req.body);
  const input = parseInput(lessonForm, values);
  if (!input.ok) return renderLesson(req, res, 422, { ...page, values, fieldErrors: input.errors });
  if (input.data.intent === 'preview') {
    const course = await authoring.getAuthored(req.user!, page.id);
    const sanitizedHtml = renderLessonBody(course._id, course, input.data.body);
    return renderLesson(req, res, 200, { ...page, values, sanitizedHtml });
  }
  const key = page.lessonKey
    ? (await authoring.updateLesson(req.user!, page.id, page.lessonKey, input.data, clock()), page.lessonKey)
    : await authoring.addLesson(req.user!, page.id, page.moduleKey!, input.data, clock());
  req.flash('success', req.t('courses.flash.lessonSaved'));
  res.redirect(303, `${coursePath(page.id)}/pelajaran/${key}`);
}

/** A stored lesson as its form shows it. */
function lessonValues(lesson: {
  title: string;
  kind: string;
  minutes: number;
  body?: string | null;
  embedUrl?: string | null;
  quizRequired?: boolean | null;
}): Record<string, unknown> {
  return {
    title: lesson.title,
    kind: lesson.kind,
    minutes: lesson.minutes,
    body: lesson.body,
    embedUrl: lesson.embedUrl ?? '',
    quizRequired: lesson.quizRequired ? 'on' : '',
  };
}

export function coursesRouter({ clock, config }: RouteDeps): Router {
  registerNavItem({ href: WORKSPACE_PATH, labelKey: 'courses.nav.workspace', roles: ['author'], order: 20 });
  const router = Router();
  router.use(requireRole('author'));
  const ctx = requestContext;
  for (const upload of ['/impor', '/:id/gambar', '/:id/pelajaran/:key/video', '/:id/pelajaran/:key/berkas'])
    acceptUploadsAt(`${WORKSPACE_PATH}${upload}`);

  router.get('/', async (req, res) => {
    const query = parseQuery(workspaceQuery, req.query);
    const courses = await authoring.listAuthored(req.user!, query);
    res.render('courses/workspace', {
      title: req.t('courses.workspace.title'),
      basePath: WORKSPACE_PATH,
      courses,
      query: { q: query.q ?? '' },
    });
  });
  router.get('/baru', (req, res) =>
    renderSettings(req, res, 200, { values: { audienceAll: 'all', quizPassMark: '70', jp: '2' } }),
  );
  router.post('/', (req, res) => saveSettings(req, res, undefined, clock));

  const packageUpload = stagedUpload(
    { dir: config.uploadsDir, field: 'package', maxBytes: packages.MAX_PACKAGE_BYTES },
    (req, res, code) =>
      showImportPage(req, res, code === 'LIMIT_FILE_SIZE' ? 413 : 400, [
        {
          key:
            code === 'LIMIT_FILE_SIZE' ? 'courses.package.errors.tooLarge' : 'courses.package.errors.noFile',
        },
      ]),
  );
  router.get('/impor', (req, res) => showImportPage(req, res, 200));
  router.post('/impor', packageUpload, verifyCsrf, async (req, res) => {
    const input = parseInput(importForm, req.body);
    if (!req.file || !input.ok)
      return showImportPage(req, res, 400, [
        { key: input.ok ? 'courses.package.errors.noFile' : 'courses.errors.code' },
      ]);
    try {
      const id = await packages.importUploaded(req.user!, req.file.path, input.data.code, clock(), ctx(req));
      req.flash('success', req.t('courses.flash.imported'));
      res.redirect(303, coursePath(id));
    } catch (error) {
      if (!(error instanceof packages.PackageRejected)) throw error;
      showImportPage(req, res, 422, error.problems);
    }
  });

  router.get('/:id', async (req, res) => {
    const { course, published, changes } = await review.changesForAuthor(req.user!, idParam(req, 'course'));
    const problems = authoring.completenessProblems(course);
    res.render('courses/editor', {
      title: course.title,
      basePath: WORKSPACE_PATH,
      course,
      published,
      changes,
      problems,
    });
  });
  router.get('/:id/pengaturan', async (req, res) => {
    const course = await authoring.getAuthored(req.user!, idParam(req, 'course'));
    await renderSettings(req, res, 200, {
      id: String(course._id),
      values: courseFormValues(course, req.user!.id),
      assets: course.assets,
    });
  });
  router.post('/:id/pengaturan', (req, res) => saveSettings(req, res, idParam(req, 'course'), clock));

  router.post('/:id/modul', async (req, res) => {
    const id = idParam(req, 'course');
    await authoring.assertAuthored(req.user!, id); // someone else's course: 404 before the form is read
    const input = parseInput(moduleForm, req.body);
    if (!input.ok) req.flash('error', req.t('courses.errors.moduleTitle'));
    else await authoring.addModule(req.user!, id, input.data.title, clock());
    res.redirect(303, coursePath(id));
  });
  router.post('/:id/modul/:key', async (req, res) => {
    const id = idParam(req, 'course');
    await authoring.assertAuthored(req.user!, id); // someone else's course: 404 before the form is read
    const input = parseInput(moduleForm, req.body);
    if (!input.ok) req.flash('error', req.t('courses.errors.moduleTitle'));
    else await authoring.renameModule(req.user!, id, keyParam(req, 'key'), input.data.title, clock());
    res.redirect(303, coursePath(id));
  });
  router.post('/:id/modul/:key/hapus', async (req, res) => {
    const id = idParam(req, 'course');
    await authoring.deleteModule(req.user!, id, keyParam(req, 'key'), clock());
    req.flash('success', req.t('courses.flash.moduleDeleted'));
    res.redirect(303, coursePath(id));
  });
  router.post('/:id/modul/:key/pindah', async (req, res) => {
    const id = idParam(req, 'course');
    await authoring.assertAuthored(req.user!, id); // someone else's course: 404 before the form is read
    const input = parseInput(moveForm, req.body);
    if (!input.ok) throw new BadRequest();
    await authoring.moveModule(req.user!, id, keyParam(req, 'key'), input.data.direction, clock());
    res.redirect(303, `${coursePath(id)}#modul-${keyParam(req, 'key')}`);
  });

  router.get('/:id/modul/:key/pelajaran-baru', async (req, res) => {
    const id = idParam(req, 'course');
    const course = await authoring.getAuthored(req.user!, id);
    const moduleKey = keyParam(req, 'key');
    if (!course.modules.some((m) => m.key === moduleKey)) throw new NotFound('module');
    await renderLesson(req, res, 200, { id, moduleKey, values: { kind: 'text', minutes: '15' } });
  });
  router.post('/:id/modul/:key/pelajaran', (req, res) =>
    saveLesson(req, res, { id: idParam(req, 'course'), moduleKey: keyParam(req, 'key') }, clock),
  );

  router.get('/:id/pelajaran/:key', async (req, res) => {
    const id = idParam(req, 'course');
    const { lesson } = await authoring.getLesson(req.user!, id, keyParam(req, 'key'));
    await renderLesson(req, res, 200, { id, lessonKey: lesson.key, values: lessonValues(lesson) });
  });
  router.post('/:id/pelajaran/:key', (req, res) =>
    saveLesson(req, res, { id: idParam(req, 'course'), lessonKey: keyParam(req, 'key') }, clock),
  );
  for (const kind of ['video', 'file'] as const) {
    const upload = stagedUpload(
      { dir: config.uploadsDir, field: 'file', maxBytes: MAX_BYTES[kind] },
      (req, res, code) =>
        lessonFileRefused(
          req,
          res,
          code === 'LIMIT_FILE_SIZE' ? 413 : 400,
          code === 'LIMIT_FILE_SIZE' ? 'courses.files.errors.tooLarge' : 'courses.files.errors.noFile',
        ),
    );
    router.post(
      `/:id/pelajaran/:key/${kind === 'video' ? 'video' : 'berkas'}`,
      upload,
      verifyCsrf,
      async (req, res) => {
        const [id, key] = [idParam(req, 'course'), keyParam(req, 'key')];
        if (!req.file) return lessonFileRefused(req, res, 400, 'courses.files.errors.noFile');
        const staged = { path: req.file.path, originalName: req.file.originalname };
        const attach = () => authoring.attachLessonFile(req.user!, id, key, staged, clock());
        if (await fileRefusal(attach, (status, message) => lessonFileRefused(req, res, status, message)))
          return;
        req.flash('success', req.t('courses.flash.fileSaved'));
        res.redirect(303, `${coursePath(id)}/pelajaran/${key}`);
      },
    );
  }
  async function lessonFileRefused(req: Request, res: Response, status: number, message: string) {
    const [id, key] = [idParam(req, 'course'), keyParam(req, 'key')];
    const { lesson } = await authoring.getLesson(req.user!, id, key);
    await renderLesson(req, res, status, {
      id,
      lessonKey: key,
      values: lessonValues(lesson),
      fileError: message,
    });
  }
  router.post('/:id/pelajaran/:key/pindah', async (req, res) => {
    const id = idParam(req, 'course');
    await authoring.assertAuthored(req.user!, id); // someone else's course: 404 before the form is read
    const input = parseInput(moveForm, req.body);
    if (!input.ok) throw new BadRequest();
    await authoring.moveLesson(req.user!, id, keyParam(req, 'key'), input.data.direction, clock());
    res.redirect(303, `${coursePath(id)}#pelajaran-${keyParam(req, 'key')}`);
  });
  router.post('/:id/pelajaran/:key/hapus', async (req, res) => {
    const id = idParam(req, 'course');
    await authoring.deleteLesson(req.user!, id, keyParam(req, 'key'), clock());
    req.flash('success', req.t('courses.flash.lessonDeleted'));
    res.redirect(303, coursePath(id));
  });
  router.get('/:id/pratinjau/:key', async (req, res) => {
    const view = await previewLesson(req.user!, idParam(req, 'course'), keyParam(req, 'key'));
    res.render('courses/lesson', {
      title: view.lesson.title,
      ...view,
      preview: true,
      backHref: coursePath(view.course.id),
      lessonHref: (k: string) => `${coursePath(view.course.id)}/pratinjau/${k}`,
    });
  });

  const imageUpload = stagedUpload(
    { dir: config.uploadsDir, field: 'image', maxBytes: MAX_BYTES.image },
    (_req, _res, code, next) =>
      next(
        code === 'LIMIT_FILE_SIZE'
          ? new PayloadTooLarge('courses.files.errors.tooLarge')
          : new BadRequest('courses.files.errors.noFile'),
      ),
  );
  router.post('/:id/gambar', imageUpload, verifyCsrf, async (req, res) => {
    const id = idParam(req, 'course');
    await authoring.assertAuthored(req.user!, id); // someone else's course: 404 before the form is read
    if (!req.file) throw new BadRequest('courses.files.errors.noFile');
    const staged = { path: req.file.path, originalName: req.file.originalname };
    const refused = await fileRefusal(
      () => authoring.addImage(req.user!, id, staged, clock()),
      (_status, message, params) => req.flash('error', req.t(message, params)),
    );
    if (!refused) req.flash('success', req.t('courses.flash.imageSaved', { name: staged.originalName }));
    res.redirect(303, `${coursePath(id)}#gambar`);
  });
  router.post('/:id/gambar/hapus', async (req, res) => {
    const id = idParam(req, 'course');
    const name = typeof req.body?.name === 'string' ? req.body.name : '';
    await authoring.removeImage(req.user!, id, name, clock());
    res.redirect(303, `${coursePath(id)}#gambar`);
  });

  router.post('/:id/ajukan', async (req, res) => {
    const id = idParam(req, 'course');
    await review.submit(req.user!, id, clock(), ctx(req));
    req.flash('success', req.t('courses.flash.submitted'));
    res.redirect(303, coursePath(id));
  });
  router.post('/:id/tarik', async (req, res) => {
    const id = idParam(req, 'course');
    await review.withdraw(req.user!, id, clock(), ctx(req));
    req.flash('success', req.t('courses.flash.withdrawn'));
    res.redirect(303, coursePath(id));
  });
  router.get('/:id/riwayat', async (req, res) => {
    const data = await review.history(req.user!, idParam(req, 'course'));
    res.render('courses/history', {
      title: req.t('courses.history.title'),
      backHref: coursePath(String(data.course._id)),
      ...data,
    });
  });
  router.get('/:id/ekspor', async (req, res) =>
    sendPackage(res, await packages.exportable(req.user!, idParam(req, 'course'), ctx(req))),
  );
  return router;
}
