// What an import produces, whatever the format: questions ready for the bank (checked by the same
// rules as the form) with their category path, and the items that cannot be represented, each with
// its place in the file and the reason, so nothing is dropped silently.
import { questionErrors, type QuestionInput } from '../question-rules';
import { newId } from '../question-form';

export interface ImportedQuestion {
  /** 1-based position in the file. */
  position: number;
  /** Category names below the course's top, e.g. ['Bawaan', 'Modul 1']. */
  categoryPath: string[];
  question: QuestionInput;
}

export interface ImportProblem {
  position: number;
  name: string;
  /** i18n key under quizzes.import.problems, with parameters. */
  reason: string;
  params?: Record<string, string>;
}

export interface ImportResult {
  questions: ImportedQuestion[];
  problems: ImportProblem[];
}

/** Category path from Moodle's `$course$/top/Default for X/Sub` (or `$course$/Sub`): names after the context and "top". */
export function categoryPathOf(raw: string): string[] {
  const parts = raw
    .split(/(?<!\/)\/(?!\/)/)
    .map((p) => p.replace(/\/\//g, '/').trim())
    .filter(Boolean);
  if (parts[0]?.startsWith('$') && parts[0].endsWith('$')) parts.shift();
  if (parts[0] === 'top') parts.shift();
  return parts.slice(0, 10).map((p) => p.slice(0, 200));
}

export function categoryPathText(path: string[]): string {
  return ['$course$', 'top', ...path.map((p) => p.replace(/\//g, '//'))].join('/');
}

/** Moodle HTML (question text, feedback) as the plain text the bank keeps. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6])>/gi, '\n')
    .replace(/<[^>]{0,2000}>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0*39;|&apos;/g, "'")
    .replace(/&#(\d{1,6});/g, (_m, n: string) => String.fromCodePoint(Math.min(Number(n), 0x10ffff)))
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Adds a question when the bank's rules accept it, else records why not. */
export function accept(result: ImportResult, item: ImportedQuestion) {
  const errors = questionErrors(item.question);
  const first = Object.entries(errors)[0];
  if (first)
    result.problems.push({
      position: item.position,
      name: item.question.name,
      reason: 'invalid',
      params: { field: first[0], rule: first[1] },
    });
  else result.questions.push(item);
}

export { newId };
