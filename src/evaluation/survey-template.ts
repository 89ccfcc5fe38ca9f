// The default survey instrument: the nine elements (unsur) of PermenPANRB 14/2017, each with its
// question and the four answers worded for it (score 1 to 4), as the regulation's questionnaire
// words them. A unit starts from this list; its managers may reword, add or remove elements.
export interface SurveyElement {
  key: string;
  /** Name of the element (unsur), e.g. "Persyaratan". */
  name: string;
  question: string;
  /** The wording of scores 1, 2, 3 and 4. */
  options: [string, string, string, string];
}

export const MAX_ELEMENTS = 15;

export const DEFAULT_ELEMENTS: readonly SurveyElement[] = Object.freeze([
  {
    key: 'u1',
    name: 'Persyaratan',
    question:
      'Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?',
    options: ['Tidak sesuai', 'Kurang sesuai', 'Sesuai', 'Sangat sesuai'],
  },
  {
    key: 'u2',
    name: 'Sistem, Mekanisme, dan Prosedur',
    question: 'Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?',
    options: ['Tidak mudah', 'Kurang mudah', 'Mudah', 'Sangat mudah'],
  },
  {
    key: 'u3',
    name: 'Waktu Penyelesaian',
    question: 'Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?',
    options: ['Tidak cepat', 'Kurang cepat', 'Cepat', 'Sangat cepat'],
  },
  {
    key: 'u4',
    name: 'Biaya/Tarif',
    question: 'Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?',
    options: ['Sangat mahal', 'Cukup mahal', 'Murah', 'Gratis'],
  },
  {
    key: 'u5',
    name: 'Produk Spesifikasi Jenis Pelayanan',
    question:
      'Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?',
    options: ['Tidak sesuai', 'Kurang sesuai', 'Sesuai', 'Sangat sesuai'],
  },
  {
    key: 'u6',
    name: 'Kompetensi Pelaksana',
    question: 'Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?',
    options: ['Tidak kompeten', 'Kurang kompeten', 'Kompeten', 'Sangat kompeten'],
  },
  {
    key: 'u7',
    name: 'Perilaku Pelaksana',
    question:
      'Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?',
    options: ['Tidak sopan dan ramah', 'Kurang sopan dan ramah', 'Sopan dan ramah', 'Sangat sopan dan ramah'],
  },
  {
    key: 'u8',
    name: 'Penanganan Pengaduan, Saran dan Masukan',
    question: 'Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?',
    options: ['Tidak ada', 'Ada tetapi tidak berfungsi', 'Berfungsi kurang maksimal', 'Dikelola dengan baik'],
  },
  {
    key: 'u9',
    name: 'Sarana dan Prasarana',
    question: 'Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?',
    options: ['Buruk', 'Cukup', 'Baik', 'Sangat baik'],
  },
] as SurveyElement[]);

/** A fresh copy of the default elements for a new unit. */
export function defaultElements(): SurveyElement[] {
  return DEFAULT_ELEMENTS.map((e) => ({ ...e, options: [...e.options] as SurveyElement['options'] }));
}

/** The respondent profile the regulation asks for; every answer optional. */
export const AGE_BANDS = ['lt20', '20-29', '30-39', '40-49', '50-59', 'gte60'] as const;
export const SEXES = ['l', 'p'] as const;
export const EDUCATIONS = ['sd', 'smp', 'sma', 'd3', 's1', 's2'] as const;
export const OCCUPATIONS = ['pns', 'tni-polri', 'swasta', 'wirausaha', 'pelajar', 'lainnya'] as const;
export const FEEDBACK_KINDS = ['saran', 'pengaduan'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
