// The course package format "binaasn.course.v1" (documented in the README, "Course packages"):
// a ZIP (or a directory laid out the same way) holding
//   manifest.json   the course, its modules and lessons (this schema)
//   lessons/*.md    the text of text lessons (Markdown; images as files/<name>)
//   files/*         images (the cover, images in lessons), downloads and videos
// Paths in the manifest are relative to the package root. Optional fields (`key`, `prerequisites`,
// `quizPassMark`, `studyInOrder`, `embed`, `quizRequired`) extend the format compatibly; exports always write them.
import { z } from 'zod';
import { COMPETENCY_TYPES, COURSE_AREAS } from '../course.model';

export const PACKAGE_FORMAT = 'binaasn.course.v1';

const key = z.string().regex(/^[0-9a-f]{24}$/);
const PATHS = { lessons: /^lessons\/[A-Za-z0-9._-]{1,120}$/, files: /^files\/[A-Za-z0-9._-]{1,120}$/ };
const packagePath = (dir: keyof typeof PATHS) => z.string().regex(PATHS[dir], 'courses.package.errors.path');

const lesson = z
  .object({
    key: key.optional(),
    title: z.string().trim().min(3).max(200),
    // Any string here, so that an unknown kind gets its own clear message rather than a schema error.
    kind: z.string().max(40),
    minutes: z.number().int().min(1).max(600),
    body: packagePath('lessons').optional(),
    file: packagePath('files').optional(),
    embed: z.string().max(300).optional(),
    description: z.string().max(20_000).optional(),
    quizRequired: z.boolean().optional(),
  })
  .strict();

export const manifestSchema = z
  .object({
    format: z.literal(PACKAGE_FORMAT),
    course: z
      .object({
        code: z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$/),
        title: z.string().trim().min(5).max(200),
        summary: z.string().trim().max(2000).default(''),
        objectives: z.array(z.string().trim().min(1).max(300)).max(20).default([]),
        competencyType: z.enum(COMPETENCY_TYPES),
        area: z.enum(COURSE_AREAS),
        jp: z
          .number()
          .min(0.5)
          .max(200)
          .refine((n) => Number.isInteger(n * 2)),
        partner: z.string().trim().max(40).optional(),
        audience: z.union([
          z.object({ all: z.literal(true) }).strict(),
          z.object({ opds: z.array(z.string().trim().min(1).max(40)).min(1).max(200) }).strict(),
        ]),
        cover: packagePath('files').optional(),
        signatories: z
          .array(
            z
              .object({
                name: z.string().trim().min(1).max(200),
                nip: z.string().regex(/^\d{18}$/),
                position: z.string().trim().min(1).max(200),
              })
              .strict(),
          )
          .max(3)
          .default([]),
        prerequisites: z.array(z.string().trim().max(40)).max(20).optional(),
        quizPassMark: z.number().int().min(0).max(100).optional(),
        studyInOrder: z.boolean().optional(),
      })
      .strict(),
    modules: z
      .array(
        z
          .object({
            key: key.optional(),
            title: z.string().trim().min(3).max(200),
            lessons: z.array(lesson).max(100),
          })
          .strict(),
      )
      .max(50),
  })
  .strict();
export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestLesson = z.infer<typeof lesson>;
