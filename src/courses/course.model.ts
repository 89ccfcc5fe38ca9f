// Courses as authors write them and as learners study them.
//
// THE VERSION MODEL
// - `Course` is the working copy that authors edit: the settings, the modules with their lessons and
//   the course's image library, all in one document (so a reorder or an edit is one atomic write).
//   Its `status` describes that working copy: `draft` (being written; a published version may be
//   live meanwhile), `in_review` (submitted; frozen until the curator answers or the author
//   withdraws it), `published` (identical to the latest published version), `archived`.
// - Publishing copies the working copy into an immutable `CourseVersion` (number 1, 2, …). Learners
//   only ever read versions: `Course.publishedVersion` names the one a new learner gets; an
//   enrolment records the version it started on and keeps studying it, so a new version never
//   disturbs work in progress.
// - Every module and lesson has a `key` (24 hex digits) given when it is created and kept for its
//   whole life: through edits, moves, later versions, and course package export/import. Each lesson
//   in a version also carries `contentHash`, the SHA-256 of what the learner studies (kind, body,
//   file bytes, embed address, quiz settings; not the title or the minutes). Between two versions,
//   a lesson with the same key and the same contentHash is unchanged, and progress on it carries
//   over (`unchangedLessonKeys` in courses.versions.ts is the function the learning feature uses).
// - Files (videos, downloads, images) live in GridFS, one bucket per kind, and are never changed:
//   a new upload is a new file. A version refers to the files it was published with, so the files
//   of a published version stay while any version refers to them.
// - `CourseEvent` is the course's history (created, submitted, returned with a comment, published
//   as version N, archived, …), shown on its history page; the same transitions go to the audit log.
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const COMPETENCY_TYPES = ['teknis', 'manajerial', 'sosial_kultural'] as const;
export type CompetencyType = (typeof COMPETENCY_TYPES)[number];

/** Course areas (DESIGN.md / reference/asn.md); the list is data, so adding one is a one-line change. */
export const COURSE_AREAS = [
  'literasi_digital',
  'komunikasi',
  'penanganan_pengaduan',
  'pelayanan_publik',
  'kepemimpinan',
  'manajemen_kinerja',
  'integritas_antikorupsi',
] as const;
export type CourseArea = (typeof COURSE_AREAS)[number];

export const LESSON_KINDS = ['text', 'video', 'file', 'quiz'] as const;
export type LessonKind = (typeof LESSON_KINDS)[number];

export const COURSE_STATUSES = ['draft', 'in_review', 'published', 'archived'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];

/** A stored file as a lesson or the image library refers to it (the bytes are in GridFS). */
const fileRefSchema = new Schema(
  {
    id: { type: Schema.Types.ObjectId, required: true },
    bucket: { type: String, required: true },
    name: { type: String, required: true, maxlength: 200 },
    contentType: { type: String, required: true, maxlength: 120 },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
  },
  { _id: false },
);

const lessonSchema = new Schema(
  {
    key: { type: String, required: true, match: /^[0-9a-f]{24}$/ },
    title: { type: String, required: true, trim: true, maxlength: 200 },
    kind: { type: String, enum: LESSON_KINDS, required: true },
    minutes: { type: Number, required: true, min: 1, max: 600 },
    /** Markdown: the lesson text (text), or the description under a video or a download. */
    body: { type: String, default: '', maxlength: 150_000 },
    /** The uploaded video (video) or download (file). */
    file: { type: fileRefSchema, required: false },
    /** An embed address on an allow-listed host (video), instead of an upload. */
    embedUrl: { type: String, required: false, maxlength: 300 },
    /** Quiz placeholder: whether the completion rule needs its pass mark (the quizzes feature fills the rest). */
    quizRequired: { type: Boolean, default: false },
    /** Set on versions only: SHA-256 of what the learner studies (see the version model above). */
    contentHash: { type: String, required: false },
  },
  { _id: false },
);

const moduleSchema = new Schema(
  {
    key: { type: String, required: true, match: /^[0-9a-f]{24}$/ },
    title: { type: String, required: true, trim: true, maxlength: 200 },
    lessons: { type: [lessonSchema], default: [] },
  },
  { _id: false },
);

/** The image library: images that lessons (`files/<name>` in Markdown) and the cover refer to by name. */
const assetSchema = new Schema(
  { name: { type: String, required: true, maxlength: 120 }, file: { type: fileRefSchema, required: true } },
  { _id: false },
);

const signatorySchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    nip: { type: String, required: true, match: /^\d{18}$/ },
    position: { type: String, required: true, trim: true, maxlength: 200 },
  },
  { _id: false },
);

/** What a version freezes: everything a learner sees of the course. */
const contentFields = {
  code: { type: String, required: true, trim: true, uppercase: true, maxlength: 40, match: /^[A-Z0-9_-]+$/ },
  title: { type: String, required: true, trim: true, maxlength: 200 },
  summary: { type: String, default: '', maxlength: 2000 },
  objectives: { type: [String], default: [] },
  competencyType: { type: String, enum: COMPETENCY_TYPES, required: true },
  area: { type: String, enum: COURSE_AREAS, required: true },
  /** Whole or half JP (1 JP = 45 minutes). */
  jp: { type: Number, required: true, min: 0.5, max: 200 },
  partner: { type: Schema.Types.ObjectId, ref: 'Institution', required: true },
  prerequisites: { type: [Schema.Types.ObjectId], default: [] },
  audience: {
    all: { type: Boolean, default: true },
    opds: { type: [Schema.Types.ObjectId], default: [] },
  },
  /** Name of the cover image in the image library. */
  cover: { type: String, default: '' },
  /** Completion: every lesson done, plus this pass mark (percent) on the quizzes marked required. */
  quizPassMark: { type: Number, default: 70, min: 0, max: 100 },
  /** "Study in order": a lesson opens only once every lesson before it (in course order) is done. */
  studyInOrder: { type: Boolean, default: false },
  signatories: { type: [signatorySchema], default: [] },
  modules: { type: [moduleSchema], default: [] },
  assets: { type: [assetSchema], default: [] },
};

const courseSchema = new Schema(
  {
    ...contentFields,
    authors: { type: [Schema.Types.ObjectId], ref: 'User', default: [] },
    status: { type: String, enum: COURSE_STATUSES, default: 'draft' },
    /** Number of the version new learners get; 0 before the first publication. */
    publishedVersion: { type: Number, default: 0 },
    publishedAt: { type: Date },
    submittedAt: { type: Date },
    /** The curator's last comment when the course was returned or published. */
    lastReviewComment: { type: String, default: '' },
  },
  { timestamps: true },
);
courseSchema.index({ code: 1 }, { unique: true });
courseSchema.index({ authors: 1, updatedAt: -1 });
courseSchema.index({ status: 1, submittedAt: 1 });
courseSchema.index({ publishedVersion: 1, title: 1 });

const versionSchema = new Schema({
  course: { type: Schema.Types.ObjectId, ref: 'Course', required: true },
  number: { type: Number, required: true, min: 1 },
  content: { type: new Schema(contentFields, { _id: false }), required: true },
  publishedAt: { type: Date, required: true },
  publishedBy: { type: Schema.Types.ObjectId, ref: 'User' },
  publishedByName: { type: String, default: '' },
  comment: { type: String, default: '' },
});
versionSchema.index({ course: 1, number: 1 }, { unique: true });

export const COURSE_EVENT_KINDS = [
  'created',
  'imported',
  'draft_started',
  'submitted',
  'withdrawn',
  'returned',
  'published',
  'archived',
  'restored',
  'curator_edited',
] as const;
export type CourseEventKind = (typeof COURSE_EVENT_KINDS)[number];

const eventSchema = new Schema({
  course: { type: Schema.Types.ObjectId, ref: 'Course', required: true },
  at: { type: Date, required: true },
  kind: { type: String, enum: COURSE_EVENT_KINDS, required: true },
  actor: { type: Schema.Types.ObjectId, ref: 'User' },
  actorName: { type: String, default: '' },
  comment: { type: String, default: '' },
  version: { type: Number },
  detail: { type: Schema.Types.Mixed },
});
eventSchema.index({ course: 1, at: -1 });

export type CourseFields = InferSchemaType<typeof courseSchema>;
export type FileRef = InferSchemaType<typeof fileRefSchema>;
export type LessonFields = InferSchemaType<typeof lessonSchema>;
export type ModuleFields = InferSchemaType<typeof moduleSchema>;
export type AssetFields = InferSchemaType<typeof assetSchema>;
export type CourseContent = Pick<CourseFields, keyof typeof contentFields>;
export type CourseId = Types.ObjectId;

export const Course = model('Course', courseSchema);
export const CourseVersion = model('CourseVersion', versionSchema);
export const CourseEvent = model('CourseEvent', eventSchema);

/** The fields a version copies from the working copy. */
export const CONTENT_FIELDS = Object.keys(contentFields) as Array<keyof typeof contentFields>;
