// Import pages: upload (multer in memory, 2 MB, CSRF checked after multer) → preview → confirm.
import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import type { RouteDeps } from '../../core/deps';
import { acceptUploadsAt, verifyCsrf } from '../../web/csrf';
import { requireRole } from '../../auth';
import { requestContext } from '../../web/request-context';
import { idParam } from '../../web/validation';
import { MALFORMED_UPLOAD_KEY, uploadProblem } from '../../web/uploads';
import { ImportFileRejected, confirmImport, getPreview, previewImport } from './import.service';
import { MAX_FILE_BYTES, MAX_ROWS } from '../../web/spreadsheet-table';
import { templateCsv } from './import.rows';

const IMPORT_PATH = '/admin/users/import';

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 5, parts: 6 },
}).single('file');

function renderUpload(
  req: Request,
  res: Response,
  status: number,
  error?: { key: string; detail?: string[] },
) {
  res.status(status).render('users/import', {
    title: req.t('users.import.title'),
    importPath: IMPORT_PATH,
    maxRows: MAX_ROWS,
    error: error ? req.t(error.key, { columns: (error.detail ?? []).join(', ') }) : undefined,
  });
}

/**
 * Runs multer and answers its refusals on the upload page itself: too large (413), wrong or extra
 * fields (400), a multipart body that is malformed or cut off (400).
 */
function receiveFile(req: Request, res: Response, next: (err?: unknown) => void) {
  upload(req, res, (err: unknown) => {
    if (!err) return next();
    const problem = uploadProblem(err);
    if (!problem) return next(err);
    if (problem.status === 413) return renderUpload(req, res, 413, { key: 'users.import.errors.tooLarge' });
    if (problem.messageKey === MALFORMED_UPLOAD_KEY)
      return renderUpload(req, res, 400, { key: MALFORMED_UPLOAD_KEY });
    renderUpload(req, res, problem.status, { key: 'users.import.errors.noFile' });
  });
}

const previewId = (req: Request) => idParam(req, 'import preview');

export function importRouter({ clock }: RouteDeps): Router {
  const router = Router();
  router.use(requireRole('admin', 'hr'));
  acceptUploadsAt(IMPORT_PATH);

  router.get('/', (req, res) => renderUpload(req, res, 200));

  router.get('/template.csv', (_req, res) => {
    res.setHeader('Content-Disposition', 'attachment; filename="template-impor-pegawai.csv"');
    res.type('text/csv; charset=utf-8').send(templateCsv());
  });

  router.post('/', receiveFile, verifyCsrf, async (req, res) => {
    if (!req.file) return renderUpload(req, res, 400, { key: 'users.import.errors.noFile' });
    try {
      const file = { bytes: req.file.buffer, fileName: req.file.originalname ?? '' };
      const id = await previewImport(req.user!, file, requestContext(req));
      res.redirect(303, `${IMPORT_PATH}/${id}`);
    } catch (error) {
      if (error instanceof ImportFileRejected)
        return renderUpload(req, res, 422, { key: error.messageKey, detail: error.detail });
      throw error;
    }
  });

  router.get('/:id', async (req, res) => {
    const preview = await getPreview(req.user!, previewId(req));
    res.render('users/import-preview', {
      title: req.t('users.import.previewTitle'),
      importPath: IMPORT_PATH,
      preview,
    });
  });

  router.post('/:id/confirm', async (req, res) => {
    const id = previewId(req);
    const result = await confirmImport(req.user!, id, clock(), requestContext(req));
    req.flash('success', req.t('users.import.applied', result));
    res.redirect(303, `${IMPORT_PATH}/${id}`);
  });

  return router;
}
