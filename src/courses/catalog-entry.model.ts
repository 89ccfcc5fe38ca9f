// The catalog: one small document per course that has a published version in the catalog (not
// archived), copied from that version when it is published, archived or restored. Learners search,
// filter, sort and page through these instead of reading every version; the text index works the
// same on MongoDB and the embedded engine (`$text`, no stemming: language 'none'), and the app
// searches its copy of the catalog in memory by the same rules (catalog-text.ts).
import { Schema, model, type InferSchemaType } from 'mongoose';
import { COMPETENCY_TYPES, COURSE_AREAS } from './course.model';

const catalogEntrySchema = new Schema(
  {
    /** The course's id. */
    _id: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    code: { type: String, required: true },
    title: { type: String, required: true },
    /** Lower-cased title: the sort key of the A–Z order. */
    sortTitle: { type: String, required: true },
    summary: { type: String, default: '' },
    objectives: { type: [String], default: [] },
    competencyType: { type: String, enum: COMPETENCY_TYPES, required: true },
    area: { type: String, enum: COURSE_AREAS, required: true },
    jp: { type: Number, required: true },
    partner: { type: Schema.Types.ObjectId, required: true },
    audienceAll: { type: Boolean, default: true },
    audienceOpds: { type: [Schema.Types.ObjectId], default: [] },
    prerequisites: { type: [Schema.Types.ObjectId], default: [] },
    coverFile: { type: Schema.Types.ObjectId },
    lessons: { type: Number, default: 0 },
    minutes: { type: Number, default: 0 },
    publishedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
/**
 * The searched fields and their weights, in the index's order. The catalog is searched in memory
 * with the same rules (catalog-text.ts); the index stays for tools and direct queries.
 */
export const CATALOG_TEXT_WEIGHTS = { title: 10, code: 10, objectives: 4, summary: 2 } as const;
catalogEntrySchema.index(
  { title: 'text', objectives: 'text', summary: 'text', code: 'text' },
  {
    weights: { ...CATALOG_TEXT_WEIGHTS },
    default_language: 'none',
    name: 'catalog_text',
  },
);
catalogEntrySchema.index({ audienceAll: 1, sortTitle: 1 });
catalogEntrySchema.index({ audienceOpds: 1, sortTitle: 1 });
catalogEntrySchema.index({ competencyType: 1, area: 1, sortTitle: 1 });

export type CatalogEntryFields = InferSchemaType<typeof catalogEntrySchema>;
export const CatalogEntry = model('CatalogEntry', catalogEntrySchema);
