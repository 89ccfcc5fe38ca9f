// Public surface of the notifications feature: the seam the learning feature calls (notify,
// weeklyDigest) and the person's switches. Its router is mounted by src/routes.ts.
export * as notifications from './notifications.service';
export type { LearnerNoticeKind, NoticeKind, NotifyOutcome } from './notifications.service';
