// Pangkat and golongan/ruang of PNS, and PPPK golongan, as listed in shared/reference/asn.md.

export const PNS_RANKS = [
  { golongan: 'I/a', pangkat: 'Juru Muda' },
  { golongan: 'I/b', pangkat: 'Juru Muda Tingkat I' },
  { golongan: 'I/c', pangkat: 'Juru' },
  { golongan: 'I/d', pangkat: 'Juru Tingkat I' },
  { golongan: 'II/a', pangkat: 'Pengatur Muda' },
  { golongan: 'II/b', pangkat: 'Pengatur Muda Tingkat I' },
  { golongan: 'II/c', pangkat: 'Pengatur' },
  { golongan: 'II/d', pangkat: 'Pengatur Tingkat I' },
  { golongan: 'III/a', pangkat: 'Penata Muda' },
  { golongan: 'III/b', pangkat: 'Penata Muda Tingkat I' },
  { golongan: 'III/c', pangkat: 'Penata' },
  { golongan: 'III/d', pangkat: 'Penata Tingkat I' },
  { golongan: 'IV/a', pangkat: 'Pembina' },
  { golongan: 'IV/b', pangkat: 'Pembina Tingkat I' },
  { golongan: 'IV/c', pangkat: 'Pembina Utama Muda' },
  { golongan: 'IV/d', pangkat: 'Pembina Utama Madya' },
  { golongan: 'IV/e', pangkat: 'Pembina Utama' },
] as const;

export const PPPK_GOLONGAN = [
  'I',
  'II',
  'III',
  'IV',
  'V',
  'VI',
  'VII',
  'VIII',
  'IX',
  'X',
  'XI',
  'XII',
  'XIII',
  'XIV',
  'XV',
  'XVI',
  'XVII',
] as const;

export const EMPLOYEE_TYPES = ['pns', 'pppk', 'non_asn'] as const;
export type EmployeeType = (typeof EMPLOYEE_TYPES)[number];

const pangkatByGolongan = new Map<string, string>(PNS_RANKS.map((r) => [r.golongan, r.pangkat]));

export function pangkatOf(golongan: string): string | undefined {
  return pangkatByGolongan.get(golongan);
}

/** Whether a golongan is valid for the employee type (PNS: I/a..IV/e, PPPK: I..XVII, others: none). */
export function isValidGolongan(type: EmployeeType, golongan: string | undefined | null): boolean {
  if (type === 'non_asn') return !golongan;
  if (!golongan) return false;
  return type === 'pns'
    ? pangkatByGolongan.has(golongan)
    : (PPPK_GOLONGAN as readonly string[]).includes(golongan);
}

/** "Penata Muda, III/a" for PNS, "PPPK IX" for PPPK, "" otherwise. */
export function rankLabel(type: EmployeeType, golongan: string | undefined | null): string {
  if (!golongan) return '';
  if (type === 'pns') return `${pangkatOf(golongan) ?? ''}, ${golongan}`;
  if (type === 'pppk') return `PPPK ${golongan}`;
  return '';
}
