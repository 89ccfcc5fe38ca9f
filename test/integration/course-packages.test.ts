// Course packages: the demo seed imports package directories through the import code path and
// publishes them; an exported package imports again (on this or another installation) to the same
// course; a hostile package is refused whole, with one message per problem, creating nothing.
import fs from 'node:fs';
import path from 'node:path';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUniversity, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { signedInAgent, csrfToken, type Agent } from '../support/auth';
import { gridFsCount, PACKAGE_DIR, stagedFiles } from '../support/courses';
import { buildZip } from '../fixtures/zip';
import { Course, CourseVersion } from '../../src/courses/course.model';
import { unzipWithinLimits } from '../../src/web/bounded-unzip';
import { seedDemoCourses } from '../../src/cli/seed-courses';
import { collectBytes } from '../support/download';

// The manifest as a test edits it (any shape, hostile ones included).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = any;

let t: TestApp;
let author: Agent;
let seededId: string;

beforeAll(async () => {
  t = await createTestApp({ env: { UPLOADS_DIR: fs.mkdtempSync('/tmp/binaasn-uploads-') } });
  await createOpd({ code: 'DISDUKCAPIL' });
  const usu = await createUniversity({ code: 'USU', name: 'Universitas Sumatera Utara' });
  await createUser({ roles: ['author'], institution: usu, email: 'penulis.usu@uji.ac.id' });
  await createUser({ roles: ['curator'], email: 'kurator@binaasn.example' });
  author = await signedInAgent(t.app, 'penulis.usu@uji.ac.id', DEFAULT_PASSWORD);
}, 60_000);
afterAll(async () => t.close());

/** Every file of the fixture package, as ZIP entries. */
function fixtureEntries(): Array<{ name: string; data: Buffer }> {
  const out: Array<{ name: string; data: Buffer }> = [];
  const walk = (dir: string, prefix: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }))
      if (e.isDirectory()) walk(path.join(dir, e.name), `${prefix}${e.name}/`);
      else out.push({ name: `${prefix}${e.name}`, data: fs.readFileSync(path.join(dir, e.name)) });
  };
  walk(PACKAGE_DIR, '');
  return out;
}

async function importZip(zip: Buffer, code = '') {
  const token = await csrfToken(author, '/penulisan/impor');
  return author
    .post('/penulisan/impor')
    .field('_csrf', token)
    .field('code', code)
    .attach('package', zip, 'paket.zip');
}

describe('the demo seed', () => {
  it('imports and publishes every package directory, once', async () => {
    const root = path.dirname(PACKAGE_DIR);
    const first = await seedDemoCourses(root);
    expect(first).toEqual({ created: ['UJI-01'], existing: [] });
    const course = await Course.findOne({ code: 'UJI-01' }).lean();
    expect(course).toMatchObject({ status: 'published', publishedVersion: 1, jp: 1.5, cover: 'sampul.svg' });
    expect(course!.modules.map((m) => m.lessons.length)).toEqual([2, 1]);
    seededId = String(course!._id);
    expect(await seedDemoCourses(root)).toEqual({ created: [], existing: ['UJI-01'] });
    expect(await Course.countDocuments()).toBe(1);
    expect(await CourseVersion.countDocuments()).toBe(1);
  });
});

describe('export and import', () => {
  it('round-trips: the exported package imports as a new draft with the same content', async () => {
    const res = await author.get(`/penulisan/${seededId}/ekspor`).buffer(true).parse(collectBytes);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const zip = res.body as Buffer;
    const unpacked = unzipWithinLimits(zip, { maxBytes: 10_000_000, maxEntries: 100, maxRatio: 100 });
    if (!unpacked.ok) throw new Error(unpacked.reason);
    const manifest = JSON.parse(unpacked.entries.get('manifest.json')!.toString('utf8'));
    expect(manifest.format).toBe('binaasn.course.v1');
    expect(manifest.course).toMatchObject({
      code: 'UJI-01',
      partner: 'USU',
      cover: 'files/sampul.svg',
      audience: { all: true },
    });
    const imported = await importZip(zip, 'UJI-02');
    expect(imported.status).toBe(303);
    const [a, b] = await Promise.all([
      Course.findOne({ code: 'UJI-01' }).lean(),
      Course.findOne({ code: 'UJI-02' }).lean(),
    ]);
    expect(b!.status).toBe('draft');
    const comparable = (c: typeof a) => ({
      title: c!.title,
      summary: c!.summary,
      objectives: c!.objectives,
      jp: c!.jp,
      cover: c!.cover,
      signatories: c!.signatories,
      modules: c!.modules.map((m) => ({
        key: m.key,
        title: m.title,
        lessons: m.lessons.map((l) => ({
          key: l.key,
          title: l.title,
          kind: l.kind,
          minutes: l.minutes,
          body: l.body,
          sha: l.file?.sha256,
        })),
      })),
      assets: c!.assets.map((x) => [x.name, x.file.sha256]),
    });
    expect(comparable(b)).toEqual(comparable(a));
    expect(stagedFiles(t.config.uploadsDir)).toEqual([]);
  });

  it('refuses a package whose code is taken until a new code is given', async () => {
    const res = await importZip(buildZip(fixtureEntries()));
    expect(res.status).toBe(422);
    expect(res.text).toContain('Kode &#34;UJI-01&#34; sudah dipakai');
  });
});

describe('hostile packages are refused whole', () => {
  const manifestOf = (change: (m: Manifest) => void) => {
    const m = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'manifest.json'), 'utf8'));
    m.course.code = 'UJI-99';
    change(m);
    return { name: 'manifest.json', data: Buffer.from(JSON.stringify(m)) };
  };
  const withManifest = (change: (m: Manifest) => void) => [
    manifestOf(change),
    ...fixtureEntries().filter((e) => e.name !== 'manifest.json'),
  ];
  const cases: Array<[string, () => Buffer, string]> = [
    [
      'a path that leaves the package',
      () =>
        buildZip([...withManifest(() => undefined), { name: '../../etc/cron.d/x', data: Buffer.from('x') }]),
      'mencoba keluar dari folder paket',
    ],
    [
      'an absolute path',
      () => buildZip([...withManifest(() => undefined), { name: '/tmp/x.md', data: Buffer.from('x') }]),
      'mencoba keluar dari folder paket',
    ],
    [
      'a zip bomb that lies about its size',
      () =>
        buildZip([
          ...withManifest(() => undefined),
          { name: 'files/bom.svg', data: Buffer.alloc(200 * 1024 * 1024), declaredSize: 1000 },
        ]),
      'terlalu besar setelah dibuka',
    ],
    [
      'a zip bomb that says what it is',
      () =>
        buildZip([
          ...withManifest(() => undefined),
          { name: 'files/bom.svg', data: Buffer.alloc(160 * 1024 * 1024) },
        ]),
      'terlalu besar setelah dibuka',
    ],
    [
      'an unknown lesson kind',
      () => buildZip(withManifest((m) => (m.modules[0].lessons[0].kind = 'scorm'))),
      'jenis &#34;scorm&#34; yang tidak dikenal',
    ],
    [
      'a PDF that holds HTML',
      () =>
        buildZip([
          ...withManifest(() => undefined).filter((e) => e.name !== 'files/ringkasan.pdf'),
          { name: 'files/ringkasan.pdf', data: Buffer.from('<html><script>alert(1)</script></html>') },
        ]),
      'isinya bukan jenis yang diizinkan',
    ],
    [
      'an image whose name says PNG',
      () =>
        buildZip([
          ...withManifest(() => undefined),
          { name: 'files/foto.png', data: fs.readFileSync(path.join(PACKAGE_DIR, 'files/ringkasan.pdf')) },
        ]),
      'isinya bukan jenis yang diizinkan',
    ],
    [
      'a lesson body that is missing',
      () => buildZip(withManifest((m) => (m.modules[0].lessons[0].body = 'lessons/tidak-ada.md'))),
      'tidak ada di dalam paket',
    ],
    ['not a ZIP at all', () => Buffer.from('PK\u0003\u0004 bukan zip'), 'bukan ZIP yang dapat dibaca'],
  ];
  it.each(cases)(
    '%s',
    async (_what, make, message) => {
      const [courses, images, files] = await Promise.all([
        Course.countDocuments(),
        gridFsCount('courseImages'),
        gridFsCount('courseFiles'),
      ]);
      const res = await importZip(make());
      expect(res.status).toBe(422);
      expect(res.text).toContain(message);
      expect(await Course.countDocuments()).toBe(courses);
      expect([await gridFsCount('courseImages'), await gridFsCount('courseFiles')]).toEqual([images, files]);
      expect(stagedFiles(t.config.uploadsDir)).toEqual([]);
    },
    60_000,
  );

  it('lists every problem of a package at once', async () => {
    const zip = buildZip(
      withManifest((m) => {
        m.modules[0].lessons[0].kind = 'flash';
        m.course.audience = { opds: ['TIDAK-ADA'] };
      }),
    );
    const res = await importZip(zip);
    expect(res.status).toBe(422);
    expect(res.text).toContain('&#34;flash&#34;');
    expect(res.text).toContain('TIDAK-ADA');
  });
});
