// Institutions: university partners that author courses, and OPDs (city agencies) that employ ASN.
import { Schema, model, type InferSchemaType } from 'mongoose';

export const INSTITUTION_KINDS = ['university', 'opd'] as const;
export type InstitutionKind = (typeof INSTITUTION_KINDS)[number];

const institutionSchema = new Schema(
  {
    code: {
      type: String,
      required: true,
      trim: true,
      uppercase: true,
      maxlength: 40,
      match: /^[A-Z0-9_-]+$/,
    },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    kind: { type: String, enum: INSTITUTION_KINDS, required: true },
    active: { type: Boolean, default: true },
    /**
     * The HR staff of this OPD see and manage the people of every OPD (BKPSDM, the city's
     * civil-service agency). Only admins set it, audited (setCityWideHr); never derived from the
     * code or name, which curators may edit.
     */
    cityWideHr: { type: Boolean, default: false },
    /** The logo drawn on certificates (logos.ts): a sniffed PNG or JPEG in GridFS bucket `institutionLogos`. */
    logo: {
      type: new Schema(
        {
          fileId: { type: Schema.Types.ObjectId, required: true },
          contentType: { type: String, enum: ['image/png', 'image/jpeg'], required: true },
          size: { type: Number, required: true },
          sha256: { type: String, required: true },
          uploadedAt: { type: Date, required: true },
        },
        { _id: false },
      ),
      required: false,
    },
  },
  { timestamps: true },
);

institutionSchema.index({ code: 1 }, { unique: true });
institutionSchema.index({ kind: 1, name: 1 });

/** Bumped by every write through this model in this process; institution-refs.ts forgets its cache on a change. */
export const institutionWrites = { version: 0 };
const changed = () => {
  institutionWrites.version++;
};
for (const op of [
  'save',
  'insertMany',
  'updateOne',
  'updateMany',
  'replaceOne',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'deleteOne',
  'deleteMany',
] as const) {
  institutionSchema.pre(op as 'save', function (next) {
    changed();
    next();
  });
  institutionSchema.post(op as 'save', changed);
}

export type InstitutionFields = InferSchemaType<typeof institutionSchema>;
export const Institution = model('Institution', institutionSchema);
