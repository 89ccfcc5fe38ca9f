// Public surface of the courses feature: published versions and lesson identity for the learning
// features (enrolments, quizzes, certificates), the package import for the demo seed, and the
// dashboard panels. Routers are mounted by src/routes.ts; the models stay inside this folder.
export { unchangedLessonKeys, lessonContentHash, getVersion as getCourseVersion } from './courses.versions';
export { publishedCourse, catalog as courseCatalog } from './courses.catalog';
export { importDirectory as importCoursePackageDirectory, packageCode } from './courses.packages';
export { approve as approveCourse, submit as submitCourse } from './courses.review';
export { courseIdByCode } from './courses.lookup';
export { registerCoursesDashboard } from './courses.dashboard';
export { COMPETENCY_TYPES, COURSE_AREAS, LESSON_KINDS } from './course.model';
export type { CompetencyType, CourseArea, LessonKind, CourseContent } from './course.model';
export { authoredCourse } from './courses.access';
