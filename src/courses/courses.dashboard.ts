// Home page panels: an author's courses by status, and the curators' review queue.
import { trusted } from 'mongoose';
import type { Actor } from '../core/actor';
import { registerDashboardPanel, type DashboardPanel } from '../home';
import { authoredBy } from './courses.access';
import { Course } from './course.model';

async function authorPanel(actor: Actor): Promise<DashboardPanel | undefined> {
  if (!actor.roles.includes('author')) return undefined;
  const courses = await Course.find(authoredBy(actor))
    .select('title status')
    .sort({ updatedAt: -1 })
    .limit(5)
    .lean();
  const returned = await Course.countDocuments({
    ...authoredBy(actor),
    status: 'draft',
    lastReviewComment: trusted({ $ne: '' }),
  });
  return { view: 'courses/panel-author', data: { courses, returned } };
}

async function curatorPanel(actor: Actor): Promise<DashboardPanel | undefined> {
  if (!actor.roles.includes('curator')) return undefined;
  const waiting = await Course.find({ status: 'in_review' })
    .select('title submittedAt')
    .sort({ submittedAt: 1 })
    .limit(5)
    .lean();
  const total = await Course.countDocuments({ status: 'in_review' });
  return { view: 'courses/panel-curator', data: { waiting, total } };
}

export function registerCoursesDashboard(): void {
  registerDashboardPanel('courses.author', authorPanel, 20);
  registerDashboardPanel('courses.curator', curatorPanel, 25);
}
