// People administration pages for admins and HR (HR see only their scope; the service decides).
// parse with zod → call users.service → render or redirect.
import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../app';
import { requireRole } from '../auth/guards';
import { BadRequest, Forbidden, NotFound, ValidationFailed } from '../web/errors';
import { registerNavItem } from '../web/navigation';
import { parseInput } from '../web/validation';
import { EMPLOYEE_TYPES, PNS_RANKS, PPPK_GOLONGAN } from './ranks';
import { formatNip } from './nip';
import { ROLES, USER_STATUSES } from './user.model';
import { DuplicateField } from './users.errors';
import { formFields, idParams, listQuery, personForm, resetPasswordForm, rolesForm } from './users.schemas';
import * as users from './users.service';
import { importRouter } from './import/import.routes';
import { exportPeopleCsv } from './users.export';

export const USERS_PATH = '/admin/users';

/** Who did it, for the audit log. */
export function auditContext(req: Request) {
  return { requestId: String((req as Request & { id?: unknown }).id ?? ''), ip: req.ip };
}

function idOf(req: Request): string {
  const parsed = idParams.safeParse(req.params);
  if (!parsed.success) throw new NotFound('person'); // a malformed id answers like a missing one
  return parsed.data.id;
}

async function renderForm(
  req: Request,
  res: Response,
  status: number,
  extra: {
    person?: { _id: unknown; name: string };
    values: Record<string, unknown>;
    fieldErrors?: Record<string, string>;
  },
) {
  const actor = req.user!;
  const [opds, universities] = await Promise.all([
    users.opdChoices(actor),
    actor.roles.includes('admin') ? users.universityChoices() : [],
  ]);
  res.status(status).render('users/form', {
    title: req.t(extra.person ? 'users.form.editTitle' : 'users.form.newTitle'),
    basePath: USERS_PATH,
    person: extra.person,
    values: extra.values,
    fieldErrors: extra.fieldErrors ?? {},
    opds,
    universities,
    canChooseOpd: users.seesEveryone(actor),
    employeeTypes: EMPLOYEE_TYPES,
    pnsRanks: PNS_RANKS,
    pppkGolongan: PPPK_GOLONGAN,
  });
}

/** Saves a person form; a bad form, unknown OPD or duplicate NIP/email re-renders it (422/409). */
async function savePerson(
  req: Request,
  res: Response,
  save: (data: Parameters<typeof users.createPerson>[1]) => Promise<void>,
  person?: { _id: unknown; name: string },
) {
  const values = formFields(req.body);
  const input = parseInput(personForm, values);
  if (!input.ok) return renderForm(req, res, 422, { person, values, fieldErrors: input.errors });
  try {
    await save(input.data);
  } catch (error) {
    if (error instanceof DuplicateField)
      return renderForm(req, res, 409, { person, values, fieldErrors: error.fieldErrors });
    if (error instanceof ValidationFailed)
      return renderForm(req, res, 422, { person, values, fieldErrors: error.fieldErrors });
    throw error;
  }
}

function formValues(person: Awaited<ReturnType<typeof users.getPerson>>): Record<string, unknown> {
  const idOfRef = (ref: unknown) => (ref && typeof ref === 'object' && '_id' in ref ? String(ref._id) : '');
  return {
    nip: person.nip ? formatNip(person.nip) : '',
    name: person.name,
    email: person.email ?? '',
    employeeType: person.employeeType,
    golongan: person.golongan ?? '',
    jabatan: person.jabatan ?? '',
    unitKerja: person.unitKerja ?? '',
    opd: idOfRef(person.opd),
    institution: idOfRef(person.institution),
  };
}

export function usersRouter(deps: RouteDeps): Router {
  registerNavItem({ href: USERS_PATH, labelKey: 'users.nav', roles: ['admin', 'hr'], order: 50 });
  const router = Router();
  router.use(requireRole('admin', 'hr'));
  router.use('/import', importRouter(deps));

  router.get('/', async (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) throw new BadRequest();
    const [result, opds] = await Promise.all([
      users.listPeople(req.user!, query.data),
      users.opdChoices(req.user!),
    ]);
    res.render('users/index', {
      title: req.t('users.list.title'),
      basePath: USERS_PATH,
      query: {
        q: query.data.q ?? '',
        opd: query.data.opd ?? '',
        role: query.data.role ?? '',
        status: query.data.status ?? '',
      },
      result,
      opds,
      roles: ROLES,
      statuses: USER_STATUSES,
      formatNip,
    });
  });

  router.get('/new', (req, res) => renderForm(req, res, 200, { values: { employeeType: 'pns' } }));

  router.post('/', (req, res) =>
    savePerson(req, res, async (data) => {
      const created = await users.createPerson(req.user!, data, auditContext(req));
      res.status(201).render('users/password', {
        title: req.t('users.password.createdTitle'),
        basePath: USERS_PATH,
        personId: created.id,
        personName: data.name,
        temporaryPassword: created.temporaryPassword,
        isNew: true,
      });
    }),
  );

  router.get('/export.csv', async (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) throw new BadRequest();
    const csv = await exportPeopleCsv(req.user!, query.data, auditContext(req));
    res.setHeader('Content-Disposition', 'attachment; filename="pegawai.csv"');
    res.type('text/csv; charset=utf-8').send(csv);
  });

  router.get('/:id', async (req, res) => {
    const person = await users.viewPerson(req.user!, idOf(req), 'users.detail', auditContext(req));
    res.render('users/show', {
      title: person.name,
      basePath: USERS_PATH,
      person,
      can: users.permissionsFor(req.user!, person),
      roles: ROLES,
      formatNip,
      fieldErrors: {},
    });
  });

  router.get('/:id/edit', async (req, res) => {
    const person = await users.viewPerson(req.user!, idOf(req), 'users.edit', auditContext(req));
    if (!users.permissionsFor(req.user!, person).canEdit) throw new Forbidden('users.errors.notYours');
    await renderForm(req, res, 200, { person, values: formValues(person) });
  });

  router.post('/:id', async (req, res) => {
    const id = idOf(req);
    const person = await users.getPerson(req.user!, id);
    await savePerson(
      req,
      res,
      async (data) => {
        await users.updatePerson(req.user!, id, data, auditContext(req));
        req.flash('success', req.t('users.flash.saved'));
        res.redirect(`${USERS_PATH}/${id}`);
      },
      person,
    );
  });

  router.post('/:id/status', async (req, res) => {
    const id = idOf(req);
    const status = formFields(req.body).status;
    if (status !== 'active' && status !== 'inactive') throw new BadRequest();
    await users.setStatus(req.user!, id, status, auditContext(req));
    req.flash(
      'success',
      req.t(status === 'inactive' ? 'users.flash.deactivated' : 'users.flash.reactivated'),
    );
    res.redirect(`${USERS_PATH}/${id}`);
  });

  router.post('/:id/roles', requireRole('admin'), async (req, res) => {
    const id = idOf(req);
    const input = parseInput(rolesForm, formFields(req.body));
    if (!input.ok) throw new BadRequest();
    await users.setRoles(req.user!, id, input.data.roles, auditContext(req));
    req.flash('success', req.t('users.flash.rolesSaved'));
    res.redirect(`${USERS_PATH}/${id}`);
  });

  router.post('/:id/password', async (req, res) => {
    const id = idOf(req);
    const person = await users.getPerson(req.user!, id);
    const input = parseInput(resetPasswordForm, formFields(req.body));
    const showPerson = (status: number, fieldErrors: Record<string, string>) =>
      res
        .status(status)
        .render('users/show', {
          title: person.name,
          basePath: USERS_PATH,
          person,
          can: users.permissionsFor(req.user!, person),
          roles: ROLES,
          formatNip,
          fieldErrors,
        });
    if (!input.ok) return showPerson(422, input.errors);
    try {
      const reset = await users.resetPassword(
        req.user!,
        id,
        input.data.password,
        deps.config.passwordPolicy,
        auditContext(req),
      );
      res.render('users/password', {
        title: req.t('users.password.resetTitle'),
        basePath: USERS_PATH,
        personId: id,
        personName: person.name,
        temporaryPassword: reset.wasGenerated ? reset.temporaryPassword : undefined,
        isNew: false,
      });
    } catch (error) {
      if (error instanceof ValidationFailed) return showPerson(422, error.fieldErrors);
      throw error;
    }
  });

  return router;
}
