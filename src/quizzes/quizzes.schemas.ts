// zod schemas of the authors' quiz forms (the question form is in question-form.ts).
import { z } from 'zod';
import { isCalendarDay } from '../core/wib';
import { GRADING_METHODS, QUIZ_KINDS, REVIEW_ITEMS } from './quiz.model';

const hexId = z.string().regex(/^[0-9a-f]{24}$/i);
const checkbox = z.literal('on').optional();
const many = <T extends z.ZodType>(item: T) =>
  z
    .union([item, z.array(item).max(200)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

export const categoryForm = z
  .object({
    name: z.string().trim().min(1).max(200),
    parent: z
      .union([hexId, z.literal('')])
      .optional()
      .default(''),
    info: z.string().max(2000).optional().default(''),
    idnumber: z.string().trim().max(100).optional().default(''),
  })
  .strict();

export const bankQuery = z.object({ kategori: hexId.optional().catch(undefined) });
export const newQuestionQuery = z.object({
  jenis: z.string().max(20).optional().catch(undefined),
  kategori: hexId.optional().catch(undefined),
});

/** A WIB date and time from two fields (YYYY-MM-DD and HH:MM); both empty is none. */
const wibDateTime = (day: string, time: string): Date | null | undefined => {
  if (!day && !time) return null;
  if (!isCalendarDay(day) || !/^([01]\d|2[0-3]):[0-5]\d$/.test(time || '00:00')) return undefined;
  return new Date(`${day}T${time || '00:00'}:00+07:00`);
};

const whole = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const quizSettingsForm = z
  .object({
    kind: z.enum(QUIZ_KINDS),
    entries: many(hexId),
    drawCategory: z
      .union([hexId, z.literal('')])
      .optional()
      .default(''),
    drawCount: z
      .union([whole(1, 100), z.literal('')])
      .optional()
      .default(''),
    shuffleQuestions: checkbox,
    shuffleOptions: checkbox,
    timeLimitMinutes: whole(0, 600),
    graceSeconds: whole(0, 3600),
    openDay: z.string().max(10).optional().default(''),
    openTime: z.string().max(5).optional().default(''),
    closeDay: z.string().max(10).optional().default(''),
    closeTime: z.string().max(5).optional().default(''),
    attemptsAllowed: whole(0, 50),
    gradingMethod: z.enum(GRADING_METHODS),
    passMark: z
      .union([whole(0, 100), z.literal('')])
      .optional()
      .default(''),
    questionsPerPage: whole(0, 50),
    reviewImmediately: many(z.enum(REVIEW_ITEMS)),
    reviewOpen: many(z.enum(REVIEW_ITEMS)),
    reviewClosed: many(z.enum(REVIEW_ITEMS)),
  })
  .strict()
  .transform((f, ctx) => {
    const openAt = wibDateTime(f.openDay, f.openTime);
    const closeAt = wibDateTime(f.closeDay, f.closeTime);
    if (openAt === undefined)
      ctx.addIssue({ code: 'custom', path: ['openDay'], message: 'common.validation.invalid' });
    if (closeAt === undefined)
      ctx.addIssue({ code: 'custom', path: ['closeDay'], message: 'common.validation.invalid' });
    const slots = [...new Set(f.entries)].map((entry) => ({
      entry,
      category: null,
      count: 1,
      includeSubcategories: false,
    }));
    if (f.drawCategory && f.drawCount)
      slots.push({
        entry: null as never,
        category: f.drawCategory as never,
        count: f.drawCount,
        includeSubcategories: true,
      });
    return {
      kind: f.kind,
      slots: slots as Array<{
        entry: string | null;
        category: string | null;
        count: number;
        includeSubcategories: boolean;
      }>,
      shuffleQuestions: f.shuffleQuestions === 'on',
      shuffleOptions: f.shuffleOptions === 'on',
      timeLimitMinutes: f.timeLimitMinutes,
      graceSeconds: f.graceSeconds,
      openAt: openAt ?? null,
      closeAt: closeAt ?? null,
      attemptsAllowed: f.attemptsAllowed,
      gradingMethod: f.gradingMethod,
      passMark: f.passMark === '' ? null : f.passMark,
      questionsPerPage: f.questionsPerPage,
      review: { immediately: f.reviewImmediately, open: f.reviewOpen, closed: f.reviewClosed },
    };
  });

export const overrideForm = z
  .object({
    person: z.string().trim().min(1).max(60),
    extraMinutes: whole(0, 600),
    extraAttempts: whole(0, 20),
    openDay: z.string().max(10).optional().default(''),
    openTime: z.string().max(5).optional().default(''),
    closeDay: z.string().max(10).optional().default(''),
    closeTime: z.string().max(5).optional().default(''),
  })
  .strict()
  .transform((f, ctx) => {
    const openAt = wibDateTime(f.openDay, f.openTime);
    const closeAt = wibDateTime(f.closeDay, f.closeTime);
    if (openAt === undefined)
      ctx.addIssue({ code: 'custom', path: ['openDay'], message: 'common.validation.invalid' });
    if (closeAt === undefined)
      ctx.addIssue({ code: 'custom', path: ['closeDay'], message: 'common.validation.invalid' });
    if (openAt && closeAt && openAt >= closeAt)
      ctx.addIssue({ code: 'custom', path: ['closeDay'], message: 'quizzes.errors.closeBeforeOpen' });
    return {
      person: f.person,
      extraMinutes: f.extraMinutes,
      extraAttempts: f.extraAttempts,
      openAt: openAt ?? null,
      closeAt: closeAt ?? null,
    };
  });

export const gradeForm = z
  .object({
    // eslint-disable-next-line security/detect-unsafe-regex -- anchored, every repetition bounded
    marks: z.string().regex(/^\d{1,3}([.,]\d{1,2})?$/, 'quizzes.errors.marks'),
    comment: z.string().max(5000).optional().default(''),
  })
  .strict();
