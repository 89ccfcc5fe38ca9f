// Institution pages (OPDs and partner universities) for curators and admins: parse with zod →
// institutions.service → render or redirect. The feature to copy for a new list-and-form page.
import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../core/deps';
import { requireRole } from '../auth';
import multer from 'multer';
import { BadRequest, ValidationFailed } from '../web/errors';
import { acceptUploadsAt, verifyCsrf } from '../web/csrf';
import { receiveUpload } from '../web/uploads';
import { LOGO_MAX_BYTES, logoFile, setLogo } from './logos';
import { registerNavItem } from '../web/navigation';
import { requestContext } from '../web/request-context';
import {
  formFields,
  idParam,
  parseInput,
  parseQuery,
  saveOrRerender,
  type FieldErrors,
} from '../web/validation';
import { INSTITUTION_KINDS } from './institution.model';
import { activeForm, cityWideForm, institutionForm, institutionQuery } from './institutions.schemas';
import * as institutions from './institutions.service';

const INSTITUTIONS_PATH = '/admin/institutions';

function renderForm(
  req: Request,
  res: Response,
  status: number,
  form: {
    id?: string;
    values: Record<string, unknown>;
    fieldErrors?: FieldErrors;
    institution?: { kind: string; cityWideHr?: boolean | null; logo?: unknown };
  },
) {
  res.status(status).render('institutions/form', {
    title: req.t(form.id ? 'institutions.form.editTitle' : 'institutions.form.newTitle'),
    basePath: INSTITUTIONS_PATH,
    id: form.id,
    values: form.values,
    fieldErrors: form.fieldErrors ?? {},
    kinds: INSTITUTION_KINDS,
    institution: form.institution,
    canSetCityWide:
      !!form.institution && form.institution.kind === 'opd' && req.user!.roles.includes('admin'),
  });
}

/** Creates (no id) or updates an institution; a bad form or a taken code shows the form again. */
async function save(req: Request, res: Response, id: string | undefined) {
  const values = formFields(req.body);
  const input = parseInput(institutionForm, values);
  if (!input.ok) return renderForm(req, res, 422, { id, values, fieldErrors: input.errors });
  const saved = async () => {
    if (id) await institutions.updateInstitution(req.user!, id, input.data, requestContext(req));
    else await institutions.createInstitution(req.user!, input.data, requestContext(req));
    req.flash('success', req.t('institutions.flash.saved'));
    res.redirect(INSTITUTIONS_PATH);
  };
  await saveOrRerender(saved, (status, fieldErrors) =>
    renderForm(req, res, status, { id, values, fieldErrors }),
  );
}

/** A logo upload: one file, in memory; up to twice the limit reaches the service, which says why it refuses. */
const logoUpload = receiveUpload(
  multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: 2 * LOGO_MAX_BYTES, files: 1, fields: 3 },
  }).single('logo'),
);

/** Stores the uploaded logo; a refused file shows the edit form again with the reason next to the field. */
async function saveLogo(req: Request, res: Response) {
  const id = idParam(req, 'institution');
  try {
    await setLogo(req.user!, id, req.file?.buffer, requestContext(req));
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    const institution = await institutions.getInstitution(req.user!, id);
    const values = { code: institution.code, name: institution.name, kind: institution.kind };
    return renderForm(req, res, 422, { id, values, institution, fieldErrors: error.fieldErrors });
  }
  req.flash('success', req.t('institutions.flash.logoSaved'));
  res.redirect(303, `${INSTITUTIONS_PATH}/${id}/edit`);
}

async function sendLogo(req: Request, res: Response) {
  const logo = await logoFile(req.user!, idParam(req, 'institution'));
  res.setHeader('Content-Type', logo.contentType);
  res.setHeader('Content-Length', String(logo.size));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  logo.stream.once('error', () => res.destroy()).pipe(res);
}

export function institutionsRouter(_deps: RouteDeps): Router {
  registerNavItem({
    href: INSTITUTIONS_PATH,
    labelKey: 'institutions.nav',
    roles: ['admin', 'curator'],
    order: 60,
  });
  const router = Router();
  router.use(requireRole('admin', 'curator'));

  router.get('/', async (req, res) => {
    const query = parseQuery(institutionQuery, req.query);
    const result = await institutions.listInstitutions(req.user!, query);
    res.render('institutions/index', {
      title: req.t('institutions.list.title'),
      basePath: INSTITUTIONS_PATH,
      query: { kind: query.kind ?? '', q: query.q ?? '' },
      kinds: INSTITUTION_KINDS,
      result,
    });
  });

  router.get('/new', (req, res) => renderForm(req, res, 200, { values: { kind: 'opd' } }));
  router.post('/', (req, res) => save(req, res, undefined));

  router.get('/:id/edit', async (req, res) => {
    const institution = await institutions.getInstitution(req.user!, idParam(req, 'institution'));
    const values = { code: institution.code, name: institution.name, kind: institution.kind };
    renderForm(req, res, 200, { id: String(institution._id), values, institution });
  });

  router.post('/:id', (req, res) => save(req, res, idParam(req, 'institution')));

  router.post('/:id/active', async (req, res) => {
    const input = parseInput(activeForm, req.body);
    if (!input.ok) throw new BadRequest();
    const id = idParam(req, 'institution');
    await institutions.setActive(req.user!, id, input.data.active, requestContext(req));
    req.flash(
      'success',
      req.t(input.data.active ? 'institutions.flash.activated' : 'institutions.flash.deactivated'),
    );
    res.redirect(INSTITUTIONS_PATH);
  });

  router.post('/:id/city-wide', requireRole('admin'), async (req, res) => {
    const input = parseInput(cityWideForm, req.body);
    if (!input.ok) throw new BadRequest();
    const id = idParam(req, 'institution');
    await institutions.setCityWideHr(req.user!, id, input.data.cityWideHr, requestContext(req));
    const flash = input.data.cityWideHr
      ? 'institutions.flash.cityWideGranted'
      : 'institutions.flash.cityWideRevoked';
    req.flash('success', req.t(flash));
    res.redirect(`${INSTITUTIONS_PATH}/${id}/edit`);
  });

  acceptUploadsAt(`${INSTITUTIONS_PATH}/:id/logo`);
  router.post('/:id/logo', logoUpload, verifyCsrf, saveLogo);
  router.get('/:id/logo', sendLogo);

  return router;
}
