// Demo data of Kota Medan: OPDs, partner universities, one account per role and ~200 learners.
// Works on the current Mongoose connection. Idempotent: institutions are upserted by code and
// people by NIP (or email); what exists is left as it is, so passwords are never re-hashed.
import type { Role } from '../core/roles';
import { seedDemoCertificates, type CertificateSeedReport } from './seed-certificates';
import { institutions } from '../institutions';
import { addMissingPeople, passwords, type EmployeeType, type NewPerson } from '../users';
import type { Config } from '../config';
import { demoLearners, type DemoPerson, type OpdProfile } from './seed-people';
import { seedDemoCourses, type CourseSeedReport } from './seed-courses';
import { learnerIdsOf, seedDemoAttempts, seedDemoQuizzes } from './seed-quizzes';
import { seedNewcomers } from './seed-newcomers';
import { seedDemoLearning } from './seed-learning';
import { seedSurveyDemo } from '../evaluation';
import { seedDemoEvaluations } from './seed-evaluations';

const GENERAL_JABATAN = [
  'Analis Kebijakan Ahli Pertama',
  'Pengadministrasi Perkantoran',
  'Penata Layanan Operasional',
  'Pranata Komputer Ahli Pertama',
  'Arsiparis Terampil',
  'Analis Sumber Daya Manusia Aparatur',
];
const KECAMATAN_UNITS = (name: string) => [
  `Sekretariat Kecamatan ${name}`,
  'Seksi Pelayanan Umum',
  'Seksi Pemerintahan',
  'Seksi Ketenteraman dan Ketertiban Umum',
];

export const DEMO_OPDS: OpdProfile[] = [
  {
    code: 'BKPSDM',
    name: 'Badan Kepegawaian dan Pengembangan Sumber Daya Manusia',
    cityWideHr: true,
    units: ['Bidang Pengembangan Kompetensi', 'Bidang Mutasi dan Promosi', 'Sekretariat'],
    jabatan: ['Analis Kepegawaian Ahli Muda', 'Analis Kepegawaian Ahli Pertama', 'Widyaiswara Ahli Muda'],
  },
  {
    code: 'DISDUKCAPIL',
    name: 'Dinas Kependudukan dan Pencatatan Sipil',
    units: [
      'Bidang Pelayanan Pendaftaran Penduduk',
      'Bidang Pelayanan Pencatatan Sipil',
      'Bidang Pengelolaan Informasi Administrasi Kependudukan',
    ],
    jabatan: [
      'Administrator Database Kependudukan',
      'Pengelola Data Kependudukan',
      'Verifikator Data Kependudukan',
    ],
  },
  {
    code: 'DISDIK',
    name: 'Dinas Pendidikan',
    units: ['Bidang Pembinaan SD', 'Bidang Pembinaan SMP', 'Bidang Guru dan Tenaga Kependidikan'],
    jabatan: ['Pengawas Sekolah Ahli Muda', 'Analis Kurikulum', 'Pengelola Data Pendidikan'],
  },
  {
    code: 'DINKES',
    name: 'Dinas Kesehatan',
    units: [
      'Bidang Pelayanan Kesehatan',
      'Bidang Pencegahan dan Pengendalian Penyakit',
      'UPT Puskesmas Padang Bulan',
    ],
    jabatan: [
      'Perawat Ahli Pertama',
      'Epidemiolog Kesehatan Ahli Pertama',
      'Administrator Kesehatan Ahli Muda',
    ],
  },
  {
    code: 'DISKOMINFO',
    name: 'Dinas Komunikasi dan Informatika',
    units: [
      'Bidang Aplikasi Informatika',
      'Bidang Informasi dan Komunikasi Publik',
      'Bidang Persandian dan Statistik',
    ],
    jabatan: ['Pranata Komputer Ahli Muda', 'Pranata Humas Ahli Pertama', 'Sandiman Ahli Pertama'],
  },
  {
    code: 'DPMPTSP',
    name: 'Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu',
    units: ['Bidang Pelayanan Perizinan', 'Bidang Pengaduan dan Informasi Layanan', 'Bidang Penanaman Modal'],
    jabatan: ['Analis Perizinan', 'Pengelola Pengaduan Pelayanan Publik', 'Penata Perizinan Ahli Pertama'],
  },
  {
    code: 'BAPENDA',
    name: 'Badan Pendapatan Daerah',
    units: ['Bidang Pajak Daerah', 'Bidang Retribusi', 'Bidang Penagihan'],
    jabatan: ['Analis Pendapatan Daerah', 'Pemeriksa Pajak Daerah', 'Penata Laporan Keuangan'],
  },
  {
    code: 'DINSOS',
    name: 'Dinas Sosial',
    units: ['Bidang Rehabilitasi Sosial', 'Bidang Perlindungan dan Jaminan Sosial'],
    jabatan: ['Pekerja Sosial Ahli Pertama', 'Penyuluh Sosial Ahli Pertama'],
  },
  {
    code: 'DISHUB',
    name: 'Dinas Perhubungan',
    units: ['Bidang Lalu Lintas', 'Bidang Angkutan'],
    jabatan: ['Penguji Kendaraan Bermotor', 'Analis Transportasi'],
  },
  {
    code: 'INSPEKTORAT',
    name: 'Inspektorat',
    units: ['Inspektur Pembantu Wilayah I', 'Inspektur Pembantu Wilayah II'],
    jabatan: ['Auditor Ahli Pertama', 'Pengawas Penyelenggaraan Urusan Pemerintahan Daerah'],
  },
  {
    code: 'SETDA',
    name: 'Sekretariat Daerah',
    units: ['Bagian Organisasi', 'Bagian Hukum', 'Bagian Umum'],
    jabatan: ['Analis Tata Laksana', 'Perancang Peraturan Perundang-undangan', 'Analis Kebijakan Ahli Muda'],
  },
  ...['Medan Kota', 'Medan Baru', 'Medan Johor', 'Medan Tuntungan', 'Medan Helvetia', 'Medan Belawan'].map(
    (name) => ({
      code: `KEC-${name.toUpperCase().replace(/\s+/g, '-')}`,
      name: `Kecamatan ${name}`,
      units: KECAMATAN_UNITS(name),
      jabatan: GENERAL_JABATAN,
    }),
  ),
];

const DEMO_UNIVERSITIES = [
  { code: 'USU', name: 'Universitas Sumatera Utara' },
  { code: 'UNIMED', name: 'Universitas Negeri Medan' },
  { code: 'UINSU', name: 'Universitas Islam Negeri Sumatera Utara' },
  { code: 'UMSU', name: 'Universitas Muhammadiyah Sumatera Utara' },
  { code: 'POLMED', name: 'Politeknik Negeri Medan' },
];

/** Demo passwords: each meets the default policy (12+, upper, lower, digit, symbol, not common, not personal). */
export const DEMO_PASSWORDS = {
  admin: 'Pengelola#Demo2026',
  curator: 'Kurasi#Demo2026',
  author: 'Menulis#Demo2026',
  hr: 'Pegawai#Demo2026',
  learner: 'Pelatihan#Demo2026',
} as const;

interface StaffAccount {
  key: keyof typeof DEMO_PASSWORDS;
  roles: Role[];
  name: string;
  email: string;
  nip?: string;
  employeeType: EmployeeType;
  golongan?: string;
  jabatan: string;
  unitKerja: string;
  opdCode?: string;
  institutionCode?: string;
}

export const DEMO_STAFF: StaffAccount[] = [
  {
    key: 'admin',
    roles: ['admin', 'learner'],
    name: 'Rahmat Hidayat Lubis, S.Kom., M.Kom.',
    email: 'admin@binaasn.example',
    nip: '198203152008011003',
    employeeType: 'pns',
    golongan: 'III/d',
    jabatan: 'Pranata Komputer Ahli Muda',
    unitKerja: 'Bidang Aplikasi Informatika',
    opdCode: 'DISKOMINFO',
  },
  {
    key: 'curator',
    roles: ['curator', 'learner'],
    name: 'Dra. Hj. Nurliana Harahap, M.Si.',
    email: 'kurator@binaasn.example',
    nip: '197505202000032002',
    employeeType: 'pns',
    golongan: 'IV/a',
    jabatan: 'Widyaiswara Ahli Madya',
    unitKerja: 'Bidang Pengembangan Kompetensi',
    opdCode: 'BKPSDM',
  },
  {
    key: 'hr',
    roles: ['hr', 'learner'],
    name: 'Syafrizal Nasution, S.E., M.M.',
    email: 'hr.bkpsdm@binaasn.example',
    nip: '198011102005011004',
    employeeType: 'pns',
    golongan: 'IV/a',
    jabatan: 'Analis Kepegawaian Ahli Madya',
    unitKerja: 'Bidang Pengembangan Kompetensi',
    opdCode: 'BKPSDM',
  },
  {
    key: 'hr',
    roles: ['hr', 'learner'],
    name: 'Yusnita Sari Siregar, S.Sos.',
    email: 'hr.disdukcapil@binaasn.example',
    nip: '198706172010012005',
    employeeType: 'pns',
    golongan: 'III/c',
    jabatan: 'Analis Kepegawaian Ahli Pertama',
    unitKerja: 'Sekretariat',
    opdCode: 'DISDUKCAPIL',
  },
  {
    key: 'author',
    roles: ['author'],
    name: 'Dr. Ir. Muhammad Zarlis Tarigan, M.Sc.',
    email: 'penulis.usu@binaasn.example',
    employeeType: 'non_asn',
    jabatan: 'Dosen Ilmu Komputer',
    unitKerja: 'Fakultas Ilmu Komputer dan Teknologi Informasi',
    institutionCode: 'USU',
  },
  {
    key: 'author',
    roles: ['author'],
    name: 'Dr. Rosnawati Purba, M.Pd.',
    email: 'penulis.unimed@binaasn.example',
    employeeType: 'non_asn',
    jabatan: 'Dosen Administrasi Pendidikan',
    unitKerja: 'Fakultas Ilmu Pendidikan',
    institutionCode: 'UNIMED',
  },
  {
    key: 'author',
    roles: ['author'],
    name: 'Dr. Ahmad Fauzi Batubara, M.A.',
    email: 'penulis.uinsu@binaasn.example',
    employeeType: 'non_asn',
    jabatan: 'Dosen Ilmu Komunikasi',
    unitKerja: 'Fakultas Ilmu Sosial',
    institutionCode: 'UINSU',
  },
];

const DEMO_LEARNER_COUNT = 200;

export interface SeedOptions {
  learners?: number;
  /** Directory of demo course packages (default src/cli/demo-courses). */
  coursesDir?: string;
  /** Checks the demo passwords against this policy before using them (defaults to the SPBE one). */
  policy?: { minLength: number; requireClasses: boolean };
  /** Invites the demo newcomers by mail (kept in the outbox without SMTP_URL); without it they are only added. */
  mail?: { config: Pick<Config, 'baseUrl' | 'mail'>; now: Date };
  /** The moment the demo's year of learning ends (default: now); its enrolments and completions lie before it. */
  now?: Date;
  /** The codes of the demo courses the learners take (default: all nine, DEMO_LEARNING_CODES). */
  learningCourses?: string[];
  /** Completes the finished demo courses through the completion path, with their certificates (src/cli/seed-certificates.ts); without it they wait. */
  certificates?: { config: Config; now: Date };
}

export interface DemoAccount {
  role: string;
  name: string;
  login: string;
  password: string;
}

export interface SeedReport {
  institutions: { created: number; existing: number };
  people: { created: number; existing: number };
  courses: CourseSeedReport;
  /** Codes of the demo courses whose question banks and quizzes were seeded now. */
  quizzes: string[];
  /** Codes of the demo courses whose quizzes the demo learners took now (with `certificates`; else in completeDemoActivity). */
  attempts: string[];
  /** People without a password, as an import adds them, and how many of them were invited. */
  newcomers: { created: number; invited: number };
  /** Demo enrolments written (with their lesson progress, JP and notices); 0 when they exist already. */
  enrolments: number;
  certificates: CertificateSeedReport;
  /** Service units of the demo OPDs and a year of survey answers for each new one. */
  survey: { units: number; responses: number };
  /** Course evaluations of the demo completions (invited, answered) and the fixed-date holidays added. */
  evaluations: { invited: number; answered: number; holidays: number };
  accounts: DemoAccount[];
}

/** The NIPs of the demo people: the learners, then the staff. */
function demoNips(learners: DemoPerson[]): string[] {
  return [...learners, ...DEMO_STAFF].flatMap((p) => (p.nip ? [p.nip] : []));
}

/** The learners who take the demo quizzes: 24 of them, not the first, whose quizzes wait for them untouched. */
const quizTakers = (learners: DemoPerson[]) => learnerIdsOf(learners.slice(1, 25).map((l) => l.nip));

/**
 * The slow part of the demo, after the data the pages need: learners take the demo quizzes, the
 * finished courses are completed through the completion path (JP, certificates, evaluation
 * invitations), then most of those completions answer their course evaluation. `npm start` runs it
 * in the background once the server answers; `npm run seed` within seedDemoData.
 */
export async function completeDemoActivity(
  config: Config,
  now: Date,
  learnerCount = DEMO_LEARNER_COUNT,
): Promise<{ attempts: string[]; completed: number; evaluations: { invited: number; answered: number } }> {
  const learners = demoLearners(DEMO_OPDS, learnerCount);
  const attempts = await seedDemoAttempts(await quizTakers(learners), now);
  const { issued } = await seedDemoCertificates(config, now);
  const { invited, answered } = await seedDemoEvaluations(demoNips(learners), learners[0].nip, now);
  return { attempts, completed: issued, evaluations: { invited, answered } };
}

async function seedInstitutions(): Promise<{ created: number; existing: number; ids: Map<string, unknown> }> {
  const wanted = [
    ...DEMO_OPDS.map((o) => ({
      code: o.code,
      name: o.name,
      kind: 'opd' as const,
      cityWideHr: !!o.cityWideHr,
    })),
    ...DEMO_UNIVERSITIES.map((u) => ({ ...u, kind: 'university' as const })),
  ];
  const { created, ids } = await institutions.addMissingInstitutions(wanted);
  return { created, existing: wanted.length - created, ids };
}

function assertPolicy(
  password: string,
  policy: SeedOptions['policy'],
  person: { name: string; email?: string; nip?: string },
): void {
  const problems = passwords.checkPasswordPolicy(
    password,
    policy ?? { minLength: 12, requireClasses: true },
    person,
  );
  if (problems.length)
    throw new Error(`Demo password for ${person.name} breaks the policy: ${problems.join(', ')}`);
}

export async function seedDemoData(options: SeedOptions = {}): Promise<SeedReport> {
  const institutions = await seedInstitutions();
  const idOf = (code?: string) => (code ? institutions.ids.get(code) : undefined);
  const staff: NewPerson[] = [];
  for (const person of DEMO_STAFF) {
    const password = DEMO_PASSWORDS[person.key];
    assertPolicy(password, options.policy, person);
    const { key: _key, opdCode, institutionCode, ...fields } = person;
    staff.push({
      ...fields,
      opd: idOf(opdCode),
      institution: idOf(institutionCode),
      passwordHash: await passwords.hashPassword(password),
    });
  }
  const learners: DemoPerson[] = demoLearners(DEMO_OPDS, options.learners ?? DEMO_LEARNER_COUNT);
  learners.forEach((l) => assertPolicy(DEMO_PASSWORDS.learner, options.policy, l));
  const sharedHash = await passwords.hashPassword(DEMO_PASSWORDS.learner); // one hash for all: argon2 is slow on purpose
  const people = [
    ...staff,
    ...learners.map(({ opdCode, ...person }) => ({
      ...person,
      opd: idOf(opdCode),
      roles: ['learner' as const],
      passwordHash: sharedHash,
    })),
  ];
  const created = await addMissingPeople(people);
  const existing = people.length - created;
  const accounts: DemoAccount[] = [
    ...DEMO_STAFF.map((s) => ({
      role:
        s.roles.filter((r) => r !== 'learner').join(', ') +
        (s.opdCode ? ` (${s.opdCode})` : s.institutionCode ? ` (${s.institutionCode})` : ''),
      name: s.name,
      login: s.email,
      password: DEMO_PASSWORDS[s.key],
    })),
    {
      role: 'learner',
      name: learners[0].name,
      login: `${learners[0].email} / ${learners[0].nip}`,
      password: DEMO_PASSWORDS.learner,
    },
    {
      role: 'learner',
      name: `${learners.length - 1} more`,
      login: 'their NIP',
      password: DEMO_PASSWORDS.learner,
    },
  ];
  const courses = await seedDemoCourses(options.coursesDir);
  const enrolments = await seedDemoLearning(
    learners,
    DEMO_STAFF.find((s) => s.email === 'hr.bkpsdm@binaasn.example')!.name,
    options.now,
    options.learningCourses,
  );
  const quizzes = await seedDemoQuizzes();
  const attempts = options.certificates
    ? await seedDemoAttempts(await quizTakers(learners), options.certificates.now)
    : [];
  const newcomers = await seedNewcomers(idOf('DISDUKCAPIL'), options.mail);
  const certificates = options.certificates
    ? await seedDemoCertificates(options.certificates.config, options.certificates.now)
    : { issued: 0 };
  const survey = await seedSurveyDemo(institutions.ids);
  // Last: it reads whatever courses the steps above completed.
  const evaluations = await seedDemoEvaluations(demoNips(learners), learners[0].nip);
  return {
    institutions: { created: institutions.created, existing: institutions.existing },
    people: { created, existing },
    courses,
    quizzes,
    attempts,
    newcomers,
    enrolments,
    certificates,
    survey,
    evaluations,
    accounts,
  };
}
