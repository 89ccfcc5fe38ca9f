// Service units (unit layanan): a counter of Disdukcapil, a puskesmas, a kecamatan office. Each
// belongs to one OPD, has a short public code for its survey link and QR, the monthly number of
// people it serves (the population of the sample check), its own survey elements, and its staff
// (the people whose training the impact view counts).
import { Schema, model, type InferSchemaType } from 'mongoose';

const elementSchema = new Schema(
  {
    key: { type: String, required: true, match: /^u\d{1,3}$/ },
    name: { type: String, required: true, trim: true, maxlength: 120 },
    question: { type: String, required: true, trim: true, maxlength: 300 },
    options: {
      type: [{ type: String, trim: true, maxlength: 80 }],
      validate: (v: string[]) => v.length === 4,
    },
  },
  { _id: false },
);

const serviceUnitSchema = new Schema(
  {
    opd: { type: Schema.Types.ObjectId, ref: 'Institution', required: true },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    /** The public code of the survey link (/ikm/<code>): random, never derived from the name. */
    code: { type: String, required: true, match: /^[a-z0-9]{6,16}$/ },
    monthlyVolume: { type: Number, required: true, min: 0, max: 10_000_000 },
    active: { type: Boolean, default: true },
    elements: { type: [elementSchema], default: [] },
    /** The people who work at the unit, chosen by the OPD's HR among the OPD's people (training impact). */
    staff: { type: [{ type: Schema.Types.ObjectId, ref: 'User' }], default: [] },
    /** Also count as staff the OPD's people whose unit kerja reads as the unit's name. */
    matchUnitKerja: { type: Boolean, default: true },
  },
  { timestamps: true },
);

serviceUnitSchema.index({ code: 1 }, { unique: true });
serviceUnitSchema.index({ opd: 1, name: 1 });

export type ServiceUnitFields = InferSchemaType<typeof serviceUnitSchema>;
export const ServiceUnit = model('ServiceUnit', serviceUnitSchema);
