// What a certificate prints of a course: the published version the learner completed, frozen as it
// was (title, competency type, JP, partner, signatories, the outline with each module's JP).
import type { ClientSession, Types } from 'mongoose';
import { institutionRef } from '../institutions';
import { CourseVersion, type CourseContent, type LessonFields, type ModuleFields } from './course.model';

export interface CourseForCertificate {
  id: string;
  code: string;
  title: string;
  competencyType: string;
  area: string;
  jp: number;
  partner: { id: string; code: string; name: string };
  signatories: Array<{ name: string; nip: string; position: string }>;
  /** Modules with their JP (minutes / 45, to the nearest half) and lesson titles. */
  outline: Array<{ title: string; jp: number; lessons: string[] }>;
}

const halfJp = (minutes: number) => Math.max(0.5, Math.round((minutes / 45) * 2) / 2);

/** The version `number` of a course as a certificate shows it; undefined when there is no such version. */
export async function courseForCertificate(
  courseId: string | Types.ObjectId,
  number: number,
  session?: ClientSession,
): Promise<CourseForCertificate | undefined> {
  const version = await CourseVersion.findOne({ course: courseId, number })
    .session(session ?? null)
    .lean();
  if (!version) return undefined;
  const content = version.content as CourseContent;
  const partner = await institutionRef(String(content.partner));
  const modules = (content.modules ?? []) as ModuleFields[];
  return {
    id: String(courseId),
    code: content.code,
    title: content.title,
    competencyType: content.competencyType,
    area: content.area,
    jp: content.jp,
    partner: { id: String(content.partner), code: partner?.code ?? '', name: partner?.name ?? '' },
    signatories: (content.signatories ?? []).map((s) => ({ name: s.name, nip: s.nip, position: s.position })),
    outline: modules.map((m) => {
      const lessons = m.lessons as LessonFields[];
      return {
        title: m.title,
        jp: halfJp(lessons.reduce((sum, l) => sum + (l.minutes ?? 0), 0)),
        lessons: lessons.map((l) => l.title),
      };
    }),
  };
}
