// Web helpers of the quiz routers: path parameters (a malformed id answers like a missing one) and
// the paths of a quiz's pages.
import type { Request } from 'express';
import { NotFound } from '../web/errors';

/** A 24-hex id or key in the path, or the same 404 as a missing thing. */
export function hexParam(req: Request, name: string): string {
  const value = req.params[name];
  if (typeof value !== 'string' || !/^[0-9a-f]{24}$/i.test(value)) throw new NotFound(name);
  return value.toLowerCase();
}

export const QUIZ_PATH = '/kuis';
export const BANK_PATH = '/bank-soal';

export const quizPath = (courseId: string, lessonKey: string) => `${QUIZ_PATH}/${courseId}/${lessonKey}`;
export const attemptPath = (courseId: string, lessonKey: string, attemptId: string) =>
  `${quizPath(courseId, lessonKey)}/percobaan/${attemptId}`;

/** The course, lesson and attempt of a learner's quiz route. */
export function attemptParams(req: Request) {
  return {
    courseId: hexParam(req, 'courseId'),
    lessonKey: hexParam(req, 'lessonKey'),
    attemptId: hexParam(req, 'attemptId'),
  };
}
