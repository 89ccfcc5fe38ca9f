// Course authoring, review and publication: who may read and change which course, the lesson
// kinds and their ordering, sanitised Markdown, checked uploads in GridFS, versions that keep a
// learner's progress, and what each role sees.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { createOpd, createUniversity, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { signedInAgent, type Agent } from '../support/auth';
import {
  courseIdFrom,
  gridFsCount,
  MINIMAL_PDF,
  postCourseForm,
  stagedFiles,
  upload,
  VALID_COURSE,
} from '../support/courses';
import { Course, CourseVersion } from '../../src/courses/course.model';
import { AuditEntry } from '../../src/audit/audit.model';
import { unchangedLessonKeys } from '../../src/courses';
import { collectBytes } from '../support/download';

let t: TestApp;
let author: Agent;
let otherAuthor: Agent;
let curator: Agent;
let learnerIn: Agent;
let learnerOut: Agent;
let courseId: string;
let disdukcapil: string;

beforeAll(async () => {
  t = await createTestApp({ env: { UPLOADS_DIR: fs.mkdtempSync('/tmp/binaasn-uploads-') } });
  const opdA = await createOpd({ code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil' });
  const opdB = await createOpd({ code: 'DISDIK', name: 'Dinas Pendidikan' });
  disdukcapil = String(opdA._id);
  const usu = await createUniversity({ code: 'USU', name: 'Universitas Sumatera Utara' });
  const unimed = await createUniversity({ code: 'UNIMED', name: 'Universitas Negeri Medan' });
  await createUser({ roles: ['author'], institution: usu, email: 'penulis@usu.ac.id', opd: null as never });
  await createUser({ roles: ['author'], institution: unimed, email: 'penulis@unimed.ac.id' });
  await createUser({ roles: ['curator'], email: 'kurator@uji.go.id' });
  await createUser({ roles: ['learner'], opd: opdA, email: 'asn.a@uji.go.id' });
  await createUser({ roles: ['learner'], opd: opdB, email: 'asn.b@uji.go.id' });
  [author, otherAuthor, curator, learnerIn, learnerOut] = await Promise.all(
    [
      'penulis@usu.ac.id',
      'penulis@unimed.ac.id',
      'kurator@uji.go.id',
      'asn.a@uji.go.id',
      'asn.b@uji.go.id',
    ].map((e) => signedInAgent(t.app, e, DEFAULT_PASSWORD)),
  );
}, 60_000);
afterAll(async () => t.close());

const base = () => `/penulisan/${courseId}`;
const course = () => Course.findById(courseId).lean();
const lessonKeys = async () => (await course())!.modules.flatMap((m) => m.lessons.map((l) => l.key));

describe('authoring a course', () => {
  it('creates a course from the form, audited, listed in the workspace', async () => {
    const res = await postCourseForm(author, '/penulisan/baru', '/penulisan', {
      ...VALID_COURSE,
      audienceAll: 'opds',
      audienceOpds: disdukcapil,
      sig1Name: 'Dr. Kepala BKPSDM',
      sig1Nip: '197505202000032002',
      sig1Position: 'Kepala BKPSDM',
    });
    expect(res.status).toBe(303);
    courseId = courseIdFrom(res.headers.location);
    const saved = await course();
    expect(saved).toMatchObject({
      code: 'LITDIG-UJI',
      jp: 2.5,
      status: 'draft',
      objectives: ['Mengenali phishing', 'Membuat kata sandi yang kuat'],
    });
    expect(saved!.signatories).toEqual([
      { name: 'Dr. Kepala BKPSDM', nip: '197505202000032002', position: 'Kepala BKPSDM' },
    ]);
    expect(await AuditEntry.countDocuments({ action: 'course.create', targetId: courseId })).toBe(1);
    expect((await author.get('/penulisan')).text).toContain('Literasi Digital untuk ASN');
  });

  it('refuses a JP that is not whole or half, a taken code and unknown fields, keeping what was typed', async () => {
    const half = await postCourseForm(author, '/penulisan/baru', '/penulisan', {
      ...VALID_COURSE,
      code: 'LAIN-01',
      jp: '2.3',
    });
    expect(half.status).toBe(422);
    expect(half.text).toContain('JP harus bilangan bulat atau setengah');
    const taken = await postCourseForm(author, '/penulisan/baru', '/penulisan', VALID_COURSE);
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('Kode ini sudah dipakai kursus lain.');
    const extra = await postCourseForm(author, '/penulisan/baru', '/penulisan', {
      ...VALID_COURSE,
      code: 'LAIN-02',
      status: 'published',
    });
    expect(extra.status).toBe(422);
    expect(await Course.countDocuments()).toBe(1);
  });

  it('sets "study in order" with a checkbox (off unless ticked) and refuses any other value', async () => {
    const page = `/penulisan/${courseId}/pengaturan`;
    const fields = { ...VALID_COURSE, audienceAll: 'opds', audienceOpds: disdukcapil };
    expect(await course()).toMatchObject({ studyInOrder: false });
    expect((await postCourseForm(author, page, page, { ...fields, studyInOrder: 'on' })).status).toBe(303);
    expect(await course()).toMatchObject({ studyInOrder: true });
    expect((await author.get(page)).text).toMatch(/name="studyInOrder" value="on"[^>]*checked/);
    const odd = await postCourseForm(author, page, page, { ...fields, studyInOrder: 'ya' });
    expect(odd.status).toBe(422);
    expect(await course()).toMatchObject({ studyInOrder: true });
    expect((await postCourseForm(author, page, page, fields)).status).toBe(303);
    expect(await course()).toMatchObject({ studyInOrder: false });
  });

  it('adds modules and lessons and moves them with plain forms', async () => {
    for (const title of ['Modul Satu', 'Modul Dua'])
      expect((await postCourseForm(author, base(), `${base()}/modul`, { title })).status).toBe(303);
    const [m1, m2] = (await course())!.modules.map((m) => m.key);
    const add = (m: string, title: string, kind = 'text', body = `Isi ${title}`) =>
      postCourseForm(author, `${base()}/modul/${m}/pelajaran-baru`, `${base()}/modul/${m}/pelajaran`, {
        title,
        kind,
        minutes: '10',
        body,
        intent: 'save',
      });
    expect((await add(m1, 'Pelajaran A')).status).toBe(303);
    expect((await add(m1, 'Pelajaran B')).status).toBe(303);
    expect((await add(m2, 'Handout', 'file', 'Unduh ringkasan.')).status).toBe(303);
    const [a, b] = await lessonKeys();
    await postCourseForm(author, base(), `${base()}/pelajaran/${b}/pindah`, { direction: 'up' });
    expect((await lessonKeys()).slice(0, 2)).toEqual([b, a]);
    // Down from the last place of module 1 moves it to the start of module 2.
    await postCourseForm(author, base(), `${base()}/pelajaran/${a}/pindah`, { direction: 'down' });
    const modules = (await course())!.modules;
    expect(modules[1].lessons[0].key).toBe(a);
    await postCourseForm(author, base(), `${base()}/pelajaran/${a}/pindah`, { direction: 'up' });
    await postCourseForm(author, base(), `${base()}/modul/${m2}/pindah`, { direction: 'up' });
    expect((await course())!.modules.map((m) => m.key)).toEqual([m2, m1]);
    await postCourseForm(author, base(), `${base()}/modul/${m2}/pindah`, { direction: 'down' });
  });

  it('renders hostile Markdown harmless in the preview and keeps allowed embeds and callouts', async () => {
    const key = (await lessonKeys())[0];
    const hostile = [
      '# Judul',
      '<script>alert(1)</script>',
      '[klik](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '<img src=x onerror="alert(1)"> <a href="https://contoh.go.id" onclick="alert(1)">tautan</a>',
      '<iframe src="https://evil.example/x"></iframe>',
      '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"></iframe>',
      '<svg onload=alert(1)></svg><style>body{display:none}</style>',
      '> [!PENTING]\n> Jangan bagikan kata sandi.',
      '| a | b |\n| - | - |\n| 1 | 2 |',
    ].join('\n\n');
    const res = await postCourseForm(author, `${base()}/pelajaran/${key}`, `${base()}/pelajaran/${key}`, {
      title: 'Pelajaran B',
      kind: 'text',
      minutes: '10',
      body: hostile,
      intent: 'preview',
    });
    expect(res.status).toBe(200);
    const preview = res.text.split('id="preview-heading"')[1];
    expect(preview).not.toMatch(
      /<script|onerror|onclick|onload|href="javascript:|href="data:|evil\.example|<style|<svg/i,
    );
    expect(preview.match(/<iframe/g)).toHaveLength(1);
    expect(preview).toContain('<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"');
    expect(preview).toContain('class="callout callout-important"');
    expect(preview).toContain('<table>');
    expect((await course())!.modules[0].lessons[0].body).toBe('Isi Pelajaran B'); // a preview saves nothing
    await postCourseForm(author, `${base()}/pelajaran/${key}`, `${base()}/pelajaran/${key}`, {
      title: 'Pelajaran B',
      kind: 'text',
      minutes: '10',
      body: `${hostile}\n\n![Gembok](files/gembok.svg)`,
      intent: 'save',
    });
  });

  it('refuses an embed from a host not on the list', async () => {
    const key = (await lessonKeys())[0];
    const res = await postCourseForm(author, `${base()}/pelajaran/${key}`, `${base()}/pelajaran/${key}`, {
      title: 'Video',
      kind: 'video',
      minutes: '5',
      embedUrl: 'https://evil.example/embed/x',
      intent: 'save',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Hanya alamat video YouTube atau Vimeo');
  });
  it('deletes an empty module and a lesson', async () => {
    await postCourseForm(author, base(), `${base()}/modul`, { title: 'Modul Sementara' });
    const temp = (await course())!.modules.at(-1)!;
    await postCourseForm(
      author,
      `${base()}/modul/${temp.key}/pelajaran-baru`,
      `${base()}/modul/${temp.key}/pelajaran`,
      {
        title: 'Pelajaran Sementara',
        kind: 'text',
        minutes: '5',
        body: 'x',
        intent: 'save',
      },
    );
    const lesson = (await course())!.modules.at(-1)!.lessons[0];
    expect((await postCourseForm(author, base(), `${base()}/modul/${temp.key}/hapus`, {})).status).toBe(409);
    expect((await postCourseForm(author, base(), `${base()}/pelajaran/${lesson.key}/hapus`, {})).status).toBe(
      303,
    );
    expect((await postCourseForm(author, base(), `${base()}/modul/${temp.key}/hapus`, {})).status).toBe(303);
    expect((await course())!.modules.map((m) => m.title)).not.toContain('Modul Sementara');
    expect((await lessonKeys()).includes(lesson.key)).toBe(false);
  });
});

describe('files', () => {
  const fileLesson = async () =>
    (await course())!.modules.flatMap((m) => m.lessons).find((l) => l.kind === 'file')!;

  it('stores a PDF in GridFS with its metadata and leaves nothing in uploads/', async () => {
    const key = (await fileLesson()).key;
    const res = await upload(
      author,
      `${base()}/pelajaran/${key}`,
      `${base()}/pelajaran/${key}/berkas`,
      'file',
      MINIMAL_PDF,
      'Ringkasan Materi (final).pdf',
    );
    expect(res.status).toBe(303);
    const file = (await fileLesson()).file!;
    expect(file).toMatchObject({
      name: 'Ringkasan-Materi-final-.pdf',
      contentType: 'application/pdf',
      size: MINIMAL_PDF.length,
      bucket: 'courseFiles',
    });
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    const stored = await t.db.connection.db!.collection('courseFiles.files').findOne({ _id: file.id });
    expect(stored!.metadata).toMatchObject({
      course: expect.anything(),
      sha256: file.sha256,
      size: MINIMAL_PDF.length,
      contentType: 'application/pdf',
    });
    expect(stagedFiles(t.config.uploadsDir)).toEqual([]);
  });

  it('refuses a .pdf that holds HTML or a program, and a PNG named .pdf, with a clear message', async () => {
    const key = (await fileLesson()).key;
    const before = await gridFsCount('courseFiles');
    const cases: Array<[Buffer, string, string]> = [
      [
        Buffer.from('<html><script>alert(1)</script></html>'),
        'materi.pdf',
        'isinya bukan jenis yang diizinkan',
      ],
      [
        Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(600)]),
        'materi.pdf',
        'isinya bukan jenis yang diizinkan',
      ],
      [MINIMAL_PDF, 'materi.xlsx', 'namanya tidak sesuai isinya'],
    ];
    for (const [bytes, name, message] of cases) {
      const res = await upload(
        author,
        `${base()}/pelajaran/${key}`,
        `${base()}/pelajaran/${key}/berkas`,
        'file',
        bytes,
        name,
      );
      expect(res.status).toBe(422);
      expect(res.text).toContain(message);
    }
    expect(await gridFsCount('courseFiles')).toBe(before);
    expect(stagedFiles(t.config.uploadsDir)).toEqual([]);
  });

  it('answers an oversized upload with 413 and leaves nothing in GridFS or uploads/', async () => {
    const before = await gridFsCount('courseImages');
    const big = Buffer.concat([
      Buffer.from('\x89PNG\r\n\x1a\n', 'binary'),
      Buffer.alloc(5 * 1024 * 1024 + 10),
    ]);
    const res = await upload(author, base(), `${base()}/gambar`, 'image', big, 'besar.png');
    expect(res.status).toBe(413);
    expect(await gridFsCount('courseImages')).toBe(before);
    expect(stagedFiles(t.config.uploadsDir)).toEqual([]);
  });

  it('adds an SVG image to the library and serves it as an attachment with a sandbox', async () => {
    const svg = fs.readFileSync(path.join(__dirname, '../fixtures/course-packages/UJI-01/files/gembok.svg'));
    expect((await upload(author, base(), `${base()}/gambar`, 'image', svg, 'gembok.svg')).status).toBe(303);
    const asset = (await course())!.assets[0];
    const res = await author.get(`/kursus/${courseId}/berkas/${asset.file.id}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="gembok.svg"/);
    expect(res.headers['content-security-policy']).toContain('sandbox');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect((await upload(author, base(), `${base()}/gambar`, 'image', svg, 'kedua.svg')).status).toBe(303);
    expect(
      (await postCourseForm(author, base(), `${base()}/gambar/hapus`, { name: 'kedua.svg' })).status,
    ).toBe(303);
    expect((await course())!.assets.map((a) => a.name)).toEqual(['gembok.svg']);
    const preview = await author.get(`${base()}/pratinjau/${(await lessonKeys())[0]}`);
    expect(preview.text).toContain(`src="/kursus/${courseId}/berkas/${asset.file.id}"`);
  });

  it('serves byte ranges (206 with exactly those bytes), 416 past the end, and 304 for a matching ETag', async () => {
    const file = (await fileLesson()).file!;
    const url = `/kursus/${courseId}/berkas/${file.id}`;
    const part = await author.get(url).set('Range', 'bytes=10-19').buffer(true).parse(collectBytes);
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-19/${MINIMAL_PDF.length}`);
    expect(Buffer.compare(part.body as Buffer, MINIMAL_PDF.subarray(10, 20))).toBe(0);
    const tail = await author.get(url).set('Range', 'bytes=-7').buffer(true).parse(collectBytes);
    expect(Buffer.compare(tail.body as Buffer, MINIMAL_PDF.subarray(MINIMAL_PDF.length - 7))).toBe(0);
    expect((await author.get(url).set('Range', `bytes=${MINIMAL_PDF.length + 5}-`)).status).toBe(416);
    const whole = await author.get(url).buffer(true).parse(collectBytes);
    expect(whole.headers.etag).toBe(`"${file.sha256}"`);
    expect(whole.headers['content-disposition']).toMatch(/^attachment/);
    expect((await author.get(url).set('If-None-Match', whole.headers.etag)).status).toBe(304);
  });
});

describe('who may see a course', () => {
  it("answers another institution's author exactly like a missing course, on every channel", async () => {
    const missing = '5f0000000000000000000bad';
    const file = (await course())!.modules.flatMap((m) => m.lessons).find((l) => l.file)!.file!;
    for (const suffix of [
      '',
      '/pengaturan',
      '/riwayat',
      '/ekspor',
      `/pratinjau/${(await lessonKeys())[0]}`,
    ]) {
      const foreign = await otherAuthor.get(`/penulisan/${courseId}${suffix}`);
      const none = await otherAuthor.get(`/penulisan/${missing}${suffix}`);
      expect([foreign.status, none.status]).toEqual([404, 404]);
    }
    expect((await otherAuthor.get(`/kursus/${courseId}/berkas/${file.id}`)).status).toBe(404);
    const edit = await postCourseForm(otherAuthor, '/penulisan', `/penulisan/${courseId}/modul`, {
      title: 'Sisipan',
    });
    expect(edit.status).toBe(404);
    expect((await course())!.modules.map((m) => m.title)).not.toContain('Sisipan');
  });

  it('shows learners no draft and no file of a draft', async () => {
    const file = (await course())!.modules.flatMap((m) => m.lessons).find((l) => l.file)!.file!;
    expect((await learnerIn.get(`/kursus/${courseId}`)).status).toBe(404);
    expect((await learnerIn.get(`/kursus/${courseId}/berkas/${file.id}`)).status).toBe(404);
    expect((await learnerIn.get(`/penulisan/${courseId}`)).status).toBe(403);
    expect((await learnerIn.get('/kursus')).text).not.toContain('Literasi Digital untuk ASN');
  });
});

describe('review and publication', () => {
  it('lets only the author submit, only when complete', async () => {
    expect((await postCourseForm(curator, '/', `${base()}/ajukan`, {})).status).toBe(403);
    expect((await postCourseForm(learnerIn, '/', `${base()}/ajukan`, {})).status).toBe(403);
    const res = await postCourseForm(author, base(), `${base()}/ajukan`, {});
    expect(res.status).toBe(303);
    expect((await course())!.status).toBe('in_review');
  });

  it('freezes the course while in review, and lets the author withdraw it', async () => {
    const edit = await postCourseForm(author, base(), `${base()}/modul`, { title: 'Modul Tiga' });
    expect(edit.status).toBe(409);
    expect((await postCourseForm(author, base(), `${base()}/tarik`, {})).status).toBe(303);
    expect((await course())!.status).toBe('draft');
    await postCourseForm(author, base(), `${base()}/ajukan`, {});
  });

  it('lets curators set JP and competency type, and return the course only with a comment', async () => {
    expect((await curator.get('/kurasi')).text).toContain('Literasi Digital untuk ASN');
    const settings = await postCourseForm(curator, `/kurasi/${courseId}`, `/kurasi/${courseId}/pengaturan`, {
      jp: '3',
      competencyType: 'manajerial',
    });
    expect(settings.status).toBe(303);
    expect(await course()).toMatchObject({ jp: 3, competencyType: 'manajerial' });
    const bare = await postCourseForm(curator, `/kurasi/${courseId}`, `/kurasi/${courseId}/kembalikan`, {
      comment: '',
    });
    expect(bare.status).toBe(422);
    expect(bare.text).toContain('Tulis catatan untuk penulis');
    const back = await postCourseForm(curator, `/kurasi/${courseId}`, `/kurasi/${courseId}/kembalikan`, {
      comment: 'Tambahkan contoh kasus dari Disdukcapil.',
    });
    expect(back.status).toBe(303);
    expect((await author.get(base())).text).toContain('Tambahkan contoh kasus dari Disdukcapil.');
    expect((await postCourseForm(otherAuthor, '/', `/kurasi/${courseId}/terbitkan`, {})).status).toBe(403);
  });

  it('publishes version 1 for the audience only, with history and audit entries', async () => {
    await postCourseForm(author, base(), `${base()}/ajukan`, {});
    const review = await curator.get(`/kurasi/${courseId}`);
    expect(review.text).toContain('Kursus ini belum pernah terbit');
    expect(
      (
        await postCourseForm(curator, `/kurasi/${courseId}`, `/kurasi/${courseId}/terbitkan`, {
          comment: 'Layak terbit.',
        })
      ).status,
    ).toBe(303);
    expect(await course()).toMatchObject({ status: 'published', publishedVersion: 1 });
    const page = await learnerIn.get(`/kursus/${courseId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Literasi Digital untuk ASN');
    const file = (await course())!.modules.flatMap((m) => m.lessons).find((l) => l.file)!.file!;
    expect((await learnerIn.get(`/kursus/${courseId}/berkas/${file.id}`)).status).toBe(200);
    expect((await learnerOut.get(`/kursus/${courseId}`)).status).toBe(404);
    expect((await learnerOut.get(`/kursus/${courseId}/berkas/${file.id}`)).status).toBe(404);
    expect((await learnerOut.get('/kursus')).text).not.toContain('Literasi Digital untuk ASN');
    const history = await author.get(`${base()}/riwayat`);
    for (const text of [
      'Dibuat',
      'Diajukan untuk ditinjau',
      'Dikembalikan kepada penulis',
      'Diterbitkan sebagai versi 1',
      'Layak terbit.',
    ])
      expect(history.text).toContain(text);
    const actions = (await AuditEntry.find({ targetId: courseId }).lean()).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'course.submitted',
        'course.withdrawn',
        'course.curator_edited',
        'course.returned',
        'course.published',
      ]),
    );
  });

  it('keeps learners on the published version while the next one is written, and carries unchanged lessons over', async () => {
    const keys = await lessonKeys();
    const edited = keys[0];
    await postCourseForm(author, `${base()}/pelajaran/${edited}`, `${base()}/pelajaran/${edited}`, {
      title: 'Pelajaran B (revisi)',
      kind: 'text',
      minutes: '12',
      body: 'Isi yang diperbarui.',
      intent: 'save',
    });
    expect((await course())!.status).toBe('draft');
    await postCourseForm(learnerIn, `/kursus/${courseId}`, `/kursus/${courseId}/ikuti`, {}); // the player needs an enrolment
    const old = await learnerIn.get(`/kursus/${courseId}/pelajaran/${edited}`);
    expect(old.status).toBe(200);
    expect(old.text).not.toContain('Isi yang diperbarui.');
    await postCourseForm(author, base(), `${base()}/ajukan`, {});
    const review = await curator.get(`/kurasi/${courseId}`);
    expect(review.text).toContain('Perubahan sejak versi 1');
    expect(review.text).toContain('Pelajaran B (revisi)');
    await postCourseForm(curator, `/kurasi/${courseId}`, `/kurasi/${courseId}/terbitkan`, { comment: '' });
    expect(await CourseVersion.countDocuments({ course: courseId })).toBe(2);
    const carried = await unchangedLessonKeys(courseId, 1, 2);
    expect(carried).not.toContain(edited);
    expect(carried).toEqual(expect.arrayContaining(keys.filter((k) => k !== edited)));
    expect((await learnerIn.get(`/kursus/${courseId}/pelajaran/${edited}`)).text).toContain(
      'Isi yang diperbarui.',
    );
  });

  it('archives and restores (curators only); an archived course leaves the catalogue', async () => {
    expect((await postCourseForm(author, base(), `/kurasi/${courseId}/arsipkan`, {})).status).toBe(403);
    expect(
      (
        await postCourseForm(curator, `/kurasi/${courseId}`, `/kurasi/${courseId}/arsipkan`, {
          comment: 'Diganti kursus baru.',
        })
      ).status,
    ).toBe(303);
    expect((await learnerIn.get(`/kursus/${courseId}`)).status).toBe(404);
    expect((await postCourseForm(author, base(), `${base()}/modul`, { title: 'Modul Arsip' })).status).toBe(
      409,
    );
    expect(
      (await postCourseForm(curator, `/kurasi/${courseId}`, `/kurasi/${courseId}/pulihkan`, {})).status,
    ).toBe(303);
    expect((await learnerIn.get(`/kursus/${courseId}`)).status).toBe(200);
  });

  it('answers anonymous visitors with the sign-in page', async () => {
    const res = await request(t.app).get(`/kursus/${courseId}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/login/);
  });
});
