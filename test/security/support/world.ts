// The seeded world of the security suite: one app, three OPDs (two ordinary, BKPSDM), a partner
// university, one account per role, people inside and outside the OPD HR's scope, and an import
// preview per people administrator. Ids in route paths are filled from it.
import request from 'supertest';
import { createTestApp, type TestApp, type TestAppOverrides } from '../../support/app';
import { csrfTokenFrom, signIn, type Agent } from '../../support/auth';
import { createOpd, createUniversity, createUser, DEFAULT_PASSWORD } from '../../support/factories';
import { csvOf } from '../../fixtures/people-files';
import { routeParams, type RouteEntry } from '../../../src/web/route-inventory';
import { mail } from '../../../src/mail';

/** The roles of the matrix, in its column order. `hrOpd` is HR of one OPD, `hrBkpsdm` HR of BKPSDM. */
export const MATRIX_ROLES = [
  'anonymous',
  'learner',
  'author',
  'curator',
  'hrOpd',
  'hrBkpsdm',
  'admin',
] as const;
export type MatrixRole = (typeof MATRIX_ROLES)[number];
export type SignedInRole = Exclude<MatrixRole, 'anonymous'>;
export const SIGNED_IN_ROLES = MATRIX_ROLES.filter((r): r is SignedInRole => r !== 'anonymous');

/** An ObjectId that no document has. */
export const MISSING_ID = '5f0000000000000000000bad';

export interface World {
  t: TestApp;
  ids: {
    opdA: string;
    opdB: string;
    bkpsdm: string;
    university: string;
    /** A learner in OPD A: inside hrOpd's scope. */
    personInA: string;
    /** A learner in OPD B: outside hrOpd's scope. */
    personInB: string;
    /** The signed-in accounts, by role. */
    accounts: Record<SignedInRole, string>;
    /** One import preview per people administrator (owned by them). */
    previews: Partial<Record<SignedInRole, string>>;
    /** A mail in the outbox (to personInA). */
    mail: string;
  };
  identifiers: Record<SignedInRole, string>;
  /** A fresh agent signed in as `role` (anonymous: a fresh agent with no session). */
  agent(role: MatrixRole): Promise<Agent>;
  close(): Promise<void>;
}

const ROLE_OF: Record<SignedInRole, 'learner' | 'author' | 'curator' | 'hr' | 'admin'> = {
  learner: 'learner',
  author: 'author',
  curator: 'curator',
  hrOpd: 'hr',
  hrBkpsdm: 'hr',
  admin: 'admin',
};

/** The CSRF token an agent holds: from a page with a form (every layout has the language form). */
export async function tokenOf(agent: Agent, page = '/login'): Promise<string> {
  const res = await agent.get(page);
  return csrfTokenFrom(res.text);
}

async function uploadPreview(agent: Agent, name: string, opdCode: string): Promise<string> {
  const token = await tokenOf(agent, '/admin/users/import');
  const file = csvOf([
    [
      `1990010120150310${name.length % 10}1`,
      `Calon ${name}`,
      '',
      'PNS',
      'III/a',
      'Analis',
      'Bidang Uji',
      opdCode,
    ],
  ]);
  const res = await agent
    .post('/admin/users/import')
    .field('_csrf', token)
    .attach('file', file, `${name}.csv`);
  if (res.status !== 303) throw new Error(`import preview upload failed for ${name}: ${res.status}`);
  return String(res.headers.location).split('/').pop()!;
}

export async function createWorld(overrides: TestAppOverrides = {}): Promise<World> {
  const t = await createTestApp(overrides);
  const opdA = await createOpd({ code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' });
  const opdB = await createOpd({ code: 'DISDIK', name: 'Dinas Pendidikan' });
  const bkpsdm = await createOpd({
    code: 'BKPSDM',
    name: 'Badan Kepegawaian dan Pengembangan Sumber Daya Manusia',
    cityWideHr: true,
  });
  const university = await createUniversity({ code: 'USU', name: 'Universitas Sumatera Utara' });
  const opdOf: Record<SignedInRole, { _id: unknown } | undefined> = {
    learner: opdA,
    author: undefined,
    curator: bkpsdm,
    hrOpd: opdA,
    hrBkpsdm: bkpsdm,
    admin: bkpsdm,
  };
  const accounts = {} as Record<SignedInRole, string>;
  const identifiers = {} as Record<SignedInRole, string>;
  for (const role of SIGNED_IN_ROLES) {
    const user = await createUser({
      roles: [ROLE_OF[role]],
      opd: opdOf[role] as never,
      institution: role === 'author' ? university : undefined,
      name: `Akun ${role}`,
      email: `${role.toLowerCase()}@uji.pemkomedan.go.id`,
    });
    accounts[role] = String(user._id);
    identifiers[role] = user.email!;
  }
  const personInA = await createUser({ opd: opdA, name: 'Siti Rahmah Lubis, S.E.' });
  const personInB = await createUser({ opd: opdB, name: 'Budi Santoso Siregar, S.Pd.' });
  const recipient = {
    personId: String(personInA._id),
    email: personInA.email!,
    name: personInA.name,
    language: 'id' as const,
  };
  const mailId = await mail.enqueue(
    t.config,
    recipient,
    'completed',
    { course: 'Literasi Digital' },
    { now: t.clock() },
  );

  const agent = async (role: MatrixRole): Promise<Agent> => {
    const a = request.agent(t.app);
    if (role === 'anonymous') return a;
    const res = await signIn(a, identifiers[role], DEFAULT_PASSWORD);
    if (res.status !== 302) throw new Error(`sign-in as ${role} failed with ${res.status}`);
    return a;
  };
  const previews: Partial<Record<SignedInRole, string>> = {};
  for (const role of ['hrOpd', 'hrBkpsdm', 'admin'] as const)
    previews[role] = await uploadPreview(await agent(role), role, 'DISDUKCAPIL');

  return {
    t,
    ids: {
      opdA: String(opdA._id),
      opdB: String(opdB._id),
      bkpsdm: String(bkpsdm._id),
      university: String(university._id),
      personInA: String(personInA._id),
      personInB: String(personInB._id),
      accounts,
      previews,
      mail: mailId!,
    },
    identifiers,
    agent,
    close: () => t.close(),
  };
}

/**
 * How to fill each route's id parameters: `own` is an object the role may use (when there is one),
 * `foreign` an object that exists but is outside the role's reach. Every parameterised route must
 * match a rule here, so a new one fails the suite until its ids are described.
 */
interface IdRule {
  prefix: string;
  own(w: World, role: MatrixRole): string;
  foreign?(w: World, role: MatrixRole): string | undefined;
}

const ID_RULES: IdRule[] = [
  {
    prefix: '/admin/users/import/:id',
    own: (w, role) => w.ids.previews[role as SignedInRole] ?? w.ids.previews.hrOpd!,
    // A preview belongs to whoever uploaded it: another administrator's is foreign to everyone.
    foreign: (w, role) => (role === 'hrOpd' ? w.ids.previews.admin : w.ids.previews.hrOpd),
  },
  {
    prefix: '/admin/users/:id',
    own: (w) => w.ids.personInA,
    foreign: (w, role) => (role === 'hrOpd' ? w.ids.personInB : undefined),
  },
  // Institutions are shared reference data: every curator and admin may reach every one.
  { prefix: '/admin/institutions/:id', own: (w) => w.ids.opdB },
  // An admin's view of a person's second factor: admins reach every person.
  { prefix: '/admin/mfa/:id', own: (w) => w.ids.personInA },
  // The outbox is the admins' alone, and they read every mail.
  { prefix: '/admin/outbox/:id', own: (w) => w.ids.mail },
  // Inviting a person follows the people pages' scope: OPD B's person is out of an OPD HR's reach.
  {
    prefix: '/admin/undangan/orang/:id',
    own: (w) => w.ids.personInA,
    foreign: (w, role) => (role === 'hrOpd' ? w.ids.personInB : undefined),
  },
  // The people of an import: the uploader's own preview only.
  {
    prefix: '/admin/undangan/impor/:id',
    own: (w, role) => w.ids.previews[role as SignedInRole] ?? w.ids.previews.hrOpd!,
    foreign: (w, role) => (role === 'hrOpd' ? w.ids.previews.admin : w.ids.previews.hrOpd),
  },
  // A link's token is no object id: every visitor gets the same "unknown link" page for a made-up one.
  { prefix: '/atur-sandi/:token', own: () => 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
];

function ruleFor(path: string): IdRule | undefined {
  return ID_RULES.find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`));
}

export function hasIdRule(route: Pick<RouteEntry, 'path'>): boolean {
  return routeParams(route.path).length === 0 || ruleFor(route.path) !== undefined;
}

/** The failure message for routes whose ids nobody described. */
export function missingIdRules(routes: RouteEntry[]): string[] {
  return routes
    .filter((r) => !hasIdRule(r))
    .map(
      (r) =>
        `${r.method} ${r.path}: has an id parameter but no id rule; describe its ids (own, foreign) in ID_RULES of test/security/support/world.ts`,
    );
}

function fill(path: string, id: string): string {
  return path.replace(/:([A-Za-z_$][\w$]*)/g, () => id);
}

/** The route's path with its ids filled for the role, or undefined when no rule covers it. */
export function concretePath(
  w: World,
  route: Pick<RouteEntry, 'path'>,
  role: MatrixRole,
  which: 'own' | 'foreign' | 'missing' = 'own',
): string | undefined {
  if (routeParams(route.path).length === 0) return route.path;
  if (which === 'missing') return fill(route.path, MISSING_ID);
  const rule = ruleFor(route.path);
  if (!rule) return undefined;
  const id = which === 'own' ? rule.own(w, role) : rule.foreign?.(w, role);
  return id === undefined ? undefined : fill(route.path, id);
}
