// A checked import waiting for confirmation. The uploaded file itself is never kept; the preview
// expires after 24 hours (TTL index) whether or not it was confirmed.
import { Schema, model, type InferSchemaType } from 'mongoose';

const IMPORT_ACTIONS = ['create', 'update', 'unchanged', 'reject'] as const;
export type ImportAction = (typeof IMPORT_ACTIONS)[number];
const PREVIEW_TTL_SECONDS = 24 * 60 * 60;

const rowSchema = new Schema(
  {
    line: { type: Number, required: true },
    values: { type: Schema.Types.Mixed, required: true }, // the cells as given, all strings
    record: { type: Schema.Types.Mixed }, // the normalised person when the row is valid
    problems: { type: [String], default: [] }, // message keys ('errors' is reserved by Mongoose)
    action: { type: String, enum: IMPORT_ACTIONS, required: true },
  },
  { _id: false },
);

const countsSchema = new Schema(
  {
    create: { type: Number, default: 0 },
    update: { type: Number, default: 0 },
    unchanged: { type: Number, default: 0 },
    reject: { type: Number, default: 0 },
  },
  { _id: false },
);

const importPreviewSchema = new Schema({
  owner: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  fileName: { type: String, default: '', maxlength: 255 },
  kind: { type: String, enum: ['csv', 'xlsx'], required: true },
  createdAt: { type: Date, required: true, default: () => new Date() },
  rows: { type: [rowSchema], default: [] },
  counts: { type: countsSchema, default: () => ({}) },
  appliedAt: { type: Date },
  result: { type: countsSchema },
});

importPreviewSchema.index({ createdAt: 1 }, { expireAfterSeconds: PREVIEW_TTL_SECONDS });
importPreviewSchema.index({ owner: 1, createdAt: -1 });

export type ImportPreviewFields = InferSchemaType<typeof importPreviewSchema>;
export const ImportPreview = model('ImportPreview', importPreviewSchema, 'importPreviews');
