// Days off that are not weekends: national holidays (libur nasional) and collective leave (cuti
// bersama), kept by admins because most of them move every year (they are set by the joint decree of
// three ministers). The SP4N-LAPOR! due dates of complaints skip them.
import { Schema, model, type InferSchemaType } from 'mongoose';

export const HOLIDAY_KINDS = ['libur_nasional', 'cuti_bersama'] as const;
export type HolidayKind = (typeof HOLIDAY_KINDS)[number];

const holidaySchema = new Schema(
  {
    /** The calendar day in WIB, YYYY-MM-DD. */
    date: { type: String, required: true, match: /^\d{4}-\d{2}-\d{2}$/ },
    name: { type: String, required: true, trim: true, maxlength: 120 },
    kind: { type: String, enum: HOLIDAY_KINDS, required: true },
  },
  { timestamps: true },
);

holidaySchema.index({ date: 1 }, { unique: true });

export type HolidayFields = InferSchemaType<typeof holidaySchema>;
export const Holiday = model('Holiday', holidaySchema);
