// People administration pages for admins and HR (HR see only their scope; the service decides).
// parse with zod → call users.service → render or redirect.
import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../core/deps';
import { ROLES } from '../core/roles';
import { confirmOwnPassword, requireRole } from '../auth';
import { BadRequest, Forbidden } from '../web/errors';
import { registerNavItem } from '../web/navigation';
import { requestContext } from '../web/request-context';
import {
  filterValues,
  formFields,
  idParam,
  parseInput,
  parseQuery,
  saveOrRerender,
  type FieldErrors,
} from '../web/validation';
import { EMPLOYEE_TYPES, PNS_RANKS, PPPK_GOLONGAN } from './ranks';
import { formatNip } from './nip';
import { USER_STATUSES } from './user.model';
import { listQuery, personForm, resetPasswordForm, rolesForm, statusForm } from './users.schemas';
import * as users from './users.service';
import { exportPeopleCsv } from './users.export';

const USERS_PATH = '/admin/users';

const personId = (req: Request) => idParam(req, 'person');

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
  const isSelf = !!extra.person && String(extra.person._id) === actor.id;
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
    asksCurrentPassword: isSelf,
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
  await saveOrRerender(
    () => save(input.data),
    (status, fieldErrors) => renderForm(req, res, status, { person, values, fieldErrors }),
  );
}

/** The person page, with the messages of a refused password reset when there are some. */
function renderPerson(
  req: Request,
  res: Response,
  person: Awaited<ReturnType<typeof users.getPerson>>,
  status = 200,
  fieldErrors: FieldErrors = {},
) {
  res.status(status).render('users/show', {
    title: person.name,
    basePath: USERS_PATH,
    person,
    can: users.permissionsFor(req.user!, person),
    roles: ROLES,
    formatNip,
    fieldErrors,
  });
}

/** The temporary password of a new person or of a reset, shown once (none when it was typed). */
function renderPassword(
  req: Request,
  res: Response,
  person: { id: string; name: string },
  temporaryPassword: string | undefined,
  isNew = false,
) {
  res.render('users/password', {
    title: req.t(isNew ? 'users.password.createdTitle' : 'users.password.resetTitle'),
    basePath: USERS_PATH,
    personId: person.id,
    personName: person.name,
    temporaryPassword,
    isNew,
  });
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

export function usersRouter({ config, clock }: RouteDeps): Router {
  registerNavItem({ href: USERS_PATH, labelKey: 'users.nav', roles: ['admin', 'hr'], order: 50 });
  const router = Router();
  router.use(requireRole('admin', 'hr'));

  router.get('/', async (req, res) => {
    const query = parseQuery(listQuery, req.query);
    const [result, opds] = await Promise.all([
      users.listPeople(req.user!, query),
      users.opdChoices(req.user!),
    ]);
    res.render('users/index', {
      title: req.t('users.list.title'),
      basePath: USERS_PATH,
      query: filterValues(query, ['q', 'opd', 'role', 'status']),
      ...{ result, opds, roles: ROLES, statuses: USER_STATUSES, formatNip },
    });
  });

  router.get('/new', (req, res) => renderForm(req, res, 200, { values: { employeeType: 'pns' } }));

  router.post('/', (req, res) =>
    savePerson(req, res, async (data) => {
      const created = await users.createPerson(req.user!, data, requestContext(req));
      renderPassword(
        req,
        res.status(201),
        { id: created.id, name: data.name },
        created.temporaryPassword,
        true,
      );
    }),
  );

  router.get('/export.csv', async (req, res) => {
    const csv = await exportPeopleCsv(req.user!, parseQuery(listQuery, req.query), requestContext(req));
    res.setHeader('Content-Disposition', 'attachment; filename="pegawai.csv"');
    res.type('text/csv; charset=utf-8').send(csv);
  });

  router.get('/:id', async (req, res) => {
    renderPerson(
      req,
      res,
      await users.viewPerson(req.user!, personId(req), 'users.detail', requestContext(req)),
    );
  });

  router.get('/:id/edit', async (req, res) => {
    const person = await users.viewPerson(req.user!, personId(req), 'users.edit', requestContext(req));
    if (!users.permissionsFor(req.user!, person).canEdit) throw new Forbidden('users.errors.notYours');
    await renderForm(req, res, 200, { person, values: formValues(person) });
  });

  router.post('/:id', async (req, res) => {
    const id = personId(req);
    const person = await users.getPerson(req.user!, id);
    const update = async (data: Parameters<typeof users.updatePerson>[2]) => {
      const confirm = (password: string) => confirmOwnPassword(req.user!, password, config, clock());
      await users.updatePerson(req.user!, id, data, requestContext(req), confirm);
      req.flash('success', req.t('users.flash.saved'));
      res.redirect(`${USERS_PATH}/${id}`);
    };
    await savePerson(req, res, update, person);
  });

  router.post('/:id/status', async (req, res) => {
    const id = personId(req);
    const input = parseInput(statusForm, req.body);
    if (!input.ok) throw new BadRequest();
    await users.setStatus(req.user!, id, input.data.status, requestContext(req));
    req.flash(
      'success',
      req.t(input.data.status === 'inactive' ? 'users.flash.deactivated' : 'users.flash.reactivated'),
    );
    res.redirect(`${USERS_PATH}/${id}`);
  });

  router.post('/:id/roles', requireRole('admin'), async (req, res) => {
    const id = personId(req);
    const input = parseInput(rolesForm, req.body);
    if (!input.ok) throw new BadRequest();
    await users.setRoles(req.user!, id, input.data.roles, requestContext(req));
    req.flash('success', req.t('users.flash.rolesSaved'));
    res.redirect(`${USERS_PATH}/${id}`);
  });

  router.post('/:id/password', async (req, res) => {
    const id = personId(req);
    const person = await users.getPerson(req.user!, id);
    const input = parseInput(resetPasswordForm, req.body);
    if (!input.ok) return renderPerson(req, res, person, 422, input.errors);
    const reset = async () => {
      const options = { typed: input.data.password, policy: config.passwordPolicy, now: clock() };
      const done = await users.resetPassword(req.user!, id, options, requestContext(req));
      const shown = done.wasGenerated ? done.temporaryPassword : undefined;
      renderPassword(req, res, { id, name: person.name }, shown);
    };
    await saveOrRerender(reset, (status, fieldErrors) => renderPerson(req, res, person, status, fieldErrors));
  });

  return router;
}
