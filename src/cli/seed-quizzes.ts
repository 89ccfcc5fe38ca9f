// Demo quizzes: each demo course with a question bank in src/cli/demo-quizzes/<CODE>.gift (plus
// <CODE>.xml for ordering questions, which GIFT cannot hold) gets it imported (through the same
// reader as the import page) and its quiz lessons set up (pre-test: 5 drawn from "Inti"; module 2
// quiz: the "Modul 2" questions; post-test: 8 drawn from "Inti", required, 20 minutes, 2 attempts):
// seedDemoQuizzes, before the server answers. Then seedDemoAttempts lets seeded learners take them,
// with their essays graded, so item analysis and learning gain show real numbers: it is the slow
// part, so `npm start` runs it in the background with the demo completions. Idempotent: a bank with
// questions is left as it is, and a course whose quizzes have been taken gets no more attempts.
/* eslint-disable security/detect-non-literal-fs-filename -- the seed's own bank files */
import fs from 'node:fs/promises';
import path from 'node:path';
import { courseIdByCode, publishedCourse } from '../courses';
import type { Actor } from '../core/actor';
import { findAccount } from '../users';
import {
  categoryAtPath,
  courseLearningGain,
  essayQueue,
  gradeEssay,
  questionImport,
  quizLessons,
  saveQuizSettings,
  simulateDemoAttempt,
} from '../quizzes';
import { actorOf, DEMO_COURSES_DIR, partnerAuthor, partnerCodeOf } from './seed-courses';

export const DEMO_QUIZZES_DIR = path.join(__dirname, 'demo-quizzes');

const REVIEW = {
  immediately: ['marks', 'correctness', 'feedback'],
  open: ['marks', 'correctness'],
  closed: ['marks', 'correctness', 'feedback', 'rightAnswer'],
};

/** A number in 0..1 from a text, the same every run (so the demo looks the same every time). */
function seeded(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return ((h >>> 0) % 10_000) / 10_000;
}

/**
 * A course's demo bank: <CODE>.gift and, when there is one, <CODE>.xml (Moodle XML) for the types
 * GIFT cannot hold (ordering), read through the import page's reader and joined in file order.
 */
type BankFile = Awaited<ReturnType<typeof questionImport.readQuestionFile>>['result'];

async function readBank(code: string): Promise<BankFile> {
  const gift = await questionImport.readQuestionFile(
    await fs.readFile(path.join(DEMO_QUIZZES_DIR, `${code}.gift`)),
  );
  const xmlFile = path.join(DEMO_QUIZZES_DIR, `${code}.xml`);
  const xml = await fs.readFile(xmlFile).then(
    (bytes) => questionImport.readQuestionFile(bytes, xmlFile),
    () => undefined,
  );
  if (!xml) return gift.result;
  const offset = gift.result.questions.length;
  const shift = <T extends { position: number }>(items: T[]) =>
    items.map((item) => ({ ...item, position: item.position + offset }));
  return {
    questions: [...gift.result.questions, ...shift(xml.result.questions)],
    problems: [...gift.result.problems, ...shift(xml.result.problems)],
  };
}

/** The codes of the demo courses with a question bank (src/cli/demo-quizzes/<CODE>.gift), in order. */
async function bankCodes(): Promise<string[]> {
  const files = await fs.readdir(DEMO_QUIZZES_DIR).catch(() => [] as string[]);
  return files
    .filter((f) => f.endsWith('.gift'))
    .sort()
    .map((f) => path.basename(f, '.gift'));
}

/** Imports each demo bank into its course and sets up the course's quizzes; returns the courses' codes. */
export async function seedDemoQuizzes(): Promise<string[]> {
  const seededCodes: string[] = [];
  for (const code of await bankCodes()) {
    const course = await courseIdByCode(code);
    if (!course || course.status !== 'published') continue;
    const author = await partnerAuthor(await partnerCodeOf(path.join(DEMO_COURSES_DIR, code)));
    const bank = await essayQueue(author, course.id).catch(() => undefined);
    if (!bank) continue;
    if (await questionImport.hasQuestions(course.id)) continue;
    await questionImport.importInto(author, course.id, await readBank(code), { requestId: 'seed' });
    const inti = await categoryAtPath(course.id, ['Bawaan', 'Inti']);
    const modul2 = await categoryAtPath(course.id, ['Bawaan', 'Modul 2']);
    const base = {
      shuffleQuestions: true,
      shuffleOptions: true,
      graceSeconds: 60,
      openAt: null,
      closeAt: null,
      gradingMethod: 'highest' as const,
      passMark: null,
      questionsPerPage: 1,
      review: REVIEW,
    };
    const draw = (category: string, count: number) => [
      { entry: null, category, count, includeSubcategories: false },
    ];
    const [pre, module2, post] = await demoQuizLessons(author, course.id);
    await saveQuizSettings(author, course.id, pre.key, {
      ...base,
      kind: 'pretest',
      slots: draw(inti, 5),
      timeLimitMinutes: 10,
      attemptsAllowed: 1,
    });
    await saveQuizSettings(author, course.id, module2.key, {
      ...base,
      kind: 'ordinary',
      slots: draw(modul2, 10),
      timeLimitMinutes: 0,
      attemptsAllowed: 0,
    });
    await saveQuizSettings(author, course.id, post.key, {
      ...base,
      kind: 'posttest',
      slots: draw(inti, 8),
      timeLimitMinutes: 20,
      attemptsAllowed: 2,
    });
    seededCodes.push(code);
  }
  return seededCodes;
}

/** The pre-test, the module 2 quiz and the post-test of a demo course (its first, second and last quiz lessons). */
async function demoQuizLessons(author: Actor, courseId: string) {
  const lessons = quizLessons((await publishedCourse(author, courseId)).content);
  return [lessons[0], lessons[1], lessons[lessons.length - 1]];
}

/**
 * The seeded learners take the quizzes of each demo course set up by seedDemoQuizzes (pre-test,
 * module 2 quiz, post-test, dated in the month before `now`), and the author grades most essays.
 * A course whose pre-test and post-test have been taken is left alone. Returns the courses' codes.
 */
export async function seedDemoAttempts(learnerIds: string[], now = new Date()): Promise<string[]> {
  const done: string[] = [];
  for (const code of await bankCodes()) {
    const course = await courseIdByCode(code);
    if (!course || course.status !== 'published' || !(await questionImport.hasQuestions(course.id))) continue;
    if ((await courseLearningGain(course.id)).people > 0) continue;
    const author = await partnerAuthor(await partnerCodeOf(path.join(DEMO_COURSES_DIR, code)));
    const [pre, module2, post] = await demoQuizLessons(author, course.id);
    const day = 24 * 3600_000;
    for (const [n, learnerId] of learnerIds.entries()) {
      const learner = await actorOf(learnerId);
      const ability = 0.35 + 0.6 * seeded(`${code}:${learnerId}`);
      const start = new Date(now.getTime() - (30 - (n % 10)) * day);
      await simulateDemoAttempt(
        learner,
        course.id,
        pre.key,
        start,
        (slot) => seeded(`${learnerId}:pre:${slot}`) < ability - 0.25,
      );
      await simulateDemoAttempt(
        learner,
        course.id,
        module2.key,
        new Date(start.getTime() + 5 * day),
        (slot) => seeded(`${learnerId}:m2:${slot}`) < ability,
      );
      await simulateDemoAttempt(
        learner,
        course.id,
        post.key,
        new Date(start.getTime() + 10 * day),
        (slot) => seeded(`${learnerId}:post:${slot}`) < ability + 0.1,
      );
    }
    // The author graded most essays; a few wait in the queue to show it.
    const { waiting } = await essayQueue(author, course.id);
    for (const w of waiting.slice(0, Math.max(0, waiting.length - 3))) {
      const marks = Math.round(w.points * (w.answer.length > 60 ? 0.8 : 0.2) * 100) / 100;
      await gradeEssay(
        author,
        course.id,
        w.attemptId,
        w.slot,
        {
          marks,
          comment:
            w.answer.length > 60 ? 'Runtut dan menyebut langkah nyata.' : 'Sebutkan tindakan dan waktunya.',
        },
        now,
      );
    }
    done.push(code);
  }
  return done;
}

/** The ids of seeded learners by their NIPs (those that exist). */
export async function learnerIdsOf(nips: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const nip of nips) {
    const account = await findAccount(nip);
    if (account) ids.push(account.id);
  }
  return ids;
}
