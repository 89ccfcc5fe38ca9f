// Institution pages (OPDs and partner universities) for curators and admins.
import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../app';
import { requireRole } from '../auth/guards';
import { BadRequest, NotFound } from '../web/errors';
import { registerNavItem } from '../web/navigation';
import { parseInput } from '../web/validation';
import { INSTITUTION_KINDS } from './institution.model';
import { institutionForm, institutionQuery } from './institutions.schemas';
import * as institutions from './institutions.service';

export const INSTITUTIONS_PATH = '/admin/institutions';

function auditContext(req: Request) {
  return { requestId: String((req as Request & { id?: unknown }).id ?? ''), ip: req.ip };
}

function fieldsOf(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object') return {};
  const { _csrf: _ignored, ...fields } = body as Record<string, unknown>;
  return fields;
}

function idOf(req: Request): string {
  const id = String(req.params.id ?? '');
  if (!/^[0-9a-f]{24}$/i.test(id)) throw new NotFound('institution');
  return id;
}

function renderForm(
  req: Request,
  res: Response,
  status: number,
  extra: { id?: string; values: Record<string, unknown>; fieldErrors?: Record<string, string> },
) {
  res.status(status).render('institutions/form', {
    title: req.t(extra.id ? 'institutions.form.editTitle' : 'institutions.form.newTitle'),
    basePath: INSTITUTIONS_PATH,
    id: extra.id,
    values: extra.values,
    fieldErrors: extra.fieldErrors ?? {},
    kinds: INSTITUTION_KINDS,
  });
}

async function save(req: Request, res: Response, id: string | undefined) {
  const values = fieldsOf(req.body);
  const input = parseInput(institutionForm, values);
  if (!input.ok) return renderForm(req, res, 422, { id, values, fieldErrors: input.errors });
  try {
    if (id) await institutions.updateInstitution(req.user!, id, input.data, auditContext(req));
    else await institutions.createInstitution(req.user!, input.data, auditContext(req));
  } catch (error) {
    if (error instanceof institutions.DuplicateCode)
      return renderForm(req, res, 409, { id, values, fieldErrors: error.fieldErrors });
    throw error;
  }
  req.flash('success', req.t('institutions.flash.saved'));
  res.redirect(INSTITUTIONS_PATH);
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
    const query = institutionQuery.safeParse(req.query);
    if (!query.success) throw new BadRequest();
    const result = await institutions.listInstitutions(req.user!, query.data);
    res.render('institutions/index', {
      title: req.t('institutions.list.title'),
      basePath: INSTITUTIONS_PATH,
      query: { kind: query.data.kind ?? '', q: query.data.q ?? '' },
      kinds: INSTITUTION_KINDS,
      result,
    });
  });

  router.get('/new', (req, res) => renderForm(req, res, 200, { values: { kind: 'opd' } }));
  router.post('/', (req, res) => save(req, res, undefined));

  router.get('/:id/edit', async (req, res) => {
    const institution = await institutions.getInstitution(req.user!, idOf(req));
    renderForm(req, res, 200, {
      id: String(institution._id),
      values: { code: institution.code, name: institution.name, kind: institution.kind },
    });
  });

  router.post('/:id', (req, res) => save(req, res, idOf(req)));

  router.post('/:id/active', async (req, res) => {
    const active = fieldsOf(req.body).active;
    if (active !== 'true' && active !== 'false') throw new BadRequest();
    await institutions.setActive(req.user!, idOf(req), active === 'true', auditContext(req));
    req.flash(
      'success',
      req.t(active === 'true' ? 'institutions.flash.activated' : 'institutions.flash.deactivated'),
    );
    res.redirect(INSTITUTIONS_PATH);
  });

  return router;
}
