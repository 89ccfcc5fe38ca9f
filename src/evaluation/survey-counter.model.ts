// Counters of the public survey's limits: one document per address (or unit) and hour, counted with
// a single atomic upsert, and dropped by a TTL index once the hour is long past.
import { Schema, model } from 'mongoose';

const surveyCounterSchema = new Schema({
  _id: { type: String, required: true },
  count: { type: Number, default: 0 },
  expiresAt: { type: Date, required: true },
});

surveyCounterSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export const SurveyCounter = model('SurveyCounter', surveyCounterSchema);
