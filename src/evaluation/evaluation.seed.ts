// Demo data of the evaluation feature: service units of the demo OPDs with their staff (the OPD's
// people of the matching unit kerja) and a year of survey answers (with some suggestions and
// complaints), so results, grades, the ranking and the training impact show real numbers on first start. Answers are drawn from a fixed pseudo-random sequence: the same on every machine.
// Units already present keep their answers: running the seed again adds nothing.
import { Types } from 'mongoose';
import type { Actor } from '../core/actor';
import { peopleInScope } from '../users';
import { addMissingUnits } from './units.service';
import { ServiceUnit } from './service-unit.model';
import { SurveyResponse } from './survey-response.model';
import { Feedback } from './feedback.model';
import { AGE_BANDS, DEFAULT_ELEMENTS, EDUCATIONS, OCCUPATIONS, SEXES } from './survey-template';
import { seededRandom } from '../core/random';

interface DemoUnit {
  opdCode: string;
  name: string;
  monthlyVolume: number;
  /** Mean score (1–4) at the start of the year and at its end: some units improve, one slips. */
  from: number;
  to: number;
  /** Answers per week. */
  weekly: number;
  /** The unit kerja of the OPD's people who staff the unit (ticked on the unit's staff list). */
  staffUnitKerja: string;
}

export const DEMO_UNITS: DemoUnit[] = [
  {
    opdCode: 'DISDUKCAPIL',
    name: 'Loket Pelayanan KTP-el dan Kartu Keluarga',
    staffUnitKerja: 'Bidang Pelayanan Pendaftaran Penduduk',
    monthlyVolume: 3000,
    from: 2.9,
    to: 3.5,
    weekly: 7,
  },
  {
    opdCode: 'DISDUKCAPIL',
    name: 'Loket Akta Kelahiran dan Kematian',
    staffUnitKerja: 'Bidang Pelayanan Pencatatan Sipil',
    monthlyVolume: 1200,
    from: 3.1,
    to: 3.3,
    weekly: 4,
  },
  {
    opdCode: 'DINKES',
    name: 'Puskesmas Medan Johor',
    staffUnitKerja: 'Bidang Pelayanan Kesehatan',
    monthlyVolume: 1500,
    from: 3.2,
    to: 3.6,
    weekly: 5,
  },
  {
    opdCode: 'DINKES',
    name: 'Puskesmas Padang Bulan',
    staffUnitKerja: 'UPT Puskesmas Padang Bulan',
    monthlyVolume: 1800,
    from: 3.3,
    to: 3.1,
    weekly: 5,
  },
  {
    opdCode: 'DPMPTSP',
    name: 'Mal Pelayanan Publik Kota Medan',
    staffUnitKerja: 'Bidang Pelayanan Perizinan',
    monthlyVolume: 2500,
    from: 3.4,
    to: 3.7,
    weekly: 6,
  },
  {
    opdCode: 'BAPENDA',
    name: 'Loket PBB dan BPHTB',
    staffUnitKerja: 'Bidang Pajak Daerah',
    monthlyVolume: 900,
    from: 2.6,
    to: 3.0,
    weekly: 3,
  },
  {
    opdCode: 'DINSOS',
    name: 'Layanan Bantuan Sosial',
    staffUnitKerja: 'Bidang Perlindungan dan Jaminan Sosial',
    monthlyVolume: 600,
    from: 2.5,
    to: 2.8,
    weekly: 2,
  },
  {
    opdCode: 'KEC-MEDAN-BARU',
    name: 'Kantor Camat Medan Baru',
    staffUnitKerja: 'Seksi Pelayanan Umum',
    monthlyVolume: 400,
    from: 3.0,
    to: 3.2,
    weekly: 1,
  },
  {
    opdCode: 'KEC-MEDAN-HELVETIA',
    name: 'Kantor Camat Medan Helvetia',
    staffUnitKerja: 'Seksi Pelayanan Umum',
    monthlyVolume: 350,
    from: 3.1,
    to: 3.0,
    weekly: 1,
  },
];

const DEMO_FEEDBACK = [
  { kind: 'saran', text: 'Mohon ditambah kursi di ruang tunggu, banyak lansia yang berdiri.' },
  { kind: 'pengaduan', text: 'Nomor antrean dipanggil tidak berurutan, saya menunggu lebih dari dua jam.' },
  { kind: 'saran', text: 'Informasi persyaratan sebaiknya ditempel di depan loket dan di situs web.' },
  { kind: 'pengaduan', text: 'Petugas meminta fotokopi tambahan yang tidak ada di persyaratan.' },
  {
    kind: 'saran',
    text: 'Pelayanan sudah cepat, terima kasih. Mohon jam layanan diperpanjang pada hari Sabtu.',
  },
] as const;

const pick = <T>(next: () => number, list: readonly T[]): T => list[Math.floor(next() * list.length)];

/** A 1–4 score around a mean, with a per-element offset (some elements are always weaker). */
function score(next: () => number, mean: number, offset: number): number {
  const value = mean + offset + (next() - 0.5) * 1.6;
  return Math.min(4, Math.max(1, Math.round(value)));
}

const DAY = 86_400_000;

/** Reads the people of every OPD, as an admin would, to put the demo staff on their units. */
const SEED_READER: Actor = { id: 'seed', name: 'seed', roles: ['admin'], seesAllOpds: true, language: 'id' };

export async function seedSurveyDemo(
  opdIds: Map<string, unknown>,
  now = new Date(),
): Promise<{ units: number; responses: number }> {
  const wanted = DEMO_UNITS.filter((u) => opdIds.has(u.opdCode)).map((u) => ({
    opd: new Types.ObjectId(String(opdIds.get(u.opdCode))),
    name: u.name,
    monthlyVolume: u.monthlyVolume,
  }));
  const stored = await addMissingUnits(wanted);
  let responses = 0;
  for (const [index, demo] of DEMO_UNITS.entries()) {
    const unit = stored.get(demo.name);
    if (!unit?.isNew) continue;
    const opd = new Types.ObjectId(String(opdIds.get(demo.opdCode)));
    const staff = await peopleInScope(SEED_READER, { opd: String(opd), unitKerja: demo.staffUnitKerja });
    await ServiceUnit.updateOne(
      { _id: unit.id },
      { $set: { staff: staff.map((p) => new Types.ObjectId(p.id)) } },
    );
    const next = seededRandom(1000 + index);
    const offsets = DEFAULT_ELEMENTS.map(() => (next() - 0.5) * 0.6);
    const docs = [];
    for (let day = 365; day >= 1; day--) {
      const progress = (365 - day) / 365;
      const mean = demo.from + (demo.to - demo.from) * progress;
      const count = Math.floor((demo.weekly / 7) * (0.5 + next()) + next());
      for (let i = 0; i < count; i++) {
        docs.push({
          unit: unit.id,
          opd,
          submittedAt: new Date(now.getTime() - day * DAY + Math.floor(next() * 8 * 3_600_000)),
          answers: DEFAULT_ELEMENTS.map((e, k) => ({ key: e.key, score: score(next, mean, offsets[k]) })),
          profile: {
            ageBand: next() < 0.8 ? pick(next, AGE_BANDS) : undefined,
            sex: next() < 0.8 ? pick(next, SEXES) : undefined,
            education: next() < 0.7 ? pick(next, EDUCATIONS) : undefined,
            occupation: next() < 0.7 ? pick(next, OCCUPATIONS) : undefined,
          },
        });
      }
    }
    await SurveyResponse.insertMany(docs);
    responses += docs.length;
    const feedback = DEMO_FEEDBACK.slice(0, 2 + (index % 4)).map((f, k) => ({
      unit: unit.id,
      opd,
      kind: f.kind,
      text: f.text,
      receivedAt: new Date(now.getTime() - (3 + k * 9) * DAY),
      status: k === 0 ? 'new' : k % 2 ? 'handling' : 'settled',
    }));
    await Feedback.insertMany(feedback);
  }
  return { units: [...stored.values()].filter((u) => u.isNew).length, responses };
}
