// Public surface of the courses feature: published versions and lesson identity for the learning
// features (enrolments, quizzes, certificates), the package import for the demo seed, and the
// dashboard panels. Routers are mounted by src/routes.ts; the models stay inside this folder.
export { unchangedLessonKeys, lessonContentHash, getVersion as getCourseVersion } from './courses.versions';
export {
  publishedCourse,
  studyableCourse,
  searchCatalog,
  syncCatalog as syncCourseCatalog,
  catalogPartners,
  catalogTitles,
  findLesson,
  renderLessonBody,
  courseFileUrl,
  registerLessonGate,
  assertLessonOpen,
  type LessonGate,
  CATALOG_SORTS,
  JP_RANGES,
  type CatalogQuery,
  type CatalogItem,
} from './courses.catalog';
export { lessonsOf } from './courses.versions';
export { inAudience as inCourseAudience } from './courses.access';
export { importDirectory as importCoursePackageDirectory, packageCode } from './courses.packages';
export { approve as approveCourse, submit as submitCourse } from './courses.review';
export { courseIdByCode } from './courses.lookup';
export { courseFacts, reportableCourse, reportableCourses, type CourseFacts } from './courses.facts';
export { registerCoursesDashboard } from './courses.dashboard';
export { COMPETENCY_TYPES, COURSE_AREAS, LESSON_KINDS } from './course.model';
export type {
  CompetencyType,
  CourseArea,
  LessonKind,
  CourseContent,
  LessonFields,
  ModuleFields,
} from './course.model';
export { courseForCertificate, type CourseForCertificate } from './courses.certificate';
export { authoredCourse } from './courses.access';
