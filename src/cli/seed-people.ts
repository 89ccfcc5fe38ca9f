// Deterministic demo people of Kota Medan: names with degrees, valid NIPs (real birth dates, TMT
// at 19 or later), golongan consistent with education and years of service, jabatan and unit kerja.
// Pure: the same seed always yields the same people, so seeding twice finds them all present.
import type { EmployeeType } from '../users';
import { seededRandom } from '../core/random';

const MALE = [
  'Ahmad',
  'Rizky',
  'Budi',
  'Hendra',
  'Fauzi',
  'Irfan',
  'Joko',
  'Andi',
  'Muhammad',
  'Tigor',
  'Parulian',
  'Benny',
  'Dedi',
  'Agus',
  'Ridwan',
  'Syahrul',
  'Hasan',
  'Rudi',
  'Fikri',
  'Yusuf',
  'Bonar',
  'Togar',
  'Darwin',
  'Iqbal',
];
const FEMALE = [
  'Siti',
  'Nurhayati',
  'Dewi',
  'Rina',
  'Fitri',
  'Sri',
  'Maya',
  'Yuliana',
  'Rahmawati',
  'Intan',
  'Lestari',
  'Novita',
  'Putri',
  'Rosmawati',
  'Dian',
  'Sartika',
  'Lenny',
  'Ayu',
  'Hotmaida',
  'Meliana',
  'Wulan',
  'Citra',
];
const SURNAMES = [
  'Siregar',
  'Nasution',
  'Lubis',
  'Harahap',
  'Simanjuntak',
  'Sitompul',
  'Hutapea',
  'Panjaitan',
  'Ginting',
  'Tarigan',
  'Sembiring',
  'Sinaga',
  'Damanik',
  'Pohan',
  'Rangkuti',
  'Batubara',
  'Hasibuan',
  'Manurung',
  'Saragih',
  'Purba',
  'Pratama',
  'Saputra',
  'Wijaya',
  'Hidayat',
  'Rahman',
  'Syahputra',
  'Tanjung',
  'Matondang',
];

type Education = 'sma' | 'd3' | 's1' | 's2';
const S1_DEGREES = ['S.Kom.', 'S.E.', 'S.H.', 'S.Sos.', 'S.Pd.', 'S.AP.', 'S.T.', 'S.Kep.', 'S.Si.', 'S.IP.'];
const S2_DEGREES = ['M.Si.', 'M.M.', 'M.AP.', 'M.Kom.', 'M.H.'];

/** Entry golongan by education and the highest a career of that education usually reaches. */
const PNS_LADDER = [
  'II/a',
  'II/b',
  'II/c',
  'II/d',
  'III/a',
  'III/b',
  'III/c',
  'III/d',
  'IV/a',
  'IV/b',
  'IV/c',
];
const PNS_ENTRY: Record<Education, number> = { sma: 0, d3: 2, s1: 4, s2: 5 };
const PNS_CAP: Record<Education, number> = { sma: 4, d3: 6, s1: 9, s2: 10 };
const PPPK_BY_EDUCATION: Record<Education, string> = { sma: 'V', d3: 'VII', s1: 'IX', s2: 'X' };

export interface OpdProfile {
  code: string;
  name: string;
  /** Its HR staff see every OPD (set on the institution when the seed creates it). */
  cityWideHr?: boolean;
  units: string[];
  jabatan: string[];
}

export interface DemoPerson {
  nip: string;
  name: string;
  email?: string;
  employeeType: EmployeeType;
  golongan: string;
  jabatan: string;
  unitKerja: string;
  opdCode: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A 18-digit NIP from its parts; `sequence` keeps demo NIPs unique. */
export function composeNip(
  birth: { year: number; month: number; day: number },
  tmt: { year: number; month: number },
  sex: 1 | 2,
  sequence: number,
): string {
  return `${birth.year}${pad(birth.month)}${pad(birth.day)}${tmt.year}${pad(tmt.month)}${sex}${pad(sequence, 3)}`;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `count` learners spread over the OPDs, the same for the same seed. `asOfYear` fixes promotions. */
export function demoLearners(
  opds: OpdProfile[],
  count: number,
  seed = 20260101,
  asOfYear = 2026,
): DemoPerson[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const people: DemoPerson[] = [];
  for (let i = 0; i < count; i++) {
    const sex: 1 | 2 = random() < 0.5 ? 1 : 2;
    const first = pick(sex === 1 ? MALE : FEMALE);
    const surname = pick(SURNAMES);
    const education = pick<Education>(['sma', 'd3', 's1', 's1', 's1', 's2']);
    const birthYear = between(1968, 1999);
    const birthMonth = between(1, 12);
    const birth = { year: birthYear, month: birthMonth, day: between(1, daysIn(birthYear, birthMonth)) };
    const isPppk = random() < 0.12;
    const earliest =
      birthYear + (education === 'sma' ? 19 : education === 'd3' ? 22 : education === 's1' ? 23 : 26);
    const tmtYear = isPppk
      ? between(Math.max(2019, earliest), 2024)
      : between(earliest, Math.min(2024, birthYear + 35));
    const tmt = { year: tmtYear, month: isPppk ? pick([2, 3, 10]) : between(1, 12) };
    const nip = composeNip(birth, tmt, sex, (i % 999) + 1);
    const degree =
      education === 's1'
        ? `, ${pick(S1_DEGREES)}`
        : education === 's2'
          ? `, ${pick(S1_DEGREES)}, ${pick(S2_DEGREES)}`
          : education === 'd3'
            ? ', A.Md.'
            : '';
    const opd = opds[i % opds.length];
    // A regular promotion every four years from TMT, up to the cap of the education.
    const steps = Math.floor(Math.max(0, asOfYear - tmtYear) / 4);
    const golongan = isPppk
      ? PPPK_BY_EDUCATION[education]
      : PNS_LADDER[Math.min(PNS_ENTRY[education] + steps, PNS_CAP[education])];
    people.push({
      nip,
      name: `${first} ${surname}${degree}`,
      email: i === 0 ? 'asn@binaasn.example' : undefined,
      employeeType: isPppk ? 'pppk' : 'pns',
      golongan,
      jabatan: pick(opd.jabatan),
      unitKerja: pick(opd.units),
      opdCode: opd.code,
    });
  }
  return people;
}
