// Which mail notices a person has turned off. No document = every notice on.
import { Schema, model, type InferSchemaType } from 'mongoose';

export const NOTICE_KINDS = [
  'assigned',
  'dueSoon',
  'overdue',
  'completed',
  'certificateReady',
  'hrDigest',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

const notificationPreferenceSchema = new Schema({
  _id: { type: Schema.Types.ObjectId, ref: 'User' }, // the person
  off: { type: [{ type: String, enum: NOTICE_KINDS }], default: [] },
  updatedAt: { type: Date },
});

export type NotificationPreferenceFields = InferSchemaType<typeof notificationPreferenceSchema>;
export const NotificationPreference = model(
  'NotificationPreference',
  notificationPreferenceSchema,
  'notificationPreferences',
);
