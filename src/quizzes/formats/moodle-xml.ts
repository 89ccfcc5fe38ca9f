// Moodle XML, as Moodle 4.x writes and reads it, for the types both sides share: multichoice
// (single and multiple), truefalse, shortanswer, numerical (tolerances, units), match (with
// distractors), ordering (the qtype_ordering plugin's format) and essay; fractions in percent
// (negative for penalties), per-answer and general feedback, hints, idnumbers and the
// `$course$/…` category path. Cloze, calculated, drag-and-drop and the rest are reported.
// The parser refuses any DOCTYPE (so no DTD, no entity expansion, no external entity) and caps
// the number of elements and the text length.
import { SaxesParser } from 'saxes';
import type { QuestionInput } from '../question-rules';
import type { QuestionDataByType } from '../question-types';
import { accept, categoryPathOf, categoryPathText, htmlToText, newId, type ImportResult } from './imported';

export const MAX_XML_BYTES = 5 * 1024 * 1024;
const MAX_ELEMENTS = 200_000;

interface Node {
  name: string;
  attrs: Record<string, string>;
  children: Node[];
  text: string;
}

export class FormatError extends Error {}

/** Parses XML into a small tree; a DOCTYPE, malformed XML or too many elements throws FormatError. */
export function parseXml(xml: string): Node {
  if (xml.length > MAX_XML_BYTES) throw new FormatError('tooLarge');
  const parser = new SaxesParser({ xmlns: false });
  const root: Node = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: Node[] = [root];
  let count = 0;
  let error: Error | undefined;
  parser.on('doctype', () => {
    error = new FormatError('doctype');
  });
  parser.on('error', (e) => {
    error ??= new FormatError(`malformed: ${e.message.slice(0, 200)}`);
  });
  parser.on('opentag', (tag) => {
    if (++count > MAX_ELEMENTS) error ??= new FormatError('tooManyElements');
    const node: Node = {
      name: tag.name,
      attrs: tag.attributes as Record<string, string>,
      children: [],
      text: '',
    };
    stack[stack.length - 1].children.push(node);
    stack.push(node);
  });
  parser.on('closetag', () => void stack.pop());
  const addText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top.text.length < 200_000) top.text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  try {
    // Feed in slices so that a DOCTYPE stops the parse at once instead of after the whole file.
    for (let i = 0; i < xml.length && !error; i += 65_536) parser.write(xml.slice(i, i + 65_536));
    if (!error) parser.close();
  } catch (e) {
    error ??= new FormatError(`malformed: ${String((e as Error).message).slice(0, 200)}`);
  }
  if (error) throw error;
  return root;
}

const child = (n: Node | undefined, name: string) => n?.children.find((c) => c.name === name);
const all = (n: Node, name: string) => n.children.filter((c) => c.name === name);
const textOf = (n: Node | undefined) => child(n, 'text')?.text ?? '';
const plain = (n: Node | undefined) => {
  const raw = textOf(n);
  return n?.attrs.format === 'html' || /<[a-z]/i.test(raw) ? htmlToText(raw) : raw.trim();
};
const num = (n: Node | undefined, fallback = 0) => {
  const v = Number((n?.text ?? '').trim());
  return Number.isFinite(v) ? v : fallback;
};
const flag = (n: Node | undefined) => /^(1|true)$/i.test((n?.text ?? '').trim());

const SHARED = new Set([
  'multichoice',
  'truefalse',
  'shortanswer',
  'numerical',
  'match',
  'ordering',
  'essay',
]);

function answersOf(q: Node) {
  return all(q, 'answer').map((a) => ({
    id: newId(),
    text: plain(a),
    fraction: Math.round(Number(a.attrs.fraction ?? '0') * 1e5) / 1e7,
    feedback: plain(child(a, 'feedback')),
    raw: a,
  }));
}

function dataOf(type: string, q: Node): { type: QuestionInput['type']; data: unknown } {
  const answers = answersOf(q);
  switch (type) {
    case 'multichoice': {
      const single = /^(1|true)$/i.test((child(q, 'single')?.text ?? 'true').trim());
      return {
        type: single ? 'single' : 'multiple',
        data: {
          options: answers.map(({ id, text, fraction, feedback }) => ({ id, text, fraction, feedback })),
        },
      };
    }
    case 'truefalse': {
      const t = answers.find((a) => a.text.toLowerCase() === 'true');
      const f = answers.find((a) => a.text.toLowerCase() === 'false');
      return {
        type: 'truefalse',
        data: {
          correct: (t?.fraction ?? 0) >= 1,
          feedbackTrue: t?.feedback ?? '',
          feedbackFalse: f?.feedback ?? '',
        },
      };
    }
    case 'shortanswer':
      return {
        type: 'shortanswer',
        data: {
          answers: answers.map(({ id, text, fraction, feedback }) => ({ id, text, fraction, feedback })),
          caseSensitive: flag(child(q, 'usecase')),
          accentSensitive: true,
        },
      };
    case 'numerical': {
      const units = (child(q, 'units')?.children ?? [])
        .filter((u) => u.name === 'unit')
        .map((u) => ({
          unit: (child(u, 'unit_name')?.text ?? '').trim(),
          multiplier: num(child(u, 'multiplier'), 1),
        }));
      const data: QuestionDataByType['numerical'] = {
        answers: answers.map((a) => ({
          id: a.id,
          value: a.text === '*' ? null : Number(a.text.replace(',', '.')),
          tolerance: Math.abs(num(child(a.raw, 'tolerance'))),
          fraction: a.fraction,
          feedback: a.feedback,
        })),
        units,
        unitHandling: num(child(q, 'unitgradingtype')) > 0 ? 'required' : 'optional',
        unitPenalty: num(child(q, 'unitpenalty'), 0.1),
      };
      return { type: 'numerical', data };
    }
    case 'match': {
      const choices: Array<{ id: string; text: string }> = [];
      const choiceFor = (text: string) => {
        let c = choices.find((x) => x.text === text);
        if (!c) choices.push((c = { id: newId(), text }));
        return c.id;
      };
      const stems = all(q, 'subquestion')
        .map((s) => ({ text: plain(s), answer: textOf(child(s, 'answer')).trim() }))
        .map((s) => ({ ...s, choiceId: choiceFor(s.answer) }))
        .filter((s) => s.text)
        .map((s) => ({ id: newId(), text: s.text, choiceId: s.choiceId }));
      return { type: 'matching', data: { stems, choices } };
    }
    case 'ordering': {
      const items = [...answers]
        .sort((a, b) => a.fraction - b.fraction)
        .map((a) => ({ id: a.id, text: a.text }));
      return { type: 'ordering', data: { items } };
    }
    default: {
      const words = (n: string) => {
        const v = Number((child(q, n)?.text ?? '').trim());
        return Number.isFinite(v) && v > 0 ? v : null;
      };
      return {
        type: 'essay',
        data: {
          minWords: words('minwordlimit'),
          maxWords: words('maxwordlimit'),
          graderInfo: plain(child(q, 'graderinfo')),
          responseTemplate: plain(child(q, 'responsetemplate')),
        },
      };
    }
  }
}

export function importMoodleXml(xml: string): ImportResult {
  const root = parseXml(xml);
  const quiz = child(root, 'quiz');
  if (!quiz) throw new FormatError('noQuiz');
  const result: ImportResult = { questions: [], problems: [] };
  let category: string[] = [];
  let position = 0;
  for (const q of all(quiz, 'question')) {
    const type = q.attrs.type ?? '';
    if (type === 'category') {
      category = categoryPathOf(textOf(child(q, 'category')));
      continue;
    }
    position++;
    const name = textOf(child(q, 'name')).trim() || `#${position}`;
    if (!SHARED.has(type)) {
      result.problems.push({
        position,
        name,
        reason: 'unsupportedType',
        params: { type: type.slice(0, 40) },
      });
      continue;
    }
    const { type: ours, data } = dataOf(type, q);
    const question = {
      type: ours,
      name: name.slice(0, 255),
      idnumber: (child(q, 'idnumber')?.text ?? '').trim().slice(0, 100),
      text: plain(child(q, 'questiontext')),
      points: num(child(q, 'defaultgrade'), 1),
      generalFeedback: plain(child(q, 'generalfeedback')),
      hints: all(q, 'hint')
        .map((h) => plain(h))
        .filter(Boolean),
      shuffleOptions:
        (child(q, 'shuffleanswers')?.text ?? '1').trim() !== '0' &&
        (child(q, 'shuffleanswers')?.text ?? '').trim() !== 'false',
      data,
    } as QuestionInput;
    accept(result, { position, categoryPath: category, question });
  }
  return result;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Plain text as Moodle's HTML text: escaped, line breaks kept. */
const html = (s: string) => esc(esc(s).replace(/\n/g, '<br>'));
const text = (tag: string, value: string, format = 'html') =>
  `    <${tag} format="${format}">\n      <text>${format === 'html' ? html(value) : esc(value)}</text>\n    </${tag}>\n`;
const f7 = (n: number) => n.toFixed(7);
const pct = (f: number) => String(Math.round(f * 1e7) / 1e5);

function answerXml(fraction: number, body: string, feedback: string, extra = '', format = 'html') {
  return `    <answer fraction="${pct(fraction)}" format="${format}">\n      <text>${format === 'html' ? html(body) : esc(body)}</text>\n      <feedback format="html">\n        <text>${html(feedback)}</text>\n      </feedback>\n${extra}    </answer>\n`;
}

function typeXml(q: QuestionInput): { type: string; body: string } {
  switch (q.type) {
    case 'single':
    case 'multiple': {
      const d = q.data as QuestionDataByType['single'];
      return {
        type: 'multichoice',
        body:
          `    <single>${q.type === 'single'}</single>\n    <shuffleanswers>${q.shuffleOptions}</shuffleanswers>\n    <answernumbering>abc</answernumbering>\n    <showstandardinstruction>0</showstandardinstruction>\n` +
          d.options.map((o) => answerXml(o.fraction, o.text, o.feedback)).join(''),
      };
    }
    case 'truefalse': {
      const d = q.data as QuestionDataByType['truefalse'];
      return {
        type: 'truefalse',
        body:
          answerXml(d.correct ? 1 : 0, 'true', d.feedbackTrue, '', 'moodle_auto_format') +
          answerXml(d.correct ? 0 : 1, 'false', d.feedbackFalse, '', 'moodle_auto_format'),
      };
    }
    case 'shortanswer': {
      const d = q.data as QuestionDataByType['shortanswer'];
      return {
        type: 'shortanswer',
        body:
          `    <usecase>${d.caseSensitive ? 1 : 0}</usecase>\n` +
          d.answers.map((a) => answerXml(a.fraction, a.text, a.feedback, '', 'moodle_auto_format')).join(''),
      };
    }
    case 'numerical': {
      const d = q.data as QuestionDataByType['numerical'];
      const units = d.units.length
        ? `    <units>\n${d.units.map((u) => `      <unit>\n        <multiplier>${u.multiplier}</multiplier>\n        <unit_name>${esc(u.unit)}</unit_name>\n      </unit>\n`).join('')}    </units>\n`
        : '';
      return {
        type: 'numerical',
        body:
          d.answers
            .map((a) =>
              answerXml(
                a.fraction,
                a.value === null ? '*' : String(a.value),
                a.feedback,
                `      <tolerance>${a.tolerance}</tolerance>\n`,
                'moodle_auto_format',
              ),
            )
            .join('') +
          units +
          `    <unitgradingtype>${d.unitHandling === 'required' ? 1 : 0}</unitgradingtype>\n    <unitpenalty>${f7(d.unitPenalty)}</unitpenalty>\n    <showunits>${d.units.length ? 1 : 3}</showunits>\n    <unitsleft>0</unitsleft>\n`,
      };
    }
    case 'matching': {
      const d = q.data as QuestionDataByType['matching'];
      const textOfChoice = new Map(d.choices.map((c) => [c.id, c.text]));
      const used = new Set(d.stems.map((s) => s.choiceId));
      const sub = (stem: string, answer: string) =>
        `    <subquestion format="html">\n      <text>${html(stem)}</text>\n      <answer>\n        <text>${esc(answer)}</text>\n      </answer>\n    </subquestion>\n`;
      return {
        type: 'match',
        body:
          `    <shuffleanswers>true</shuffleanswers>\n` +
          d.stems.map((s) => sub(s.text, textOfChoice.get(s.choiceId) ?? '')).join('') +
          d.choices
            .filter((c) => !used.has(c.id))
            .map((c) => sub('', c.text))
            .join(''),
      };
    }
    case 'ordering': {
      const d = q.data as QuestionDataByType['ordering'];
      return {
        type: 'ordering',
        body:
          `    <layouttype>VERTICAL</layouttype>\n    <selecttype>ALL</selecttype>\n    <selectcount>0</selectcount>\n    <gradingtype>ABSOLUTE_POSITION</gradingtype>\n    <showgrading>SHOW</showgrading>\n    <numberingstyle>none</numberingstyle>\n` +
          d.items
            .map(
              (item, i) =>
                `    <answer fraction="${f7(i + 1)}" format="moodle_auto_format">\n      <text>${esc(item.text)}</text>\n    </answer>\n`,
            )
            .join(''),
      };
    }
    case 'essay': {
      const d = q.data as QuestionDataByType['essay'];
      return {
        type: 'essay',
        body:
          `    <responseformat>editor</responseformat>\n    <responserequired>1</responserequired>\n    <responsefieldlines>10</responsefieldlines>\n    <minwordlimit>${d.minWords ?? ''}</minwordlimit>\n    <maxwordlimit>${d.maxWords ?? ''}</maxwordlimit>\n    <attachments>0</attachments>\n    <attachmentsrequired>0</attachmentsrequired>\n` +
          text('graderinfo', d.graderInfo) +
          text('responsetemplate', d.responseTemplate),
      };
    }
  }
}

/** A Moodle XML file of questions, grouped by category. */
export function exportMoodleXml(items: Array<{ categoryPath: string[]; question: QuestionInput }>): string {
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n';
  let current = '';
  for (const { categoryPath, question: q } of items) {
    const path = categoryPathText(categoryPath);
    if (path !== current) {
      current = path;
      out += `  <question type="category">\n    <category>\n      <text>${esc(path)}</text>\n    </category>\n    <info format="moodle_auto_format">\n      <text></text>\n    </info>\n    <idnumber></idnumber>\n  </question>\n`;
    }
    const { type, body } = typeXml(q);
    out +=
      `  <question type="${type}">\n    <name>\n      <text>${esc(q.name)}</text>\n    </name>\n` +
      text('questiontext', q.text) +
      text('generalfeedback', q.generalFeedback) +
      `    <defaultgrade>${f7(q.points)}</defaultgrade>\n    <penalty>0.3333333</penalty>\n    <hidden>0</hidden>\n    <idnumber>${esc(q.idnumber)}</idnumber>\n` +
      body +
      q.hints.map((h) => `    <hint format="html">\n      <text>${html(h)}</text>\n    </hint>\n`).join('') +
      '  </question>\n';
  }
  return `${out}</quiz>\n`;
}
