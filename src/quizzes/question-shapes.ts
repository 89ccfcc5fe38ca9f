// What saving an answer needs to know of each question version of an attempt: its type (to read
// the posted fields) and an essay's word limits (to warn). A version an attempt uses is never
// changed in place (an edit writes a new version) and its type never changes, so these are kept in
// memory: an autosave then costs one read of the attempt and one update, not a read of every
// question as well. Grading and review still read the versions themselves.
import { Types, trusted } from 'mongoose';
import { Question } from './question.model';
import type { QuestionType } from './question-types';

export interface QuestionShape {
  type: QuestionType;
  minWords: number | null;
  maxWords: number | null;
}

/** Bounded: past this many versions the memory starts afresh (a cheap, safe forgetting). */
const MAX_CACHED = 20_000;
const shapes = new Map<string, QuestionShape>();

export async function questionShapes(ids: Array<Types.ObjectId | string>): Promise<QuestionShape[]> {
  const missing = [...new Set(ids.map(String))].filter((id) => !shapes.has(id));
  if (missing.length) {
    const docs = await Question.find({ _id: trusted({ $in: missing.map((id) => new Types.ObjectId(id)) }) })
      .select('type data.minWords data.maxWords')
      .lean();
    if (shapes.size + docs.length > MAX_CACHED) shapes.clear();
    for (const d of docs) {
      const data = (d.data ?? {}) as { minWords?: number | null; maxWords?: number | null };
      shapes.set(String(d._id), {
        type: d.type as QuestionType,
        minWords: data.minWords ?? null,
        maxWords: data.maxWords ?? null,
      });
    }
  }
  return ids.map((id) => {
    const shape = shapes.get(String(id));
    if (!shape) throw new Error('an attempt refers to a question version that is gone');
    return shape;
  });
}
