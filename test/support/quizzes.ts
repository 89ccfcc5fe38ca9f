// Helpers of the quiz tests: a published course with a quiz lesson, a bank with one question of
// every type, and the quiz's settings, made through the features' own services.
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { approveCourse, importCoursePackageDirectory, submitCourse } from '../../src/courses';
import { Course } from '../../src/courses/course.model';
import type { Actor } from '../../src/core/actor';
import { addQuestion, categoryAtPath } from '../../src/quizzes/bank.service';
import { saveQuizSettings, type QuizSettingsInput } from '../../src/quizzes/quiz-settings.service';
import type { QuestionInput } from '../../src/quizzes/question-rules';
import { PACKAGE_DIR } from './courses';

export const actorOf = (user: {
  _id: unknown;
  name: string;
  roles: string[];
  institution?: unknown;
  opd?: unknown;
}): Actor => ({
  id: String(user._id),
  name: user.name,
  roles: user.roles as Actor['roles'],
  institutionId: user.institution ? String(user.institution) : undefined,
  opdId: user.opd ? String(user.opd) : undefined,
  seesAllOpds: false,
  language: 'id',
});

const key = () => crypto.randomBytes(12).toString('hex');

/** Imports the test package under `code`, adds a quiz lesson (and a pre-test), and publishes it. */
export async function publishedQuizCourse(author: Actor, curator: Actor, code: string, now = new Date()) {
  const id = await importCoursePackageDirectory(author, PACKAGE_DIR, now, code);
  const lessonKey = key();
  const pretestKey = key();
  await Course.updateOne(
    { _id: id },
    {
      $push: {
        'modules.0.lessons': {
          $each: [
            { key: pretestKey, title: 'Pre-test', kind: 'quiz', minutes: 10, body: '' },
            {
              key: lessonKey,
              title: 'Kuis modul 1',
              kind: 'quiz',
              minutes: 15,
              body: '',
              quizRequired: true,
            },
          ],
        },
      },
    },
  );
  await submitCourse(author, id, now);
  await approveCourse(curator, id, '', now);
  return { courseId: id, lessonKey, pretestKey };
}

const row = (text: string, fraction: number, feedback = '') => ({
  id: crypto.randomBytes(6).toString('hex'),
  text,
  fraction,
  feedback,
});

/** One question of each type, each with a distinctive key text the tests look for in responses. */
export function questionsOfEveryType(): QuestionInput[] {
  const base = { idnumber: '', points: 1, generalFeedback: 'UMUM-RAHASIA', hints: [], shuffleOptions: true };
  return [
    {
      ...base,
      type: 'single',
      name: 'Kanal resmi',
      text: 'Kanal pengaduan nasional adalah…',
      data: {
        options: [
          row('SP4N-LAPOR!', 1, 'FEEDBACK-BENAR'),
          row('Surat kaleng', 0, 'FEEDBACK-SALAH'),
          row('Grup WhatsApp', 0),
        ],
      },
    },
    {
      ...base,
      type: 'multiple',
      name: 'Ciri kata sandi',
      text: 'Pilih ciri kata sandi yang kuat.',
      data: { options: [row('Panjang', 0.5), row('Unik', 0.5), row('Tanggal lahir', -1, 'PENALTI-RAHASIA')] },
    },
    {
      ...base,
      type: 'truefalse',
      name: 'Berbagi OTP',
      text: 'Kode OTP boleh dibagikan kepada petugas.',
      data: { correct: false, feedbackTrue: 'TF-SALAH-RAHASIA', feedbackFalse: 'TF-BENAR-RAHASIA' },
    },
    {
      ...base,
      type: 'shortanswer',
      name: 'Singkatan',
      text: 'Tulis nama kanal pengaduan nasional.',
      data: { answers: [row('KUNCI-SINGKAT*', 1)], caseSensitive: false, accentSensitive: false },
    },
    {
      ...base,
      type: 'numerical',
      name: 'Batas hari',
      text: 'Berapa hari kerja batas tindak lanjut?',
      data: {
        answers: [{ id: 'a1b2c3d4e5f6', value: 987654, tolerance: 0.5, fraction: 1, feedback: '' }],
        units: [{ unit: 'hari', multiplier: 1 }],
        unitHandling: 'optional',
        unitPenalty: 0.1,
      },
    },
    {
      ...base,
      type: 'matching',
      name: 'Tahap',
      text: 'Jodohkan tahap dengan artinya.',
      data: {
        stems: [
          { id: 'aaaaaaaaaaa1', text: 'Registrasi', choiceId: 'ccccccccccc1' },
          { id: 'aaaaaaaaaaa2', text: 'Verifikasi', choiceId: 'ccccccccccc2' },
        ],
        choices: [
          { id: 'ccccccccccc1', text: 'Mencatat aduan' },
          { id: 'ccccccccccc2', text: 'Memeriksa kelengkapan' },
          { id: 'ccccccccccc3', text: 'Pengecoh' },
        ],
      },
    },
    {
      ...base,
      type: 'ordering',
      name: 'Urutan',
      text: 'Urutkan langkah menangani aduan.',
      data: {
        items: [
          { id: 'ooooooooooo1', text: 'Terima' },
          { id: 'ooooooooooo2', text: 'Verifikasi' },
          { id: 'ooooooooooo3', text: 'Tindak lanjut' },
        ],
      },
    },
    {
      ...base,
      type: 'essay',
      name: 'Esai',
      text: 'Jelaskan cara Anda menenangkan warga yang marah.',
      data: { minWords: 5, maxWords: 200, graderInfo: 'RUBRIK-RAHASIA', responseTemplate: '' },
    },
  ];
}

export const DEFAULT_SETTINGS: QuizSettingsInput = {
  kind: 'ordinary',
  slots: [],
  shuffleQuestions: false,
  shuffleOptions: true,
  timeLimitMinutes: 0,
  graceSeconds: 60,
  openAt: null,
  closeAt: null,
  attemptsAllowed: 0,
  gradingMethod: 'highest',
  passMark: null,
  questionsPerPage: 0,
  review: {
    immediately: ['marks', 'correctness', 'feedback'],
    open: ['marks'],
    closed: ['marks', 'correctness', 'feedback', 'rightAnswer'],
  },
};

/** Puts the questions in the bank and a quiz on the lesson asking all of them, in order. */
export async function quizWith(
  author: Actor,
  course: { courseId: string; lessonKey: string },
  questions: QuestionInput[],
  settings: Partial<QuizSettingsInput> = {},
) {
  const category = await categoryAtPath(course.courseId, ['Bawaan']);
  const entries: string[] = [];
  for (const q of questions)
    entries.push(await addQuestion(author, new Types.ObjectId(course.courseId), category, q));
  await saveQuizSettings(author, course.courseId, course.lessonKey, {
    ...DEFAULT_SETTINGS,
    slots: entries.map((entry) => ({ entry, category: null, count: 1, includeSubcategories: false })),
    ...settings,
  });
  return { entries, category };
}
