// Moodle XML and GIFT as Moodle 4.x writes them: every shared type keeps its type, fractions,
// tolerances and feedback; what cannot be represented is reported row by row; our exports read
// back to the same questions; hostile XML (DOCTYPE, entities, external entities) is refused whole.
import fs from 'node:fs';
import path from 'node:path';
import { exportMoodleXml, FormatError, importMoodleXml } from '../../src/quizzes/formats/moodle-xml';
import { exportGift, importGift } from '../../src/quizzes/formats/gift';
import { categoryPathOf, type ImportResult } from '../../src/quizzes/formats/imported';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'quizzes');
const read = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const strip = <T>(value: T): T =>
  JSON.parse(JSON.stringify(value, (k, v) => (k === 'id' || k === 'choiceId' ? undefined : v))) as T;

/** An import's questions: their types in order, one by its name, a choice question's fractions. */
function questionsOf(result: ImportResult) {
  const byName = (name: string) => result.questions.find((q) => q.question.name === name)!.question;
  return {
    types: result.questions.map((q) => q.question.type),
    byName,
    fractions: (name: string) =>
      (byName(name).data as { options: Array<{ fraction: number }> }).options.map((o) => o.fraction),
  };
}

// The same Moodle bank exported as XML and as GIFT: what both files must give.
const SHARED_TYPES = ['single', 'multiple', 'truefalse', 'shortanswer', 'numerical', 'matching'];
const CATEGORY_PATH = ['Default for ADUAN-01', 'Modul 1'];
const PARTIAL_AND_NEGATIVE = [0.3333333, 0.3333333, 0.3333334, -0.5];
const TRUE_FALSE = {
  correct: false,
  feedbackTrue: 'OTP tidak pernah dibagikan.',
  feedbackFalse: 'Benar, OTP rahasia.',
};
const NUMERICAL_ANSWERS = [
  { value: 14, tolerance: 0.5, fraction: 1, feedback: 'Tepat.' },
  { value: 14, tolerance: 2, fraction: 0.5, feedback: 'Hampir.' },
];
const MATCHING_CHOICES = ['Mencatat aduan', 'Memeriksa kelengkapan', 'Mengarsipkan'];

describe('a Moodle XML file written by Moodle', () => {
  const result = importMoodleXml(read('moodle-export.xml'));
  const { types, byName, fractions } = questionsOf(result);

  it('keeps every shared type, in its category path', () => {
    expect(types).toEqual([...SHARED_TYPES, 'ordering', 'essay']);
    expect(result.questions[0].categoryPath).toEqual(CATEGORY_PATH);
  });

  it('keeps points, idnumber, text without markup, general feedback, hints, fractions and per-answer feedback', () => {
    const q = byName('Kanal resmi');
    expect(q).toMatchObject({
      points: 2,
      idnumber: 'ADU-001',
      text: 'Kanal pengaduan nasional adalah …',
      generalFeedback: 'SP4N-LAPOR! dikelola KemenPANRB.',
      hints: ['Ingat singkatan nasionalnya.'],
    });
    expect(strip(q.data)).toEqual({
      options: [
        { text: 'SP4N-LAPOR!', fraction: 1, feedback: 'Tepat.' },
        { text: 'Surat kaleng', fraction: 0, feedback: 'Bukan kanal resmi.' },
        { text: 'Grup WhatsApp & media sosial', fraction: 0, feedback: '' },
      ],
    });
  });

  it('keeps partial credit and negative marks', () => {
    expect(fractions('Ciri kata sandi')).toEqual(PARTIAL_AND_NEGATIVE);
  });

  it('keeps true/false feedback, short answer credit and case, tolerances and units', () => {
    expect(byName('Berbagi OTP').data).toEqual(TRUE_FALSE);
    expect(strip(byName('Singkatan').data)).toEqual({
      answers: [
        { text: 'SP4N-LAPOR!', fraction: 1, feedback: '' },
        { text: 'LAPOR*', fraction: 0.5, feedback: 'Lengkapnya SP4N-LAPOR!' },
      ],
      caseSensitive: false,
      accentSensitive: true,
    });
    expect(strip(byName('Batas hari').data)).toEqual({
      answers: NUMERICAL_ANSWERS,
      units: [
        { unit: 'hari', multiplier: 1 },
        { unit: 'jam', multiplier: 24 },
      ],
      unitHandling: 'optional',
      unitPenalty: 0.1,
    });
  });

  it('keeps matching distractors, the ordering and essay limits', () => {
    const m = byName('Tahap').data as {
      stems: Array<{ text: string; choiceId: string }>;
      choices: Array<{ id: string; text: string }>;
    };
    expect(m.choices.map((c) => c.text)).toEqual(MATCHING_CHOICES);
    expect(m.stems.map((s) => [s.text, m.choices.find((c) => c.id === s.choiceId)!.text])).toEqual([
      ['Registrasi', 'Mencatat aduan'],
      ['Verifikasi', 'Memeriksa kelengkapan'],
    ]);
    expect(strip(byName('Urutan').data)).toEqual({
      items: [{ text: 'Terima' }, { text: 'Verifikasi' }, { text: 'Tindak lanjut' }],
    });
    expect(byName('Esai')).toMatchObject({
      points: 5,
      data: { minWords: 20, maxWords: 300, graderInfo: 'Empati, kejelasan, solusi.' },
    });
  });

  it('reports cloze, calculated and drag-and-drop questions one by one', () => {
    expect(result.problems).toEqual([
      { position: 9, name: 'Cloze', reason: 'unsupportedType', params: { type: 'multianswer' } },
      { position: 10, name: 'Hitungan', reason: 'unsupportedType', params: { type: 'calculated' } },
      { position: 11, name: 'Seret', reason: 'unsupportedType', params: { type: 'ddwtos' } },
    ]);
  });

  it('reads our own export back to the same questions', () => {
    const again = importMoodleXml(exportMoodleXml(result.questions));
    expect(again.problems).toEqual([]);
    expect(strip(again.questions)).toEqual(
      strip(result.questions.map((q) => ({ ...q, categoryPath: q.categoryPath }))),
    );
  });
});

describe('hostile XML', () => {
  it('refuses a DOCTYPE, so no entity expansion and no external entity', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><quiz><question type="essay"><name><text>&lol2;</text></name></question></quiz>`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><quiz><question type="essay"><name><text>&xxe;</text></name></question></quiz>`;
    expect(() => importMoodleXml(laughs)).toThrow(FormatError);
    expect(() => importMoodleXml(xxe)).toThrow(FormatError);
  });
  it('refuses an undefined entity, malformed XML, a file that is no quiz, and a huge file', () => {
    expect(() =>
      importMoodleXml('<quiz><question type="essay"><name><text>&xxe;</text></name></question></quiz>'),
    ).toThrow(FormatError);
    expect(() => importMoodleXml('<quiz><question>')).toThrow(FormatError);
    expect(() => importMoodleXml('<html></html>')).toThrow(FormatError);
    expect(() => importMoodleXml(`<quiz>${' '.repeat(6 * 1024 * 1024)}</quiz>`)).toThrow(FormatError);
  });
});

describe('a GIFT file written by Moodle', () => {
  const result = importGift(read('moodle-export.gift.txt'));
  const { types, byName, fractions } = questionsOf(result);

  it('keeps types, category, idnumber, fractions, feedback and tolerances', () => {
    expect(types).toEqual([...SHARED_TYPES, 'essay']);
    expect(result.questions[0].categoryPath).toEqual(CATEGORY_PATH);
    expect(byName('Kanal resmi')).toMatchObject({
      idnumber: 'ADU-001',
      text: 'Kanal pengaduan nasional adalah…',
      generalFeedback: 'SP4N-LAPOR! dikelola KemenPANRB.',
    });
    expect(strip(byName('Kanal resmi').data)).toEqual({
      options: [
        { text: 'SP4N-LAPOR!', fraction: 1, feedback: 'Tepat.' },
        { text: 'Surat kaleng', fraction: 0, feedback: 'Bukan kanal resmi.' },
        { text: 'Grup WhatsApp', fraction: 0, feedback: '' },
      ],
    });
    expect(fractions('Ciri kata sandi')).toEqual(PARTIAL_AND_NEGATIVE);
    expect(byName('Berbagi OTP').data).toEqual(TRUE_FALSE);
    expect(strip(byName('Singkatan').data)).toMatchObject({
      answers: [
        { text: 'SP4N-LAPOR!', fraction: 1 },
        { text: 'LAPOR*', fraction: 0.5, feedback: 'Lengkapnya SP4N-LAPOR!' },
      ],
    });
    expect(strip(byName('Batas hari').data)).toMatchObject({ answers: NUMERICAL_ANSWERS });
    const m = byName('Tahap').data as { stems: unknown[]; choices: Array<{ text: string }> };
    expect(m.stems).toHaveLength(2);
    expect(m.choices.map((c) => c.text)).toEqual(MATCHING_CHOICES);
  });

  it('reports a description (no answers) by its place', () => {
    expect(result.problems).toEqual([{ position: 8, name: 'Keterangan', reason: 'description' }]);
  });

  it('reads our own export back, and lists what GIFT cannot hold', () => {
    const xml = importMoodleXml(read('moodle-export.xml'));
    const { text, problems } = exportGift(xml.questions);
    expect(problems.map((p) => [p.name, p.reason])).toEqual([
      ['Kanal resmi', 'giftNoHints'],
      ['Kanal resmi', 'giftNoPoints'],
      ['Batas hari', 'giftNoUnits'],
      ['Urutan', 'giftNoOrdering'],
      ['Esai', 'giftNoPoints'],
    ]);
    const back = importGift(text);
    expect(back.problems).toEqual([]);
    const comparable = (qs: typeof back.questions) =>
      strip(
        qs.map((q) => ({
          type: q.question.type,
          name: q.question.name,
          text: q.question.text,
          path: q.categoryPath,
        })),
      );
    expect(comparable(back.questions)).toEqual(
      comparable(xml.questions.filter((q) => q.question.type !== 'ordering')),
    );
  });
});

describe('category paths', () => {
  it('reads $course$/top/… with escaped slashes', () => {
    expect(categoryPathOf('$course$/top/Default for X/Modul 1')).toEqual(['Default for X', 'Modul 1']);
    expect(categoryPathOf('$course$/Pre//Post test')).toEqual(['Pre/Post test']);
  });
});
