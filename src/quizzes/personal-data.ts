// "Data saya": a person's own quiz attempts — which quiz, when, the state, and each answer they
// gave, in words. Marks appear only where the quiz's review policy shows them to the person now;
// nothing here carries a fraction, a key, feedback or the right answer (the same rule as every
// other learner channel).
import { Types, trusted } from 'mongoose';
import type { Clock } from '../core/deps';
import { catalogTitles } from '../courses';
import { Attempt } from './attempt.model';
import { Question } from './question.model';
import { Quiz } from './quiz.model';
import { learnerQuestion, type LearnerQuestion } from './learner-view';
import { effectiveFor, reviewAllowed, reviewPhase, type QuizDoc } from './attempts.service';

/** The learner's own response in words (the texts they chose, typed, matched or ordered). */
export function answerInWords(q: LearnerQuestion): string | null {
  if (!q.isAnswered) return null;
  const r = q.response as Record<string, unknown>;
  const textOf = (id: unknown) => q.options?.find((o) => o.id === id)?.text ?? '';
  switch (q.type) {
    case 'single':
      return textOf(r.choice);
    case 'multiple':
      return (r.choices as string[]).map(textOf).join('; ');
    case 'truefalse':
      return String(r.value);
    case 'matching':
      return (q.stems ?? [])
        .filter((s) => (r.pairs as Record<string, string>)[s.id])
        .map((s) => `${s.text} → ${textOf((r.pairs as Record<string, string>)[s.id])}`)
        .join('; ');
    case 'ordering':
      return (r.order as string[]).map(textOf).join(' → ');
    default:
      return String(r.text ?? '');
  }
}

export async function attemptsOf(personId: string, now: Date) {
  const person = new Types.ObjectId(personId);
  const attempts = await Attempt.find({ person }).sort({ startedAt: 1 }).lean();
  if (attempts.length === 0) return [];
  const quizzes = new Map(
    (
      (await Quiz.find({
        _id: trusted({ $in: [...new Set(attempts.map((a) => String(a.quiz)))] }),
      }).lean()) as QuizDoc[]
    ).map((q) => [String(q._id), q]),
  );
  const questions = new Map(
    (
      await Question.find({ _id: trusted({ $in: attempts.flatMap((a) => a.items.map((i) => i.question)) }) })
        .select('type text data')
        .lean()
    ).map((q) => [String(q._id), q]),
  );
  const titles = await catalogTitles([...new Set(attempts.map((a) => String(a.course)))]);
  return attempts.map((a) => {
    const quiz = quizzes.get(String(a.quiz));
    const phase = quiz ? reviewPhase(a, effectiveFor(quiz, personId).closeAt, now) : 'open';
    const marks = a.state === 'graded' && !!quiz && reviewAllowed(quiz, phase).has('marks');
    const course = titles.get(String(a.course));
    return {
      course: course ? `${course.code} — ${course.title}` : String(a.course),
      lessonKey: a.lessonKey,
      number: a.number,
      state: a.state,
      startedAt: a.startedAt,
      submittedAt: a.submittedAt,
      closedByServer: a.closedByServer,
      scorePercent: marks ? a.scorePercent : null,
      passed: marks ? a.passed : null,
      answers: a.items.map((item, i) => {
        const q = questions.get(String(item.question));
        const view = q ? learnerQuestion(i + 1, q, item) : undefined;
        return {
          question: view?.text ?? '',
          answer: view ? answerInWords(view) : null,
          answeredAt: item.answeredAt,
          flagged: item.flagged,
        };
      }),
    };
  });
}

/** Registers the section (the clock decides which review phase applies). */
export const attemptsSection = (clock: Clock) => (personId: string) => attemptsOf(personId, clock());
