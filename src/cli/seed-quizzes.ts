// Demo quizzes: each demo course with a question bank in src/cli/demo-quizzes/<CODE>.gift (plus
// <CODE>.xml for ordering questions, which GIFT cannot hold) gets it imported (through the same
// reader as the import page), its quiz lessons set up (pre-test: 5 drawn from "Inti"; module 2
// quiz: the "Modul 2" questions; post-test: 8 drawn from "Inti", required, 20 minutes, 2
// attempts), and attempts by seeded learners, with their essays graded, so item analysis and
// learning gain show real numbers. Idempotent: a bank with questions is left as it is.
/* eslint-disable security/detect-non-literal-fs-filename -- the seed's own bank files */
import fs from 'node:fs/promises';
import path from 'node:path';
import { courseIdByCode, publishedCourse } from '../courses';
import { findAccount } from '../users';
import {
  categoryAtPath,
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

export async function seedDemoQuizzes(learnerIds: string[], now = new Date()): Promise<string[]> {
  let files: string[];
  try {
    files = (await fs.readdir(DEMO_QUIZZES_DIR)).filter((f) => f.endsWith('.gift')).sort();
  } catch {
    return [];
  }
  const seededCodes: string[] = [];
  for (const file of files) {
    const code = path.basename(file, '.gift');
    const course = await courseIdByCode(code);
    if (!course || course.status !== 'published') continue;
    const author = await partnerAuthor(await partnerCodeOf(path.join(DEMO_COURSES_DIR, code)));
    const bank = await essayQueue(author, course.id).catch(() => undefined);
    if (!bank) continue;
    if (await questionImport.hasQuestions(course.id)) continue;
    await questionImport.importInto(author, course.id, await readBank(code), { requestId: 'seed' });
    const inti = await categoryAtPath(course.id, ['Bawaan', 'Inti']);
    const modul2 = await categoryAtPath(course.id, ['Bawaan', 'Modul 2']);
    const published = await publishedCourse(author, course.id);
    const lessons = quizLessons(published.content);
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
    const [pre, module2, post] = [lessons[0], lessons[1], lessons[lessons.length - 1]];
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
    seededCodes.push(code);
  }
  return seededCodes;
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
