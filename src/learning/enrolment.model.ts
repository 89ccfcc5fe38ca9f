// Learning records: an enrolment per person and course, lesson progress, the yearly JP ledger and
// in-app notifications.
//
// - `Enrolment`: one per person and course (unique), self-made or assigned by HR with a due date. It
//   studies one published version (`version`); when the course publishes a new version, an active
//   enrolment moves to it at the learner's next visit and keeps the lessons whose content did not
//   change (courses' unchangedLessonKeys). `lessonsDone`/`lessonsTotal`/`percent` are kept up to date
//   with every lesson done, so lists never count progress records. `status` goes active → completed
//   exactly once (a conditional update inside the completion's transaction); an assignment HR
//   cancels becomes `cancelled` (its progress stays, should the person enrol again).
// - `LessonProgress`: one per enrolment and lesson key (unique): when it was done, how, and for
//   quizzes the best score reported by the quizzes feature. Only records of the enrolment's current
//   version count.
// - `JpCredit`: the ledger, one line per completed enrolment (unique), in the WIB calendar year of
//   the completion.
// - `Notification`: what the person sees in the app; `key` is unique, so a notice (and the mail
//   handed to the mail feature with it) is created once even when two schedulers run.
import { Schema, model, type InferSchemaType } from 'mongoose';
import { mirrorWrites } from '../db/watched-mirror';

export const ENROLMENT_STATUSES = ['active', 'completed', 'cancelled'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];
export const ENROLMENT_SOURCES = ['self', 'assigned'] as const;

const enrolmentSchema = new Schema(
  {
    person: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** The person's OPD when enrolled or assigned (HR lists by OPD). */
    opd: { type: Schema.Types.ObjectId },
    course: { type: Schema.Types.ObjectId, ref: 'Course', required: true },
    version: { type: Number, required: true },
    courseTitle: { type: String, required: true },
    courseCode: { type: String, required: true },
    jp: { type: Number, required: true },
    source: { type: String, enum: ENROLMENT_SOURCES, required: true },
    status: { type: String, enum: ENROLMENT_STATUSES, default: 'active' },
    enrolledAt: { type: Date, required: true },
    assignedBy: { type: Schema.Types.ObjectId },
    assignedByName: { type: String },
    assignedAt: { type: Date },
    /** End of the due day (WIB), exclusive; assignments only. */
    dueAt: { type: Date },
    cancelledAt: { type: Date },
    completedAt: { type: Date },
    lessonsDone: { type: Number, default: 0 },
    lessonsTotal: { type: Number, default: 0 },
    percent: { type: Number, default: 0 },
    /** The lesson the learner opened last: "Lanjutkan" resumes there. */
    lastLessonKey: { type: String },
    lastActivityAt: { type: Date },
  },
  { versionKey: false },
);
enrolmentSchema.index({ person: 1, course: 1 }, { unique: true });
enrolmentSchema.index({ person: 1, status: 1, lastActivityAt: -1 });
enrolmentSchema.index({ status: 1, dueAt: 1 });
enrolmentSchema.index({ course: 1, status: 1 });
enrolmentSchema.index({ opd: 1, status: 1, dueAt: 1 });

const progressSchema = new Schema(
  {
    enrolment: { type: Schema.Types.ObjectId, required: true },
    person: { type: Schema.Types.ObjectId, required: true },
    course: { type: Schema.Types.ObjectId, required: true },
    lessonKey: { type: String, required: true },
    /** The version whose lesson was done (carried over to later versions while unchanged). */
    version: { type: Number, required: true },
    doneAt: { type: Date },
    via: { type: String, enum: ['button', 'video', 'download', 'quiz', 'carried'] },
    /** Quizzes: the best graded attempt, and whether one passed. */
    scorePercent: { type: Number },
    passed: { type: Boolean },
    attempts: { type: Number, default: 0 },
    gradedAt: { type: Date },
  },
  { versionKey: false },
);
progressSchema.index({ enrolment: 1, lessonKey: 1 }, { unique: true });
progressSchema.index({ person: 1, course: 1 });
progressSchema.index({ course: 1, lessonKey: 1 }); // the course report: where learners stop

const jpCreditSchema = new Schema(
  {
    person: { type: Schema.Types.ObjectId, required: true },
    year: { type: Number, required: true },
    enrolment: { type: Schema.Types.ObjectId, required: true },
    course: { type: Schema.Types.ObjectId, required: true },
    courseTitle: { type: String, required: true },
    jp: { type: Number, required: true },
    creditedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
jpCreditSchema.index({ enrolment: 1 }, { unique: true });
jpCreditSchema.index({ person: 1, year: -1 });

export const NOTIFICATION_KINDS = [
  'assigned',
  'dueSoon',
  'overdue',
  'completed',
  'cancelled',
  'certificateReady',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

const notificationSchema = new Schema(
  {
    person: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: NOTIFICATION_KINDS, required: true },
    key: { type: String, required: true },
    enrolment: { type: Schema.Types.ObjectId },
    course: { type: Schema.Types.ObjectId },
    courseTitle: { type: String, default: '' },
    dueAt: { type: Date },
    jp: { type: Number },
    createdAt: { type: Date, required: true },
    readAt: { type: Date },
  },
  { versionKey: false },
);
notificationSchema.index({ key: 1 }, { unique: true });
notificationSchema.index({ person: 1, createdAt: -1 });
notificationSchema.index({ person: 1, readAt: 1 });

/** Writes reach the monitoring mirrors of statistics.ts at once (they are compiled into the models). */
export const enrolmentWrites = mirrorWrites(enrolmentSchema);
export const jpCreditWrites = mirrorWrites(jpCreditSchema);

export type EnrolmentFields = InferSchemaType<typeof enrolmentSchema>;
export type ProgressFields = InferSchemaType<typeof progressSchema>;
export type NotificationFields = InferSchemaType<typeof notificationSchema>;

export const Enrolment = model('Enrolment', enrolmentSchema);
export const LessonProgress = model('LessonProgress', progressSchema);
export const JpCredit = model('JpCredit', jpCreditSchema);
export const Notification = model('Notification', notificationSchema);

/** Each person's number of unread notices, kept with every notice written or read (the header's badge). */
const noticeCounterSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    unread: { type: Number, default: 0 },
  },
  { versionKey: false, collection: 'noticecounters' },
);
export const NoticeCounter = model('NoticeCounter', noticeCounterSchema);
