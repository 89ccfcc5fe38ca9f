// zod schemas of the course authoring forms, the review forms and the course package manifest's
// course part. Forms arrive urlencoded (flat keys; a repeated checkbox is an array).
import { z } from 'zod';
import { toEmbedUrl } from '../core/video-embeds';
import { COMPETENCY_TYPES, COURSE_AREAS, LESSON_KINDS } from './course.model';

/** Zero, one or many values of a checkbox group, as a list. */
const many = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const objectIds = many.pipe(z.array(z.string().regex(/^[0-9a-f]{24}$/i, 'courses.errors.choice')).max(100));

export const courseCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9_-]{1,39}$/, 'courses.errors.code');

/** Whole or half JP. */
export const jpValue = z.coerce
  .number('courses.errors.jp')
  .min(0.5, 'courses.errors.jp')
  .max(200, 'courses.errors.jp')
  .refine((n) => Number.isInteger(n * 2), 'courses.errors.jpHalf');

const text = (max: number, key = 'common.validation.tooLong') => z.string().trim().max(max, key);

/** Objectives typed one per line. */
const objectiveLines = z
  .string()
  .max(5000, 'common.validation.tooLong')
  .transform((v) =>
    v
      .split(/\r?\n/)
      .map((l) => l.replace(/^[-*•\d.)\s]+/, '').trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.string().max(300, 'courses.errors.objectiveTooLong'))
      .max(20, 'courses.errors.tooManyObjectives'),
  );

const signatoryFields = Object.fromEntries(
  [1, 2, 3].flatMap((n) => [
    [`sig${n}Name`, text(200).optional().default('')],
    [`sig${n}Nip`, z.string().trim().max(40).optional().default('')],
    [`sig${n}Position`, text(200).optional().default('')],
  ]),
) as Record<string, z.ZodType<string>>;

export const courseForm = z
  .object({
    code: courseCode,
    title: z.string().trim().min(5, 'courses.errors.title').max(200, 'common.validation.tooLong'),
    summary: text(2000),
    objectives: objectiveLines,
    competencyType: z.enum(COMPETENCY_TYPES, 'courses.errors.competencyType'),
    area: z.enum(COURSE_AREAS, 'courses.errors.area'),
    jp: jpValue,
    audienceAll: z.enum(['all', 'opds'], 'courses.errors.audience'),
    audienceOpds: objectIds,
    prerequisites: objectIds,
    coauthors: objectIds,
    cover: z
      .string()
      .trim()
      .max(120)
      .regex(/^[A-Za-z0-9._-]*$/, 'courses.errors.choice')
      .optional()
      .default(''),
    quizPassMark: z.coerce.number('courses.errors.passMark').int('courses.errors.passMark').min(0).max(100),
    /** A checkbox: present ("on") when ticked, absent otherwise. */
    studyInOrder: z
      .literal('on', 'courses.errors.choice')
      .optional()
      .transform((v) => v === 'on'),
    ...signatoryFields,
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.audienceAll === 'opds' && v.audienceOpds.length === 0)
      ctx.addIssue({ code: 'custom', path: ['audienceOpds'], message: 'courses.errors.audienceOpds' });
    const rec = v as unknown as Record<string, string>;
    for (const n of [1, 2, 3]) {
      const [name, nip, position] = [rec[`sig${n}Name`], rec[`sig${n}Nip`], rec[`sig${n}Position`]];
      if (!name && !nip && !position) continue;
      if (!name)
        ctx.addIssue({ code: 'custom', path: [`sig${n}Name`], message: 'courses.errors.signatoryName' });
      if (!/^\d{18}$/.test(nip.replace(/[\s.-]/g, '')))
        ctx.addIssue({ code: 'custom', path: [`sig${n}Nip`], message: 'courses.errors.signatoryNip' });
      if (!position)
        ctx.addIssue({
          code: 'custom',
          path: [`sig${n}Position`],
          message: 'courses.errors.signatoryPosition',
        });
    }
  });
export type CourseFormInput = z.infer<typeof courseForm>;

/** The signatories typed in the form's three rows, filled rows only. */
export function signatoriesOf(
  input: CourseFormInput,
): Array<{ name: string; nip: string; position: string }> {
  const rec = input as unknown as Record<string, string>;
  return [1, 2, 3]
    .map((n) => ({
      name: rec[`sig${n}Name`],
      nip: rec[`sig${n}Nip`].replace(/[\s.-]/g, ''),
      position: rec[`sig${n}Position`],
    }))
    .filter((s) => s.name || s.nip || s.position);
}

export const moduleForm = z
  .object({
    title: z.string().trim().min(3, 'courses.errors.moduleTitle').max(200, 'common.validation.tooLong'),
  })
  .strict();

export const lessonForm = z
  .object({
    title: z.string().trim().min(3, 'courses.errors.lessonTitle').max(200, 'common.validation.tooLong'),
    kind: z.enum(LESSON_KINDS, 'courses.errors.kind'),
    minutes: z.coerce
      .number('courses.errors.minutes')
      .int('courses.errors.minutes')
      .min(1, 'courses.errors.minutes')
      .max(600, 'courses.errors.minutes'),
    body: z.string().max(150_000, 'courses.errors.bodyTooLong').optional().default(''),
    embedUrl: z
      .string()
      .trim()
      .max(300)
      .optional()
      .default('')
      .refine((v) => v === '' || toEmbedUrl(v) !== undefined, 'courses.errors.embedHost')
      .transform((v) => (v ? toEmbedUrl(v)! : '')),
    quizRequired: z.literal('on').optional(),
    intent: z.enum(['save', 'preview']).optional().default('save'),
  })
  .strict();
export type LessonFormInput = z.infer<typeof lessonForm>;

export const moveForm = z.object({ direction: z.enum(['up', 'down']) }).strict();

export const commentForm = z
  .object({ comment: z.string().trim().max(4000, 'common.validation.tooLong').optional().default('') })
  .strict();

export const requiredCommentForm = z
  .object({
    comment: z
      .string()
      .trim()
      .min(5, 'courses.errors.commentRequired')
      .max(4000, 'common.validation.tooLong'),
  })
  .strict();

export const curatorSettingsForm = z
  .object({ jp: jpValue, competencyType: z.enum(COMPETENCY_TYPES, 'courses.errors.competencyType') })
  .strict();

export const importForm = z
  .object({
    code: z
      .union([z.literal(''), courseCode])
      .optional()
      .default(''),
  })
  .strict();

export const workspaceQuery = z
  .object({ q: z.string().trim().max(100).optional().catch(undefined) })
  .strict();
