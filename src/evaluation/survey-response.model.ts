// One citizen's answers to a unit's survey: the 1–4 score per element key, the optional profile,
// and nothing that names the person (a contact is kept only with a suggestion that asks for an
// answer, in the feedback collection).
import { Schema, model, type InferSchemaType } from 'mongoose';

const surveyResponseSchema = new Schema({
  unit: { type: Schema.Types.ObjectId, ref: 'ServiceUnit', required: true },
  opd: { type: Schema.Types.ObjectId, ref: 'Institution', required: true },
  submittedAt: { type: Date, required: true },
  answers: {
    type: [new Schema({ key: String, score: { type: Number, min: 1, max: 4 } }, { _id: false })],
    default: [],
  },
  profile: {
    ageBand: String,
    sex: String,
    education: String,
    occupation: String,
  },
});

surveyResponseSchema.index({ unit: 1, submittedAt: 1 });

export type SurveyResponseFields = InferSchemaType<typeof surveyResponseSchema>;
export const SurveyResponse = model('SurveyResponse', surveyResponseSchema);
