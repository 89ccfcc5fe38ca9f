// Imports questions into a course's question bank from a Moodle XML or GIFT file on the command
// line, with the same reading, rules and scope as the import page (as the given author of the course):
//   npx tsx src/cli/import-questions.ts --as penulis.usu@binaasn.example --course ADUAN-01 soal.xml          (dry run)
//   npx tsx src/cli/import-questions.ts --as penulis.usu@binaasn.example --course ADUAN-01 soal.xml --apply  (save)
// The dry run prints, question by question, what would be created (type, points, answers with their
// fractions, tolerances) or why not. Uses the same database as `npm start` (stop the server first
// when it runs on the embedded engine).
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadServerConfig } from '../config';
import { openDatabase } from '../db';
import { loadSessionPerson } from '../auth';
import { findAccount } from '../users';
import { courseIdByCode } from '../courses';
import { questionImport } from '../quizzes';
import { translatorFor } from '../web/i18n';

const pct = (f: number) => `${Math.round(f * 1e7) / 1e5}%`;

function describe(
  item: Awaited<ReturnType<typeof questionImport.readQuestionFile>>['result']['questions'][number],
): string[] {
  const q = item.question;
  const d = q.data as unknown as Record<string, unknown>;
  const lines = [
    `#${item.position} ${q.type} "${q.name}" ${q.points} pt, category ${item.categoryPath.join('/') || '(default)'}`,
  ];
  for (const a of (d.options ?? d.answers ?? []) as Array<Record<string, unknown>>) {
    const value =
      'value' in a ? `${a.value === null ? '*' : String(a.value)} ± ${String(a.tolerance)}` : String(a.text);
    lines.push(
      `    ${pct(Number(a.fraction))}  ${value}${a.feedback ? `  (feedback: ${String(a.feedback)})` : ''}`,
    );
  }
  for (const s of (d.stems ?? []) as Array<{ text: string; choiceId: string }>)
    lines.push(
      `    ${s.text} -> ${((d.choices ?? []) as Array<{ id: string; text: string }>).find((c) => c.id === s.choiceId)?.text ?? ''}`,
    );
  ((d.items ?? []) as Array<{ text: string }>).forEach((it, i) => lines.push(`    ${i + 1}. ${it.text}`));
  if (q.type === 'truefalse') lines.push(`    right answer: ${d.correct ? 'true' : 'false'}`);
  for (const u of (d.units ?? []) as Array<{ unit: string; multiplier: number }>)
    lines.push(`    unit ${u.unit} × ${u.multiplier}`);
  return lines;
}

export interface ImportQuestionsOptions {
  /** The author's email or NIP (the import runs with their rights). */
  as: string;
  /** The course code. */
  course: string;
  /** The file's name (for the report) and bytes. */
  file: string;
  bytes: Buffer;
  apply: boolean;
}

/**
 * The command itself, on an open database: prints the report line by line through `print` and
 * saves only with `apply`. Returns how many questions were saved (0 on a dry run).
 */
export async function importQuestions(
  options: ImportQuestionsOptions,
  print: (line: string) => void,
): Promise<number> {
  const account = await findAccount(options.as);
  const person = account ? await loadSessionPerson(account.id) : undefined;
  if (!person) throw new Error(`No active account ${options.as}.`);
  const course = await courseIdByCode(options.course);
  if (!course) throw new Error(`No course ${options.course}.`);
  const t = translatorFor('en');
  let read;
  try {
    read = await questionImport.readQuestionFile(options.bytes, options.file);
  } catch (error) {
    const key = (error as { fieldErrors?: Record<string, string> }).fieldErrors?.file;
    throw key ? new Error(t(key)) : error;
  }
  const { format, result } = read;
  print(`${options.file}: ${questionImport.FORMAT_NAMES[format]}`);
  for (const item of result.questions) print(describe(item).join('\n'));
  for (const p of result.problems) {
    const params = { ...(p.params ?? {}), rule: p.params?.rule ? t(p.params.rule) : '' };
    print(`#${p.position} "${p.name}": not imported: ${t(`quizzes.import.problems.${p.reason}`, params)}`);
  }
  print(`Checked: ${result.questions.length} to create, ${result.problems.length} not importable.`);
  if (!options.apply) {
    print('Nothing saved; run again with --apply to save them.');
    return 0;
  }
  const count = await questionImport.importInto(person.actor, course.id, result, { requestId: 'cli' });
  print(`Saved: ${count} questions added to ${options.course}.`);
  return count;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      as: { type: 'string' },
      course: { type: 'string' },
      apply: { type: 'boolean', default: false },
    },
  });
  const file = positionals[0];
  if (!values.as || !values.course || !file)
    throw new Error(
      'Usage: import-questions.ts --as <author email or NIP> --course <course code> <file.xml|file.gift|file.csv|file.xlsx> [--apply]',
    );
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- the operator names the file to import
  const bytes = fs.readFileSync(file);
  const config = { ...loadServerConfig(), seedDemoData: false };
  const db = await openDatabase(config);
  try {
    await importQuestions(
      { as: values.as, course: values.course, file, bytes, apply: values.apply ?? false },
      (line) => console.log(line),
    );
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
