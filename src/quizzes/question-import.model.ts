// An import preview: what a file would add to a course's bank, kept until the author saves it or
// for 24 hours (a TTL index removes it), so nothing is written before the author has seen it.
import { Schema, model } from 'mongoose';

const importSchema = new Schema({
  course: { type: Schema.Types.ObjectId, ref: 'Course', required: true },
  owner: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  format: { type: String, enum: ['moodlexml', 'gift', 'csv', 'xlsx'], required: true },
  fileName: { type: String, default: '', maxlength: 200 },
  /** ImportResult (formats/imported.ts): the questions with their category paths, and the problems. */
  questions: { type: Schema.Types.Mixed, default: [] },
  problems: { type: Schema.Types.Mixed, default: [] },
  createdAt: { type: Date, required: true },
  appliedAt: { type: Date, default: null },
});
importSchema.index({ createdAt: 1 }, { expireAfterSeconds: 24 * 3600 });

export const QuestionImport = model('QuestionImport', importSchema);
