// GIFT, as Moodle 4.x writes and reads it: `$CATEGORY:` lines, `::name::`, `[html]` texts,
// `// [id:…]` idnumbers, answers with `=`/`~`, weights `%n%` (negative for penalties), `#feedback`,
// `####general feedback`, TRUE/FALSE, numerical `#value:tolerance` and matching `a -> b`.
// GIFT has no ordering, no units and no hints: exporting those is reported, not silently lost.
import type { QuestionInput } from '../question-rules';
import type { QuestionDataByType } from '../question-types';
import {
  accept,
  categoryPathOf,
  categoryPathText,
  htmlToText,
  newId,
  type ImportResult,
  type ImportProblem,
} from './imported';

export const MAX_GIFT_BYTES = 5 * 1024 * 1024;

/** Splits at unescaped `sep` characters (a backslash escapes the next character). */
function splitUnescaped(text: string, test: (ch: string, i: number) => boolean): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1];
      i++;
    } else if (test(ch, i)) {
      parts.push(current);
      current = ch;
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

const unescape = (s: string) =>
  s.replace(/\\([~=#{}:\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c)).trim();
const escape = (s: string) => s.replace(/([\\~=#{}:])/g, '\\$1').replace(/\n/g, '\\n');

function indexUnescaped(text: string, ch: string, from = 0): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ch) return i;
  }
  return -1;
}

/** A text part; `html` when the question was written `[html]` (its answers and feedback are HTML too). */
function textPart(raw: string, html = false): string {
  const m = /^\[(html|moodle|plain|markdown)\]/.exec(raw.trim());
  const body = m ? raw.trim().slice(m[0].length) : raw;
  return (m ? m[1] === 'html' : html) ? htmlToText(unescape(body)) : unescape(body);
}

interface Answer {
  mark: '=' | '~';
  weight: number | null;
  text: string;
  feedback: string;
}

function parseAnswers(block: string, html: boolean): { answers: Answer[]; general: string } {
  const generalAt = block.indexOf('####');
  const general = generalAt >= 0 ? textPart(block.slice(generalAt + 4), html) : '';
  const body = generalAt >= 0 ? block.slice(0, generalAt) : block;
  const answers = splitUnescaped(body, (ch) => ch === '=' || ch === '~')
    .filter((p) => p.trim() && (p[0] === '=' || p[0] === '~'))
    .map((p) => {
      const mark = p[0] as '=' | '~';
      let rest = p.slice(1);
      let weight: number | null = null;
      // eslint-disable-next-line security/detect-unsafe-regex -- anchored, every repetition bounded
      const w = /^\s*%(-?\d{1,3}(?:\.\d+)?)%/.exec(rest);
      if (w) {
        weight = Math.round(Number(w[1]) * 1e5) / 1e7;
        rest = rest.slice(w[0].length);
      }
      const hash = indexUnescaped(rest, '#');
      return {
        mark,
        weight,
        text: hash >= 0 ? rest.slice(0, hash) : rest,
        feedback: hash >= 0 ? textPart(rest.slice(hash + 1), html) : '',
      };
    });
  return { answers, general };
}

function typed(
  block: string,
  html: boolean,
): { type: QuestionInput['type']; data: unknown; general: string } | string {
  const trimmed = block.trim();
  if (trimmed === '')
    return {
      type: 'essay',
      data: { minWords: null, maxWords: null, graderInfo: '', responseTemplate: '' },
      general: '',
    };
  const tf = /^(T|TRUE|F|FALSE)\b/i.exec(trimmed);
  if (tf) {
    const isTrue = tf[1].toUpperCase().startsWith('T');
    const rest = trimmed.slice(tf[0].length);
    const generalAt = rest.indexOf('####');
    const parts = splitUnescaped(generalAt >= 0 ? rest.slice(0, generalAt) : rest, (ch) => ch === '#').map(
      (p) => textPart(p.replace(/^#/, ''), html),
    );
    const [wrong = '', right = ''] = parts.slice(1);
    return {
      type: 'truefalse',
      data: { correct: isTrue, feedbackTrue: isTrue ? right : wrong, feedbackFalse: isTrue ? wrong : right },
      general: generalAt >= 0 ? textPart(rest.slice(generalAt + 4), html) : '',
    };
  }
  if (trimmed.startsWith('#')) {
    const { answers, general } = parseAnswers(
      trimmed.slice(1).trim().match(/^[=~]/) ? trimmed.slice(1) : `=${trimmed.slice(1)}`,
      html,
    );
    const parsed = answers.map((a) => {
      const [value, tol] = unescape(a.text).split(':');
      const range = /^(-?[\d.]+)\.\.(-?[\d.]+)$/.exec(value ?? '');
      const v = range ? (Number(range[1]) + Number(range[2])) / 2 : Number(value);
      const t = range ? Math.abs(Number(range[2]) - Number(range[1])) / 2 : Number(tol ?? 0);
      return {
        id: newId(),
        value: a.mark === '~' && !value ? null : v,
        tolerance: Number.isFinite(t) ? t : 0,
        fraction: a.weight ?? (a.mark === '=' ? 1 : 0),
        feedback: a.feedback,
      };
    });
    return {
      type: 'numerical',
      data: { answers: parsed, units: [], unitHandling: 'optional', unitPenalty: 0.1 },
      general,
    };
  }
  const { answers, general } = parseAnswers(trimmed, html);
  if (answers.length === 0) return 'unreadableAnswers';
  if (
    answers.every((a) => a.mark === '=') &&
    answers.some((a) => indexUnescaped(a.text, '-') >= 0 && a.text.includes('->'))
  ) {
    const choices: Array<{ id: string; text: string }> = [];
    const choiceFor = (t: string) => {
      let c = choices.find((x) => x.text === t);
      if (!c) choices.push((c = { id: newId(), text: t }));
      return c.id;
    };
    const stems = answers
      .map((a) => {
        const [stem, match] = a.text.split('->');
        return { stem: textPart(stem ?? '', html), choiceId: choiceFor(unescape(match ?? '')) };
      })
      .filter((s) => s.stem)
      .map((s) => ({ id: newId(), text: s.stem, choiceId: s.choiceId }));
    return { type: 'matching', data: { stems, choices }, general };
  }
  const options = answers.map((a) => ({
    id: newId(),
    text: textPart(a.text, html),
    fraction: a.weight ?? (a.mark === '=' ? 1 : 0),
    feedback: a.feedback,
  }));
  if (answers.every((a) => a.mark === '='))
    return {
      type: 'shortanswer',
      data: { answers: options, caseSensitive: false, accentSensitive: true },
      general,
    };
  const single = answers.some((a) => a.mark === '=');
  return { type: single ? 'single' : 'multiple', data: { options }, general };
}

export function importGift(source: string): ImportResult {
  const result: ImportResult = { questions: [], problems: [] };
  let category: string[] = [];
  let position = 0;
  const blocks = source.replace(/\r\n?/g, '\n').split(/\n\s*\n/);
  for (const rawBlock of blocks) {
    const lines = rawBlock.split('\n');
    const idnumber = lines.map((l) => /^\s*\/\/.*\[id:([^\]]{1,100})\]/.exec(l)?.[1]).find(Boolean) ?? '';
    const body = lines.filter((l) => !/^\s*\/\//.test(l));
    const cat = body.find((l) => l.trim().startsWith('$CATEGORY:'));
    if (cat) category = categoryPathOf(cat.trim().slice('$CATEGORY:'.length).trim());
    const text = body
      .filter((l) => !l.trim().startsWith('$CATEGORY:'))
      .join('\n')
      .trim();
    if (!text) continue;
    position++;
    let rest = text;
    let name = '';
    const titled = /^::((?:\\.|[^:\\]|:(?!:)){0,255})::/s.exec(rest);
    if (titled) {
      name = unescape(titled[1]);
      rest = rest.slice(titled[0].length);
    }
    const open = indexUnescaped(rest, '{');
    const close = open >= 0 ? indexUnescaped(rest, '}', open) : -1;
    if (open < 0 || close < 0) {
      result.problems.push({
        position,
        name: name || rest.slice(0, 60),
        reason: open < 0 ? 'description' : 'unreadableAnswers',
      });
      continue;
    }
    const after = rest.slice(close + 1).trim();
    const questionText = textPart(rest.slice(0, open) + (after ? ` _____ ${after}` : ''));
    const isHtml = rest.trim().startsWith('[html]');
    const kind = typed(rest.slice(open + 1, close), isHtml);
    if (typeof kind === 'string') {
      result.problems.push({ position, name: name || questionText.slice(0, 60), reason: kind });
      continue;
    }
    accept(result, {
      position,
      categoryPath: category,
      question: {
        type: kind.type,
        name: (name || questionText.slice(0, 60)).slice(0, 255),
        idnumber,
        text: questionText,
        points: 1,
        generalFeedback: kind.general,
        hints: [],
        shuffleOptions: true,
        data: kind.data,
      } as QuestionInput,
    });
  }
  return result;
}

const pct = (f: number) => String(Math.round(f * 1e7) / 1e5);
const fb = (s: string) => (s ? `#${escape(s)}` : '');

/** A GIFT file; what GIFT cannot hold (ordering, units, hints, points) is listed, question by question. */
export function exportGift(items: Array<{ categoryPath: string[]; question: QuestionInput }>): {
  text: string;
  problems: ImportProblem[];
} {
  const problems: ImportProblem[] = [];
  let out = '';
  let current = '';
  items.forEach(({ categoryPath, question: q }, i) => {
    const position = i + 1;
    const path = categoryPathText(categoryPath);
    if (path !== current) {
      current = path;
      out += `// question: 0  name: Switch category to ${path}\n$CATEGORY: ${path}\n\n`;
    }
    if (q.type === 'ordering') {
      problems.push({ position, name: q.name, reason: 'giftNoOrdering' });
      return;
    }
    if (q.hints.length) problems.push({ position, name: q.name, reason: 'giftNoHints' });
    if (q.points !== 1)
      problems.push({ position, name: q.name, reason: 'giftNoPoints', params: { points: String(q.points) } });
    const general = q.generalFeedback ? `\n\t####${escape(q.generalFeedback)}` : '';
    let answers = '';
    switch (q.type) {
      case 'single':
      case 'multiple':
        answers = (q.data as QuestionDataByType['single']).options
          .map((o) =>
            q.type === 'single' && o.fraction >= 0.99999
              ? `\t=${escape(o.text)}${fb(o.feedback)}`
              : `\t~${o.fraction ? `%${pct(o.fraction)}%` : ''}${escape(o.text)}${fb(o.feedback)}`,
          )
          .join('\n');
        answers = `\n${answers}${general}\n`;
        break;
      case 'truefalse': {
        const d = q.data as QuestionDataByType['truefalse'];
        const [right, wrong] = d.correct
          ? [d.feedbackTrue, d.feedbackFalse]
          : [d.feedbackFalse, d.feedbackTrue];
        answers = `${d.correct ? 'TRUE' : 'FALSE'}${wrong || right ? `#${escape(wrong)}` : ''}${right ? `#${escape(right)}` : ''}${general}`;
        break;
      }
      case 'shortanswer':
        answers = `\n${(q.data as QuestionDataByType['shortanswer']).answers
          .map((a) => `\t=%${pct(a.fraction)}%${escape(a.text)}${fb(a.feedback)}`)
          .join('\n')}${general}\n`;
        break;
      case 'numerical': {
        const d = q.data as QuestionDataByType['numerical'];
        if (d.units.length) problems.push({ position, name: q.name, reason: 'giftNoUnits' });
        answers = `#\n${d.answers
          .map((a) =>
            a.value === null
              ? `\t~#${escape(a.feedback)}`
              : `\t=%${pct(a.fraction)}%${a.value}:${a.tolerance}${fb(a.feedback)}`,
          )
          .join('\n')}${general}\n`;
        break;
      }
      case 'matching': {
        const d = q.data as QuestionDataByType['matching'];
        const textOf = new Map(d.choices.map((c) => [c.id, c.text]));
        const used = new Set(d.stems.map((s) => s.choiceId));
        answers = `\n${[
          ...d.stems.map((s) => `\t=${escape(s.text)} -> ${escape(textOf.get(s.choiceId) ?? '')}`),
          ...d.choices.filter((c) => !used.has(c.id)).map((c) => `\t= -> ${escape(c.text)}`),
        ].join('\n')}${general}\n`;
        break;
      }
      case 'essay':
        answers = general;
        break;
    }
    const id = q.idnumber ? ` [id:${q.idnumber.replace(/[\]\n]/g, '')}]` : '';
    out += `// question: ${position}  name: ${q.name.replace(/\n/g, ' ')}${id}\n::${escape(q.name)}::[html]${escape(q.text)}{${answers}}\n\n`;
  });
  return { text: out, problems };
}
