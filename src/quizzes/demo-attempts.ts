// Demo data only (src/cli/seed-quizzes.ts): a seeded learner takes a quiz through the real attempt
// service, answering each question right or wrong as `isRight(slot)` says, so item analysis has
// real numbers. Responses are built from the question's own key, which is why this lives here.
import crypto from 'node:crypto';
import { Types, trusted } from 'mongoose';
import type { Actor } from '../core/actor';
import { Attempt } from './attempt.model';
import { Question } from './question.model';
import { startAttempt, submitAttempt } from './attempts.service';
import type { QuestionDataByType } from './question-types';

function responseFor(type: string, data: unknown, right: boolean): unknown {
  switch (type) {
    case 'single': {
      const o = (data as QuestionDataByType['single']).options;
      const pick = right ? o.find((x) => x.fraction >= 1) : o.find((x) => x.fraction <= 0);
      return pick ? { choice: pick.id } : null;
    }
    case 'multiple': {
      const o = (data as QuestionDataByType['multiple']).options;
      return {
        choices: (right ? o.filter((x) => x.fraction > 0) : o.filter((x) => x.fraction <= 0).slice(0, 1)).map(
          (x) => x.id,
        ),
      };
    }
    case 'truefalse':
      return { value: right === (data as QuestionDataByType['truefalse']).correct };
    case 'shortanswer': {
      const a = (data as QuestionDataByType['shortanswer']).answers.find((x) => x.fraction >= 1);
      return { text: right && a ? a.text.replace(/\*/g, '') : 'tidak tahu' };
    }
    case 'numerical': {
      const a = (data as QuestionDataByType['numerical']).answers.find(
        (x) => x.fraction >= 1 && x.value !== null,
      );
      return { text: right && a ? String(a.value) : String((a?.value ?? 0) + 1000) };
    }
    case 'matching': {
      const d = data as QuestionDataByType['matching'];
      return {
        pairs: Object.fromEntries(
          d.stems.map((s, i) => [s.id, right ? s.choiceId : d.choices[(i + 1) % d.choices.length].id]),
        ),
      };
    }
    case 'ordering': {
      const items = (data as QuestionDataByType['ordering']).items.map((x) => x.id);
      return { order: right ? items : [...items].reverse() };
    }
    case 'essay':
      return {
        text: right
          ? 'Saya mendengarkan warga sampai selesai, mencatat masalahnya, menjelaskan langkah tindak lanjut beserta tanggalnya, lalu memberi kabar ketika urusannya tuntas.'
          : 'Akan kami tindak lanjuti.',
      };
    default:
      return null;
  }
}

/** Starts, answers and submits one attempt; returns the attempt id. */
export async function simulateDemoAttempt(
  actor: Actor,
  courseId: string,
  lessonKey: string,
  now: Date,
  isRight: (slot: number) => boolean,
): Promise<string> {
  const id = await startAttempt(actor, courseId, lessonKey, now);
  const attempt = (await Attempt.findById(id).lean())!;
  const questions = await Question.find({
    _id: trusted({ $in: attempt.items.map((i) => i.question) }),
  }).lean();
  const byId = new Map(questions.map((q) => [String(q._id), q]));
  const set: Record<string, unknown> = {};
  attempt.items.forEach((item, i) => {
    const q = byId.get(String(item.question))!;
    set[`items.${i}.response`] = responseFor(q.type, q.data, isRight(i + 1));
    set[`items.${i}.answeredAt`] = new Date(now.getTime() + (i + 1) * 30_000 + crypto.randomInt(20_000));
  });
  await Attempt.updateOne({ _id: new Types.ObjectId(id), state: 'inProgress' }, { $set: set });
  await submitAttempt(
    actor,
    courseId,
    lessonKey,
    id,
    new Date(now.getTime() + (attempt.items.length + 1) * 45_000),
  );
  return id;
}
