// Importing questions into a course's bank from Moodle XML or GIFT: read the file (format by
// content), keep a preview, and add its questions once the author confirms (the same code runs
// from the command line). Exports write the bank in both formats. Every step starts from the
// courses feature's authoredCourse: another author's course answers NotFound.
import { Types } from 'mongoose';
import type { Actor } from '../core/actor';
import { authoredCourse } from '../courses';
import { Conflict, NotFound, ValidationFailed } from '../web/errors';
import { audit, type AuditContext } from '../audit';
import { QuestionImport } from './question-import.model';
import { Question } from './question.model';
import { addQuestion, categoryAtPath, categoryTree } from './bank.service';
import { exportMoodleXml, FormatError, importMoodleXml, MAX_XML_BYTES } from './formats/moodle-xml';
import { exportGift, importGift } from './formats/gift';
import type { ImportResult } from './formats/imported';
import { importSheet, isQuestionSheet, templateCsv, templateXlsx } from './formats/spreadsheet';
import { parseSpreadsheet } from '../web/spreadsheet-table';
import type { QuestionInput } from './question-rules';

export const MAX_IMPORT_BYTES = MAX_XML_BYTES;

/** The course, when the actor authors it. */
export async function ownCourse(actor: Actor, courseId: string) {
  return authoredCourse(actor, courseId);
}

export type ImportFormat = 'moodlexml' | 'gift' | 'csv' | 'xlsx';
export const FORMAT_NAMES: Record<ImportFormat, string> = {
  moodlexml: 'Moodle XML',
  gift: 'GIFT',
  csv: 'CSV',
  xlsx: 'XLSX',
};

const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');

/** A CSV or XLSX question sheet (the template's columns); a file without them is refused whole. */
async function readSheet(bytes: Buffer): Promise<{ format: ImportFormat; result: ImportResult }> {
  const table = await parseSpreadsheet(bytes);
  if (!table.ok) throw new ValidationFailed({ file: table.error });
  if (!isQuestionSheet(table.header))
    throw new ValidationFailed({ file: 'quizzes.import.errors.sheetColumns' });
  return { format: table.kind, result: importSheet(table.header, table.rows) };
}

/**
 * Reads a file by its content: XLSX (a ZIP), Moodle XML (it starts with `<`), a CSV with the
 * template's header (or named .csv), else GIFT. Unreadable files throw ValidationFailed.
 */
export async function readQuestionFile(
  bytes: Buffer,
  fileName = '',
): Promise<{ format: ImportFormat; result: ImportResult }> {
  if (bytes.length > MAX_IMPORT_BYTES) throw new ValidationFailed({ file: 'quizzes.import.errors.tooLarge' });
  if (bytes.subarray(0, 4).equals(ZIP_MAGIC)) return readSheet(bytes);
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.includes('\u0000')) throw new ValidationFailed({ file: 'quizzes.import.errors.unreadable' });
  const firstLine = (text.split(/\r?\n/, 1)[0] ?? '').toLowerCase();
  if (/\.csv$/i.test(fileName) || (/\bjenis\b/.test(firstLine) && /\bjawaban_1\b/.test(firstLine)))
    return readSheet(bytes);
  try {
    if (text.trimStart().startsWith('<')) return { format: 'moodlexml', result: importMoodleXml(text) };
    return { format: 'gift', result: importGift(text) };
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    const key =
      error.message === 'doctype' ? 'doctype' : error.message === 'tooLarge' ? 'tooLarge' : 'unreadable';
    throw new ValidationFailed({ file: `quizzes.import.errors.${key}` });
  }
}

export async function previewImport(
  actor: Actor,
  courseId: string,
  bytes: Buffer,
  fileName: string,
  now: Date,
) {
  const course = await authoredCourse(actor, courseId);
  const { format, result } = await readQuestionFile(bytes, fileName);
  const preview = await QuestionImport.create({
    course: course._id,
    owner: actor.id,
    format,
    fileName: fileName.replace(/[^\p{L}\p{N} ._-]/gu, '_').slice(0, 200),
    questions: result.questions,
    problems: result.problems,
    createdAt: now,
  });
  return String(preview._id);
}

export async function getPreview(actor: Actor, courseId: string, previewId: string) {
  const course = await authoredCourse(actor, courseId);
  const preview = Types.ObjectId.isValid(previewId)
    ? await QuestionImport.findOne({ _id: previewId, course: course._id, owner: actor.id }).lean()
    : null;
  if (!preview) throw new NotFound('import');
  return { course, preview: preview as typeof preview & ImportResult };
}

/** Adds the previewed questions to the bank, in their categories; a preview is applied once. */
export async function applyImport(
  actor: Actor,
  courseId: string,
  previewId: string,
  now: Date,
  context: AuditContext = {},
) {
  const { course, preview } = await getPreview(actor, courseId, previewId);
  const claimed = await QuestionImport.updateOne(
    { _id: preview._id, appliedAt: null },
    { $set: { appliedAt: now } },
  );
  if (claimed.modifiedCount === 0) throw new Conflict('quizzes.import.errors.applied');
  return addImported(actor, course._id, preview.questions, context);
}

export async function addImported(
  actor: Actor,
  courseId: Types.ObjectId,
  questions: ImportResult['questions'],
  context: AuditContext = {},
): Promise<number> {
  for (const item of questions) {
    const category = await categoryAtPath(courseId, item.categoryPath);
    await addQuestion(actor, courseId, category, item.question, context);
  }
  await audit.record(
    actor,
    {
      action: 'question.import',
      targetType: 'course',
      targetId: courseId,
      after: { count: questions.length },
    },
    context,
  );
  return questions.length;
}

/** The course's visible questions (latest versions) with their category paths, for the exports. */
async function exportItems(courseId: Types.ObjectId) {
  const tree = await categoryTree(courseId);
  const pathOf = new Map(tree.map((c) => [c.id, c.path]));
  const order = new Map(tree.map((c, i) => [c.id, i]));
  const questions = await Question.find({ course: courseId, isLatest: true, hidden: false })
    .sort({ name: 1 })
    .lean();
  return questions
    .sort((a, b) => (order.get(String(a.category)) ?? 0) - (order.get(String(b.category)) ?? 0))
    .map((q) => ({
      categoryPath: pathOf.get(String(q.category)) ?? [],
      question: {
        type: q.type,
        name: q.name,
        idnumber: q.idnumber,
        text: q.text,
        points: q.points,
        generalFeedback: q.generalFeedback,
        hints: q.hints,
        shuffleOptions: q.shuffleOptions,
        data: q.data,
      } as QuestionInput,
    }));
}

export async function exportBank(
  actor: Actor,
  courseId: string,
  format: 'moodlexml' | 'gift',
  context: AuditContext = {},
) {
  const course = await authoredCourse(actor, courseId);
  const items = await exportItems(course._id);
  await audit.record(
    actor,
    {
      action: 'question.export',
      targetType: 'course',
      targetId: course._id,
      after: { format, count: items.length },
    },
    context,
  );
  const base = `bank-soal-${course.code}`;
  if (format === 'moodlexml')
    return {
      fileName: `${base}.xml`,
      contentType: 'application/xml; charset=utf-8',
      body: exportMoodleXml(items),
    };
  return {
    fileName: `${base}.gift.txt`,
    contentType: 'text/plain; charset=utf-8',
    body: exportGift(items).text,
  };
}

/** Adds a file's questions to a course the actor authors (the command line's --apply). */
export async function importInto(
  actor: Actor,
  courseId: string,
  result: ImportResult,
  context: AuditContext = {},
) {
  const course = await authoredCourse(actor, courseId);
  return addImported(actor, course._id, result.questions, context);
}

/** Whether a course's bank has any question (the demo seed leaves such a bank as it is). */
export async function hasQuestions(courseId: string): Promise<boolean> {
  return !!(await Question.exists({ course: courseId }));
}

/** The spreadsheet template for a course's authors (CSV or XLSX). */
export async function questionTemplate(actor: Actor, courseId: string, kind: 'csv' | 'xlsx') {
  await authoredCourse(actor, courseId);
  return kind === 'csv'
    ? { body: Buffer.from(`\uFEFF${templateCsv()}`, 'utf8'), contentType: 'text/csv; charset=utf-8' }
    : {
        body: await templateXlsx(),
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      };
}
