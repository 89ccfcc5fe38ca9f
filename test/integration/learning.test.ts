// Learning: the catalog (search, filters, audience), enrolment rules, the player's progress
// arithmetic, completion exactly once with its JP in the right WIB year, another person's progress
// out of reach, HR assignments within their scope, progress carried to a new version, quiz outcomes,
// and reminders sent once even with two schedulers.
import mongoose, { Types } from 'mongoose';
import { createTestApp, createTestClock, type TestApp } from '../support/app';
import { createOpd, createUser, DEFAULT_PASSWORD } from '../support/factories';
import { csrfToken, postForm, signedInAgent, type Agent } from '../support/auth';
import { publishCourse, republish, storePdf } from '../support/learning';
import { Course } from '../../src/courses/course.model';
import { Enrolment, JpCredit, LessonProgress, Notification } from '../../src/learning/enrolment.model';
import { Mail } from '../../src/mail/mail.model';
import { whenWatchedCachesLive } from '../../src/db/watched-cache';
import {
  enrolmentResults,
  recordQuizOutcome,
  registerCompletionHook,
  runReminders,
} from '../../src/learning';

let t: TestApp;
const clock = createTestClock(new Date('2026-06-10T03:00:00Z'));
let opdA: { _id: Types.ObjectId };
let opdB: { _id: Types.ObjectId };
let hookCalls: string[] = [];
let failHook = false;

beforeAll(async () => {
  t = await createTestApp({ clock });
  opdA = await createOpd({ name: 'Dinas A' });
  opdB = await createOpd({ name: 'Dinas B' });
  // Like the certificates feature: writes inside the completion's transaction (rolled back with it).
  registerCompletionHook(async (event, session) => {
    if (failHook) throw new Error('certificate could not be issued');
    await mongoose.connection
      .db!.collection('hookWrites')
      .insertOne({ enrolment: event.enrolmentId }, { session });
    hookCalls.push(event.enrolmentId);
  });
});
afterAll(() => t.close());
beforeEach(() => {
  hookCalls = [];
  failHook = false;
});

async function learner(fields: { opd?: { _id: Types.ObjectId }; email?: string } = {}) {
  const person = await createUser({ opd: fields.opd ?? opdA, email: fields.email });
  const agent = await signedInAgent(t.app, person.email!, DEFAULT_PASSWORD);
  return { person, agent };
}

async function post(agent: Agent, page: string, action: string, fields: Record<string, string> = {}) {
  return postForm(agent, page, action, fields);
}

async function enrolIn(agent: Agent, courseId: string) {
  return post(agent, `/kursus/${courseId}`, `/kursus/${courseId}/ikuti`);
}

async function markDone(agent: Agent, courseId: string, key: string) {
  const page = `/kursus/${courseId}/pelajaran/${key}`;
  return post(agent, page, `${page}/selesai`);
}

describe('catalog', () => {
  it('searches titles, summaries and objectives, filters, and shows only the audience its courses', async () => {
    await publishCourse({
      title: 'Menangkal Phishing',
      objectives: ['Mengenali surel palsu'],
      area: 'literasi_digital',
      jp: 1,
    });
    await publishCourse({
      title: 'Melayani dengan Empati',
      summary: 'Komunikasi pelayanan publik',
      area: 'komunikasi',
      jp: 6,
    });
    await publishCourse({ title: 'Khusus Dinas B', audienceOpds: [opdB._id] });
    const { agent } = await learner();
    const all = await agent.get('/kursus');
    expect(all.status).toBe(200);
    expect(all.text).toContain('Menangkal Phishing');
    expect(all.text).not.toContain('Khusus Dinas B');
    const byObjective = await agent.get('/kursus?q=surel');
    expect(byObjective.text).toContain('Menangkal Phishing');
    expect(byObjective.text).not.toContain('Melayani dengan Empati');
    const bySummary = await agent.get('/kursus?q=pelayanan');
    expect(bySummary.text).toContain('Melayani dengan Empati');
    const byArea = await agent.get('/kursus?area=komunikasi&jp=over5');
    expect(byArea.text).toContain('Melayani dengan Empati');
    expect(byArea.text).not.toContain('Menangkal Phishing');
    const { agent: other } = await learner({ opd: opdB });
    expect((await other.get('/kursus')).text).toContain('Khusus Dinas B');
    expect((await agent.get('/kursus?q=%00')).status).toBe(400);
    expect((await agent.get('/kursus?sort=evil&page=-3')).status).toBe(200);
  });
});

describe('catalog cards', () => {
  it('show the start of a long summary, cut at a word; the course page shows it whole', async () => {
    const summary = `${'Pelayanan publik yang ramah dan tuntas. '.repeat(6)}Kalimat penutup ringkasan.`;
    const course = await publishCourse({ title: 'Ringkasan Panjang Sekali', summary });
    const { agent } = await learner();
    const card = await agent.get('/kursus?q=ringkasan panjang');
    expect(card.text).toContain('Ringkasan Panjang Sekali');
    // 180 characters at most, cut after a whole word.
    expect(card.text).toContain(
      `${'Pelayanan publik yang ramah dan tuntas. '.repeat(4)}Pelayanan publik…</p>`,
    );
    expect(card.text).not.toContain('Kalimat penutup ringkasan.');
    expect((await agent.get(`/kursus/${course.id}`)).text).toContain('Kalimat penutup ringkasan.');
  });
});

describe('enrolment rules', () => {
  it('asks for prerequisites first, refuses a second enrolment, and hides courses outside the audience', async () => {
    const basic = await publishCourse({ title: 'Dasar', modules: [[{}]] });
    const advanced = await publishCourse({ title: 'Lanjutan', prerequisites: [basic._id] });
    const closed = await publishCourse({ title: 'Tertutup', audienceOpds: [opdB._id] });
    const { agent, person } = await learner();
    const page = await agent.get(`/kursus/${advanced.id}`);
    expect(page.text).toContain('Selesaikan dulu kursus prasyarat');
    expect(page.text).toContain('Dasar');
    expect((await enrolIn(agent, advanced.id)).status).toBe(409);
    expect(await Enrolment.countDocuments({ person: person._id })).toBe(0);

    expect((await enrolIn(agent, basic.id)).status).toBe(303);
    expect((await enrolIn(agent, basic.id)).status).toBe(409);
    expect(await Enrolment.countDocuments({ person: person._id, course: basic._id })).toBe(1);
    await markDone(agent, basic.id, basic.lessonKeys[0]);
    expect(await Enrolment.findOne({ person: person._id, course: basic._id }).lean()).toMatchObject({
      status: 'completed',
    });
    expect((await agent.get(`/kursus/${advanced.id}`)).text).toContain('Ikuti kursus');
    expect((await enrolIn(agent, advanced.id)).status).toBe(303);

    expect((await agent.get(`/kursus/${closed.id}`)).status).toBe(404);
    expect((await enrolIn(agent, closed.id)).status).toBe(404);
    const hr = await createUser({ roles: ['hr'], opd: opdA });
    const hrAgent = await signedInAgent(t.app, hr.email!, DEFAULT_PASSWORD);
    expect((await hrAgent.get(`/kursus/${closed.id}`)).text).toContain('OPD Anda tidak termasuk sasarannya');
  });
});

describe('the player and completion', () => {
  it('counts progress per lesson and per module, and completes the course the moment the last lesson is done', async () => {
    const course = await publishCourse({ jp: 3, modules: [[{}, {}], [{}]] });
    const { agent, person } = await learner();
    await enrolIn(agent, course.id);
    const first = await markDone(agent, course.id, course.lessonKeys[0]);
    expect(first.headers.location).toBe(`/kursus/${course.id}/pelajaran/${course.lessonKeys[1]}`);
    expect(await Enrolment.findOne({ person: person._id }).lean()).toMatchObject({
      lessonsDone: 1,
      lessonsTotal: 3,
      percent: 33,
    });
    const lesson = await agent.get(`/kursus/${course.id}/pelajaran/${course.lessonKeys[0]}`);
    expect(lesson.text).toContain('1 dari 3 pelajaran selesai');
    expect(lesson.text).toContain('1 dari 2 pelajaran selesai'); // module 1
    expect(lesson.text).toContain('value="33"');
    await markDone(agent, course.id, course.lessonKeys[0]); // twice: still one
    expect(await LessonProgress.countDocuments({ person: person._id })).toBe(1);
    await markDone(agent, course.id, course.lessonKeys[1]);
    expect(await Enrolment.findOne({ person: person._id }).lean()).toMatchObject({
      percent: 66,
      status: 'active',
    });
    const last = await markDone(agent, course.id, course.lessonKeys[2]);
    expect(last.headers.location).toBe(`/kursus/${course.id}`);
    const after = await agent.get(`/kursus/${course.id}`);
    expect(after.text).toContain('Selamat! Anda menyelesaikan kursus ini; 3 JP');
    expect(await JpCredit.find({ person: person._id }).lean()).toEqual([
      expect.objectContaining({ jp: 3, year: 2026 }),
    ]);
    expect(hookCalls).toHaveLength(1);
    const mine = await agent.get('/pembelajaran');
    expect(mine.text).toContain('3 dari 20 JP');
    const notices = await agent.get('/notifikasi');
    expect(notices.text).toContain('3 JP dicatat');
    // The completion's notice, then (after the commit and the PDF) the "certificate ready" one.
    for (
      let i = 0;
      i < 200 && !(await Notification.exists({ person: person._id, kind: 'certificateReady' }));
      i++
    )
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await agent.get('/')).text).toMatch(/class="badge">2<span class="visually-hidden"> belum dibaca/);
  });

  it('completes exactly once under 20 simultaneous "Tandai selesai" requests', async () => {
    const course = await publishCourse({ modules: [[{}]] });
    const { agent, person } = await learner();
    await enrolIn(agent, course.id);
    const page = `/kursus/${course.id}/pelajaran/${course.lessonKeys[0]}`;
    const token = await csrfToken(agent, page);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => agent.post(`${page}/selesai`).type('form').send({ _csrf: token })),
    );
    expect(responses.every((r) => r.status === 303)).toBe(true);
    expect(await JpCredit.countDocuments({ person: person._id })).toBe(1);
    expect(await Notification.countDocuments({ person: person._id, kind: 'completed' })).toBe(1);
    expect(await LessonProgress.countDocuments({ person: person._id })).toBe(1);
    const enrolment = await Enrolment.findOne({ person: person._id }).lean();
    expect(enrolment).toMatchObject({ status: 'completed', percent: 100 });
    // A retried transaction may run the hook again, but only one run's writes are committed.
    expect(
      await mongoose.connection
        .db!.collection('hookWrites')
        .countDocuments({ enrolment: String(enrolment!._id) }),
    ).toBe(1);
  });

  it('rolls the completion back when a completion hook fails', async () => {
    const course = await publishCourse({ modules: [[{}]] });
    const { agent, person } = await learner();
    await enrolIn(agent, course.id);
    failHook = true;
    expect((await markDone(agent, course.id, course.lessonKeys[0])).status).toBe(500);
    expect(await Enrolment.findOne({ person: person._id }).lean()).toMatchObject({ status: 'active' });
    expect(await JpCredit.countDocuments({ person: person._id })).toBe(0);
    expect(await Notification.countDocuments({ person: person._id, kind: 'completed' })).toBe(0);
    failHook = false;
    await markDone(agent, course.id, course.lessonKeys[0]);
    expect(await Enrolment.findOne({ person: person._id }).lean()).toMatchObject({ status: 'completed' });
  });

  it('credits JP to the WIB calendar year: 23:59 on 31 December vs 00:01 on 1 January', async () => {
    clock.now = new Date('2026-12-31T16:40:00Z'); // sessions stay within their 30-minute idle limit
    try {
      const course = await publishCourse({ jp: 2, modules: [[{}]] });
      const late = await learner();
      const early = await learner();
      await enrolIn(late.agent, course.id);
      await enrolIn(early.agent, course.id);
      const page = `/kursus/${course.id}/pelajaran/${course.lessonKeys[0]}`;
      const [lateToken, earlyToken] = [await csrfToken(late.agent, page), await csrfToken(early.agent, page)];
      clock.now = new Date('2026-12-31T16:59:00Z'); // 23:59 WIB on 31 December 2026
      expect(
        (await late.agent.post(`${page}/selesai`).type('form').send({ _csrf: lateToken })).headers.location,
      ).toBe(`/kursus/${course.id}`);
      clock.now = new Date('2026-12-31T17:01:00Z'); // 00:01 WIB on 1 January 2027
      await early.agent.post(`${page}/selesai`).type('form').send({ _csrf: earlyToken });
      expect((await JpCredit.findOne({ person: late.person._id }).lean())!.year).toBe(2026);
      expect((await JpCredit.findOne({ person: early.person._id }).lean())!.year).toBe(2027);
      expect((await early.agent.get('/pembelajaran')).text).toContain('2 dari 20 JP');
      const lateView = (await late.agent.get('/pembelajaran')).text;
      expect(lateView).toContain('0 dari 20 JP'); // it is 2027 now: 2026 is a past year
      expect(lateView).toMatch(/2026: 2 JP/);
    } finally {
      clock.now = new Date('2026-06-10T03:00:00Z');
    }
  });

  it("keeps another learner's progress out of reach (404) and unchanged", async () => {
    const course = await publishCourse({ modules: [[{}, {}]] });
    const owner = await learner();
    const other = await learner();
    await enrolIn(owner.agent, course.id);
    await markDone(owner.agent, course.id, course.lessonKeys[0]);
    const page = `/kursus/${course.id}/pelajaran/${course.lessonKeys[1]}`;
    const token = await csrfToken(other.agent, `/kursus/${course.id}`);
    const attempt = await other.agent.post(`${page}/selesai`).type('form').send({ _csrf: token });
    expect(attempt.status).toBe(404);
    expect((await other.agent.get(page)).status).toBe(303); // not enrolled: to the course page to enrol
    expect(await LessonProgress.countDocuments({ person: owner.person._id })).toBe(1);
    expect(await LessonProgress.countDocuments({ person: other.person._id })).toBe(0);
    const enrolment = await Enrolment.findOne({ person: owner.person._id }).lean();
    const cancel = await other.agent
      .post(`/penugasan/${enrolment!._id}/batal`)
      .type('form')
      .send({ _csrf: token });
    expect([403, 404]).toContain(cancel.status);
  });

  it('keeps progress on unchanged lessons when a new version is published', async () => {
    const course = await publishCourse({ modules: [[{}, {}, {}]] });
    const { agent, person } = await learner();
    await enrolIn(agent, course.id);
    await markDone(agent, course.id, course.lessonKeys[0]);
    await markDone(agent, course.id, course.lessonKeys[1]);
    const doc = await Course.findById(course._id);
    doc!.modules[0].lessons[1].body = 'Isi yang diperbarui';
    await doc!.save();
    await republish(course._id);
    const page = await agent.get(`/kursus/${course.id}`);
    expect(page.text).toContain('1 dari 3 pelajaran selesai');
    expect(await Enrolment.findOne({ person: person._id }).lean()).toMatchObject({
      version: 2,
      lessonsDone: 1,
      percent: 33,
    });
    const results = await enrolmentResults(String((await Enrolment.findOne({ person: person._id }))!._id));
    expect(results.map((r) => r.done)).toEqual([true, false, false]);
  });
});

describe('round trips', () => {
  it('reads the catalog and the course from memory: each learner page asks the database once or twice', async () => {
    const course = await publishCourse({ title: 'Kursus Hemat Kueri', modules: [[{}, {}]] });
    const { agent } = await learner();
    await enrolIn(agent, course.id);
    const page = `/kursus/${course.id}/pelajaran/${course.lessonKeys[0]}`;
    await markDone(agent, course.id, course.lessonKeys[0]);
    const token = await csrfToken(agent, page);
    const paths = ['/kursus', '/kursus?q=hemat', `/kursus/${course.id}`, page, '/pembelajaran'];
    for (const path of paths) await agent.get(path); // warms the caches
    await whenWatchedCachesLive();
    const commands: string[] = [];
    mongoose.set('debug', (collection: string, method: string) => commands.push(`${collection}.${method}`));
    try {
      const counted: Record<string, string[]> = {};
      for (const path of paths) {
        commands.length = 0;
        expect((await agent.get(path)).status).toBe(200);
        counted[path] = [...commands];
      }
      commands.length = 0;
      expect((await agent.post(`${page}/selesai`).type('form').send({ _csrf: token })).status).toBe(303);
      counted.again = [...commands];
      expect(counted).toEqual({
        '/kursus': ['enrolments.find'],
        '/kursus?q=hemat': ['enrolments.find'], // the text index is in memory with the catalog
        [`/kursus/${course.id}`]: ['enrolments.aggregate'],
        [page]: ['enrolments.aggregate'],
        '/pembelajaran': expect.arrayContaining(['enrolments.find', 'jpcredits.find']),
        again: ['enrolments.aggregate'], // a lesson done already: nothing to write
      });
      expect(counted['/pembelajaran']).toHaveLength(2);
    } finally {
      mongoose.set('debug', false);
    }
    const search = await agent.get('/kursus?q=hemat');
    expect(search.text).toContain('Kursus Hemat Kueri');
  });
});

describe('a course studied in order', () => {
  it('opens a lesson only once the lessons before it are done, on every channel', async () => {
    const file = await storePdf();
    const course = await publishCourse({
      studyInOrder: true,
      modules: [
        [
          { title: 'Pengantar Etika' },
          { title: 'Materi Unduhan', kind: 'file', file, body: 'Isi rahasia dua' },
        ],
        [{ title: 'Penutup', body: 'Isi rahasia tiga' }],
      ],
    });
    const [first, second, third] = course.lessonKeys;
    const lesson = (key: string) => `/kursus/${course.id}/pelajaran/${key}`;
    const fileUrl = `/kursus/${course.id}/berkas/${String(file.id)}`;
    const { agent, person } = await learner();
    expect((await agent.get(fileUrl)).status).toBe(403); // not enrolled: only the first lesson is open
    await enrolIn(agent, course.id);

    const coursePage = await agent.get(`/kursus/${course.id}`);
    expect(coursePage.text).toContain('Kursus ini dipelajari berurutan');
    expect(coursePage.text).toContain('Terkunci: selesaikan dulu «Pengantar Etika».');
    expect(coursePage.text).toContain(`href="${lesson(first)}"`);
    expect(coursePage.text).not.toContain(`href="${lesson(second)}"`);
    expect(coursePage.text).not.toContain(`href="${lesson(third)}"`);

    const locked = await agent.get(lesson(third));
    expect(locked.status).toBe(403);
    expect(locked.text).toContain('Selesaikan dulu «Pengantar Etika»');
    expect(locked.text).toContain(`href="${lesson(first)}"`);
    expect(locked.text).not.toContain('Isi rahasia tiga');
    expect(locked.text).not.toContain('Tandai selesai');
    const token = await csrfToken(agent, lesson(first));
    const early = await agent
      .post(`${lesson(third)}/selesai`)
      .type('form')
      .send({ _csrf: token });
    expect([early.status, early.text]).toEqual([403, expect.stringContaining('«Pengantar Etika»')]);
    expect(
      (
        await agent
          .post(`${lesson(second)}/unduh`)
          .type('form')
          .send({ _csrf: token })
      ).status,
    ).toBe(403);
    expect((await agent.get(fileUrl)).status).toBe(403);
    expect(await LessonProgress.countDocuments({ person: person._id })).toBe(0);

    expect((await markDone(agent, course.id, first)).headers.location).toBe(lesson(second));
    const open = await agent.get(lesson(second));
    expect([open.status, open.text]).toEqual([200, expect.stringContaining('Isi rahasia dua')]);
    expect(open.text).toContain('Terkunci: selesaikan dulu «Materi Unduhan».'); // the outline
    const download = await agent
      .post(`${lesson(second)}/unduh`)
      .type('form')
      .send({ _csrf: token });
    expect(download.headers.location).toBe(fileUrl);
    expect((await agent.get(fileUrl)).status).toBe(200);
    expect((await agent.get(lesson(third))).status).toBe(200);
    expect((await markDone(agent, course.id, third)).headers.location).toBe(`/kursus/${course.id}`);
    expect(await Enrolment.findOne({ person: person._id }).lean()).toMatchObject({ status: 'completed' });
  });

  it('leaves every lesson open when the course is not studied in order', async () => {
    const course = await publishCourse({ modules: [[{}, {}], [{ body: 'Isi bebas' }]] });
    const { agent } = await learner();
    await enrolIn(agent, course.id);
    const last = await agent.get(`/kursus/${course.id}/pelajaran/${course.lessonKeys[2]}`);
    expect([last.status, last.text]).toEqual([200, expect.stringContaining('Isi bebas')]);
    expect(last.text).not.toContain('terkunci');
    expect((await markDone(agent, course.id, course.lessonKeys[2])).status).toBe(303);
  });
});

describe('quizzes report outcomes', () => {
  it('a passed required quiz completes its lesson and the course; the best score is kept', async () => {
    const course = await publishCourse({
      modules: [[{}, { kind: 'quiz', quizRequired: true }]],
      quizPassMark: 80,
    });
    const { agent, person } = await learner();
    await enrolIn(agent, course.id);
    await markDone(agent, course.id, course.lessonKeys[0]);
    const quizPage = await agent.get(`/kursus/${course.id}/pelajaran/${course.lessonKeys[1]}`);
    expect(quizPage.text).toContain('Kuis untuk pelajaran ini belum tersedia');
    expect(quizPage.text).not.toContain('Tandai selesai</button>');
    const outcome = {
      personId: String(person._id),
      courseId: course.id,
      lessonKey: course.lessonKeys[1],
      gradedAt: clock(),
    };
    await recordQuizOutcome({ ...outcome, passed: false, scorePercent: 60 });
    expect(await Enrolment.findOne({ person: person._id }).lean()).toMatchObject({
      status: 'active',
      percent: 50,
    });
    await recordQuizOutcome({ ...outcome, passed: true, scorePercent: 90 });
    await recordQuizOutcome({ ...outcome, passed: true, scorePercent: 85 });
    expect(await Enrolment.findOne({ person: person._id }).lean()).toMatchObject({ status: 'completed' });
    const results = await enrolmentResults(String((await Enrolment.findOne({ person: person._id }))!._id));
    expect(results[1]).toMatchObject({
      kind: 'quiz',
      done: true,
      scorePercent: 90,
      passed: true,
      attempts: 3,
    });
    expect(await JpCredit.countDocuments({ person: person._id })).toBe(1);
  });
});

describe('HR assignments', () => {
  it('assigns within scope only, never twice, and cancels', async () => {
    const course = await publishCourse({ title: 'Wajib OPD' });
    const hrA = await createUser({ roles: ['hr'], opd: opdA });
    const agent = await signedInAgent(t.app, hrA.email!, DEFAULT_PASSWORD);
    const ours = await createUser({ opd: opdA, jabatan: 'Analis Kebijakan' });
    const theirs = await createUser({ opd: opdB });
    const form = { course: course.id, dueDay: '2026-07-01', mode: 'nips', nips: `${theirs.nip}` };
    const refused = await post(agent, '/penugasan', '/penugasan', form);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Tidak ada pegawai dalam cakupan Anda');
    const byOpd = await post(agent, '/penugasan', '/penugasan', {
      ...form,
      mode: 'opd',
      opd: String(opdB._id),
      nips: '',
    });
    expect(byOpd.status).toBe(422);
    expect(await Enrolment.countDocuments({ person: theirs._id })).toBe(0);

    const done = await post(agent, '/penugasan', '/penugasan', {
      ...form,
      nips: `${ours.nip}\n${theirs.nip}`,
    });
    expect(done.status).toBe(200);
    expect(done.text).toContain('ditugaskan kepada 1 pegawai');
    const again = await post(agent, '/penugasan', '/penugasan', {
      ...form,
      mode: 'position',
      jabatan: 'analis kebijakan',
      nips: '',
    });
    expect(again.text).toContain('1 pegawai sudah mendapat penugasan ini');
    expect(await Enrolment.countDocuments({ person: ours._id })).toBe(1);
    expect(await Notification.countDocuments({ person: ours._id, kind: 'assigned' })).toBe(1);
    expect(await Mail.countDocuments({ to: ours.email, kind: 'assigned' })).toBe(1);

    const learnerAgent = await signedInAgent(t.app, ours.email!, DEFAULT_PASSWORD);
    expect((await learnerAgent.get('/pembelajaran')).text).toMatch(/Wajib OPD[\s\S]*hari lagi/);

    const enrolment = await Enrolment.findOne({ person: ours._id }).lean();
    const hrB = await createUser({ roles: ['hr'], opd: opdB });
    const agentB = await signedInAgent(t.app, hrB.email!, DEFAULT_PASSWORD);
    expect((await post(agentB, '/penugasan', `/penugasan/${enrolment!._id}/batal`)).status).toBe(404);
    expect((await post(agent, '/penugasan', `/penugasan/${enrolment!._id}/batal`)).status).toBe(303);
    expect(await Enrolment.findById(enrolment!._id).lean()).toMatchObject({ status: 'cancelled' });
    expect((await learnerAgent.get('/pembelajaran')).text).not.toContain('Wajib OPD');
    expect((await enrolIn(learnerAgent, course.id)).status).toBe(303);
    expect(await Enrolment.findById(enrolment!._id).lean()).toMatchObject({
      status: 'active',
      source: 'self',
    });
  });

  it('lets BKPSDM HR assign across OPDs', async () => {
    const bkpsdm = await createOpd({ cityWideHr: true });
    const course = await publishCourse();
    const hr = await createUser({ roles: ['hr'], opd: bkpsdm });
    const agent = await signedInAgent(t.app, hr.email!, DEFAULT_PASSWORD);
    const person = await createUser({ opd: opdB });
    const res = await post(agent, '/penugasan', '/penugasan', {
      course: course.id,
      dueDay: '2026-08-01',
      mode: 'opd',
      opd: String(opdB._id),
      nips: '',
    });
    expect(res.status).toBe(200);
    expect(await Enrolment.countDocuments({ person: person._id, source: 'assigned' })).toBe(1);
  });
});

describe('reminders', () => {
  it('sends each reminder once even when two schedulers run at the same time', async () => {
    const course = await publishCourse({ title: 'Segera Jatuh Tempo' });
    const hr = await createUser({ roles: ['hr'], opd: opdA });
    const agent = await signedInAgent(t.app, hr.email!, DEFAULT_PASSWORD);
    const soon = await createUser({ opd: opdA });
    const late = await createUser({ opd: opdA });
    await post(agent, '/penugasan', '/penugasan', {
      course: course.id,
      dueDay: '2026-06-14',
      mode: 'nips',
      nips: `${soon.nip}`,
    });
    await post(agent, '/penugasan', '/penugasan', {
      course: course.id,
      dueDay: '2026-06-11',
      mode: 'nips',
      nips: `${late.nip}`,
    });
    const now = new Date('2026-06-12T03:00:00Z');
    const config = t.config;
    const [one, two] = await Promise.all([runReminders(config, now), runReminders(config, now)]);
    expect(one.dueSoon + two.dueSoon).toBeGreaterThanOrEqual(1);
    expect(await Notification.countDocuments({ person: soon._id, kind: 'dueSoon' })).toBe(1);
    expect(await Notification.countDocuments({ person: late._id, kind: 'overdue' })).toBe(1);
    expect(await Mail.countDocuments({ to: soon.email, kind: 'dueSoon' })).toBe(1);
    expect(await Mail.countDocuments({ to: late.email, kind: 'overdue' })).toBe(1);
    expect(await Mail.countDocuments({ to: hr.email, kind: 'hrDigest' })).toBe(1);
    await runReminders(config, new Date('2026-06-12T09:00:00Z'));
    expect(await Notification.countDocuments({ person: late._id, kind: 'overdue' })).toBe(1);
    expect(await Mail.countDocuments({ to: late.email, kind: 'overdue' })).toBe(1);
  });
});

describe('Data saya', () => {
  it('lists the enrolments with their lessons and the JP ledger', async () => {
    const course = await publishCourse({ title: 'Untuk Data Saya', modules: [[{}]] });
    const { agent } = await learner();
    await enrolIn(agent, course.id);
    await markDone(agent, course.id, course.lessonKeys[0]);
    const res = await agent.get('/data-saya/unduh');
    expect(res.status).toBe(200);
    const data = (
      JSON.parse(res.text) as {
        sections: { enrolments: Array<{ course: string; lessons: unknown[] }>; jp: Array<{ jp: number }> };
      }
    ).sections;
    expect(data.enrolments[0].course).toContain('Untuk Data Saya');
    expect(data.enrolments[0].lessons).toHaveLength(1);
    expect(data.jp).toEqual([expect.objectContaining({ jp: 2 })]);
  });
});
