// Injection (SECURITY.md): operator objects in bodies and queries get 400/422 or stay plain
// strings, never a match; `$where` and `__proto__` keys are refused; redirect targets (`returnTo`,
// the language switch) stay same-origin relative paths.
import mongoose from 'mongoose';
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import { DEFAULT_PASSWORD } from '../support/factories';
import type { Agent } from '../support/auth';
import { createWorld, tokenOf, type World } from './support/world';

const BASE = 'http://binaasn.test';

let w: World;
let anonymous: Agent;
let anonToken: string;
let hr: Agent;
let hrToken: string;
beforeAll(async () => {
  w = await createWorld();
  anonymous = await w.agent('anonymous');
  anonToken = await tokenOf(anonymous);
  hr = await w.agent('hrOpd');
  hrToken = await tokenOf(hr, '/');
}, 60_000);
afterAll(async () => w.close());

const sessionsOf = () => w.t.db.client.db(w.t.db.dbName).collection('sessions').countDocuments();

describe('operator objects and dangerous keys', () => {
  it('never sign anyone in through operators in the sign-in form (JSON or bracket syntax)', async () => {
    const admin = w.identifiers.admin;
    const attempts: [string, object | string][] = [
      ['json', { _csrf: anonToken, identifier: { $gt: '' }, password: { $ne: '' } }],
      ['json', { _csrf: anonToken, identifier: admin, password: { $ne: null } }],
      ['json', { _csrf: anonToken, identifier: { $regex: '.*' }, password: DEFAULT_PASSWORD }],
      ['json', { _csrf: anonToken, identifier: [admin], password: [DEFAULT_PASSWORD] }],
      ['json', { _csrf: anonToken, identifier: admin, password: 'salah', $where: 'return true' }],
      ['form', `_csrf=${encodeURIComponent(anonToken)}&identifier[$ne]=x&password[$ne]=x`],
      [
        'form',
        `_csrf=${encodeURIComponent(anonToken)}&identifier=${encodeURIComponent(admin)}&password[$ne]=x`,
      ],
      [
        'form',
        `_csrf=${encodeURIComponent(anonToken)}&identifier[$gt]=&password=${encodeURIComponent(DEFAULT_PASSWORD)}`,
      ],
    ];
    const before = await sessionsOf();
    for (const [kind, body] of attempts) {
      const req = anonymous.post('/login');
      const res =
        kind === 'json'
          ? await req.set('Content-Type', 'application/json').send(JSON.stringify(body))
          : await req.type('form').send(body as string);
      expect({ body, status: res.status }).toEqual({ body, status: 422 });
    }
    expect(await sessionsOf()).toBe(before); // nobody was signed in
  });

  it('refuse __proto__ and constructor keys without polluting any prototype', async () => {
    const bodies = [
      `{"_csrf":"${anonToken}","identifier":"x","password":"y","__proto__":{"isAdmin":true,"roles":["admin"]}}`,
      `{"_csrf":"${anonToken}","identifier":"x","password":"y","constructor":{"prototype":{"isAdmin":true}}}`,
    ];
    for (const body of bodies) {
      const res = await anonymous.post('/login').set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(422);
    }
    const form = await anonymous
      .post('/login')
      .type('form')
      .send(`_csrf=${encodeURIComponent(anonToken)}&identifier=x&password=y&__proto__[isAdmin]=true`);
    expect(form.status).toBe(422);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).roles).toBeUndefined();
  });

  it('refuse operators and extra fields in the people form: roles and OPD come from the session', async () => {
    const before = await mongoose.connection.collection('users').countDocuments();
    const res = await hr
      .post('/admin/users')
      .set('Content-Type', 'application/json')
      .send(
        JSON.stringify({
          _csrf: hrToken,
          nip: { $gt: '' },
          name: 'Penyusup',
          employeeType: 'pns',
          golongan: 'III/a',
          jabatan: 'x',
          unitKerja: 'y',
        }),
      );
    expect(res.status).toBe(422);
    const extra = await hr.post('/admin/users').type('form').send({
      _csrf: hrToken,
      nip: '199001012015031002',
      name: 'Penyusup',
      employeeType: 'pns',
      golongan: 'III/a',
      jabatan: 'x',
      unitKerja: 'y',
      roles: 'admin',
    });
    expect(extra.status).toBe(422);
    expect(await mongoose.connection.collection('users').countDocuments()).toBe(before);
    expect(await mongoose.connection.collection('users').countDocuments({ roles: 'admin' })).toBe(1);
  });

  it('answer 400 to operator keys in a query string, and match nothing with operator text as a value', async () => {
    for (const query of ['q[$ne]=x', 'opd[$ne]=x', 'status[$in][]=active', '$where=1', '__proto__[x]=1']) {
      const res = await hr.get(`/admin/users?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
    const asText = await hr.get(`/admin/users?q=${encodeURIComponent('{"$gt":""}')}`);
    expect(asText.status).toBe(200);
    expect(asText.text).not.toContain('Siti Rahmah Lubis');
    const plain = await hr.get('/admin/users?q=Siti');
    expect(plain.text).toContain('Siti Rahmah Lubis'); // the same page does find people by text
  });

  it('keep Mongoose from running operators that reach a filter anyway', async () => {
    expect(mongoose.get('sanitizeFilter')).toBe(true);
    // {$ne: 'x'} becomes {$eq: {$ne: 'x'}}: a cast error or no match, never "everyone but x".
    const found = await mongoose
      .model('User')
      .findOne({ email: { $ne: 'x' } as unknown as string })
      .lean()
      .catch((error: Error) => error);
    expect(found === null || (found instanceof Error && found.name === 'CastError')).toBe(true);
    expect(await mongoose.connection.collection('users').countDocuments()).toBeGreaterThan(0);
  });
});

describe('pages about "my" data', () => {
  it("ignore any user id in the request: the person is always the session's", async () => {
    const learner = await w.agent('learner');
    const other = w.ids.personInA;
    const otherDoc = await mongoose.connection
      .collection('users')
      .findOne({ _id: new mongoose.Types.ObjectId(other) });
    const mine = ['/data-saya', '/data-saya/unduh', '/account/password', '/account/mfa'];
    for (const path of mine) {
      const res = await learner.get(`${path}?id=${other}&userId=${other}&user=${other}&akun=${other}`);
      expect({ path, status: res.status < 500 }).toEqual({ path, status: true });
      expect({
        path,
        leaks: res.text.includes(String(otherDoc!.name)) || res.text.includes(String(otherDoc!.nip)),
      }).toEqual({ path, leaks: false });
    }
    expect((await learner.get(`/data-saya?userId=${other}`)).text).toContain('Akun learner'); // the page does show a person: the session's
  });
});

describe('redirect targets', () => {
  const HOSTILE = [
    '//evil.example',
    '//evil.example/login',
    'https://evil.example/',
    'http:evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    'javascript:alert(1)',
    ' //evil.example',
    '/%0d%0aSet-Cookie:x=1',
    'data:text/html,<script>alert(1)</script>',
  ];
  const isSameOrigin = (location: string) =>
    location.startsWith('/') &&
    new URL(location, BASE).origin === BASE &&
    !/[\r\n\t\\]/.test(location) &&
    !location.startsWith('//');

  it('after sign-in never leave the site', async () => {
    for (const returnTo of HOSTILE) {
      const agent = await w.agent('anonymous');
      const token = await tokenOf(agent);
      const res = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: token, identifier: w.identifiers.learner, password: DEFAULT_PASSWORD, returnTo });
      expect({
        returnTo,
        status: res.status,
        sameOrigin: isSameOrigin(String(res.headers.location)),
      }).toEqual({ returnTo, status: 302, sameOrigin: true });
      expect(String(res.headers.location)).not.toContain('evil');
    }
  }, 60_000);

  it('after the language switch never leave the site', async () => {
    for (const returnTo of HOSTILE) {
      const res = await anonymous
        .post('/language')
        .type('form')
        .send({ _csrf: anonToken, lang: 'en', returnTo });
      expect({
        returnTo,
        status: res.status,
        sameOrigin: isSameOrigin(String(res.headers.location)),
      }).toEqual({ returnTo, status: 302, sameOrigin: true });
      expect(String(res.headers.location)).not.toContain('evil');
    }
  });

  it('keep hostile returnTo values out of the sign-in and privacy forms', async () => {
    for (const returnTo of HOSTILE) {
      for (const page of ['/login', '/privasi']) {
        const res = await anonymous.get(`${page}?returnTo=${encodeURIComponent(returnTo)}`);
        expect({ page, returnTo, status: res.status }).toEqual({ page, returnTo, status: 200 });
        // The language form may post the current address back (it is checked again there); the
        // page's own forms and links must not carry the hostile target.
        const doc = parseDocument(res.text);
        const carried = DomUtils.findAll(
          (e) =>
            (e.name === 'input' &&
              e.attribs.name === 'returnTo' &&
              (e.parent as Element | null)?.attribs?.action !== '/language') ||
            e.name === 'a',
          doc.children,
        )
          .map((e) => e.attribs.value ?? e.attribs.href ?? '')
          .filter((v) => v.includes('evil'));
        expect({ page, returnTo, carried }).toEqual({ page, returnTo, carried: [] });
      }
    }
  });
});
