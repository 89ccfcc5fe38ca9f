// Published courses for the learning tests, written through the courses feature's own version code
// (freeze the working copy, set the published version, refresh the catalog entry).
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { Course, type FileRef } from '../../src/courses/course.model';
import { storeBytes } from '../../src/courses/course-files';
import { freezeVersion } from '../../src/courses/courses.versions';
import { refreshCatalogEntry } from '../../src/courses/courses.catalog';
import { createUniversity } from './factories';

const key = () => crypto.randomBytes(12).toString('hex');
let n = 0;

export interface LessonSpec {
  title?: string;
  kind?: 'text' | 'video' | 'file' | 'quiz';
  body?: string;
  quizRequired?: boolean;
  /** A stored download (file lessons). */
  file?: FileRef;
}

export interface CourseSpec {
  title?: string;
  code?: string;
  summary?: string;
  objectives?: string[];
  jp?: number;
  /** Lessons per module. */
  modules?: LessonSpec[][];
  audienceOpds?: Types.ObjectId[];
  prerequisites?: Types.ObjectId[];
  area?: string;
  competencyType?: string;
  partner?: Types.ObjectId;
  quizPassMark?: number;
  studyInOrder?: boolean;
}

export async function publishCourse(spec: CourseSpec = {}, now = new Date('2026-03-01T03:00:00Z')) {
  n++;
  const partner = spec.partner ?? (await createUniversity())._id;
  const modules = (spec.modules ?? [[{}, {}], [{}]]).map((lessons, m) => ({
    key: key(),
    title: `Modul ${m + 1}`,
    lessons: lessons.map((l, i) => ({
      key: key(),
      title: l.title ?? `Pelajaran ${m + 1}.${i + 1}`,
      kind: l.kind ?? 'text',
      minutes: 10,
      body: l.body ?? `Isi pelajaran ${m + 1}.${i + 1}`,
      quizRequired: l.quizRequired ?? false,
      ...(l.file ? { file: l.file } : {}),
    })),
  }));
  const course = await Course.create({
    code: spec.code ?? `UJI-${n}-${key().slice(0, 4).toUpperCase()}`,
    title: spec.title ?? `Kursus Uji ${n}`,
    summary: spec.summary ?? 'Ringkasan kursus uji.',
    objectives: spec.objectives ?? ['Memahami pokok bahasan'],
    competencyType: spec.competencyType ?? 'teknis',
    area: spec.area ?? 'literasi_digital',
    jp: spec.jp ?? 2,
    partner,
    prerequisites: spec.prerequisites ?? [],
    audience: spec.audienceOpds ? { all: false, opds: spec.audienceOpds } : { all: true, opds: [] },
    quizPassMark: spec.quizPassMark ?? 70,
    studyInOrder: spec.studyInOrder ?? false,
    modules,
    status: 'in_review',
  });
  return republish(course._id, now);
}

/** Freezes the working copy as the next published version. */
export async function republish(courseId: Types.ObjectId, now = new Date('2026-03-01T03:00:00Z')) {
  const number = await freezeVersion(
    courseId,
    { id: String(new Types.ObjectId()), name: 'Kurator' },
    '',
    now,
  );
  await Course.updateOne(
    { _id: courseId },
    { $set: { status: 'published', publishedVersion: number, publishedAt: now } },
  );
  await refreshCatalogEntry(courseId);
  const course = (await Course.findById(courseId).lean())!;
  const lessonKeys = course.modules.flatMap((m) => m.lessons.map((l) => l.key));
  return { id: String(course._id), _id: course._id, version: number, course, lessonKeys };
}

/** A small PDF stored as a course download (the file of a file lesson). */
export function storePdf(name = 'materi.pdf'): Promise<FileRef> {
  const bytes = Buffer.from(
    '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  );
  return storeBytes(bytes, { kind: 'file', name, courseId: new Types.ObjectId() });
}
