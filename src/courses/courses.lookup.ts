// Finding a course by its code (the demo seed checks which packages it has imported already).
import { Course } from './course.model';

export async function courseIdByCode(code: string): Promise<{ id: string; status: string } | undefined> {
  const course = await Course.findOne({ code: code.toUpperCase() }).select('status').lean();
  return course ? { id: String(course._id), status: course.status } : undefined;
}
