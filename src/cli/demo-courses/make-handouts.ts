// Regenerates the downloadable PDF handouts of the demo courses (checklists and job aids) into each
// course's files/ folder: `npx tsx src/cli/demo-courses/make-handouts.ts`. Only the PDF core fonts
// are used and nothing is fetched, so the files stay small and the output is the same on every run.
import fs from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';

type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'checklist'; items: string[] }
  | { kind: 'table'; widths: number[]; header: string[]; rows: string[][] }
  | { kind: 'fields'; labels: string[] }
  | { kind: 'note'; text: string };

interface Handout {
  /** Path relative to this folder, e.g. `LITDIG-01/files/daftar-periksa.pdf`. */
  file: string;
  course: string;
  title: string;
  subtitle: string;
  partner: string;
  blocks: Block[];
}

const NAVY = '#0b3954';
const INK = '#1b1b1b';
const MUTED = '#4a5560';
const RULE = '#9aa5b1';
const FIXED_DATE = new Date('2026-01-05T00:00:00Z');

type Doc = InstanceType<typeof PDFDocument>;

function contentWidth(doc: Doc): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

function drawHeader(doc: Doc, handout: Handout): void {
  const left = doc.page.margins.left;
  doc.rect(0, 0, doc.page.width, 96).fill(NAVY);
  doc
    .fillColor('#ffd166')
    .font('Helvetica-Bold')
    .fontSize(10)
    .text(`${handout.course}  |  BKPSDM Kota Medan x ${handout.partner}`, left, 22);
  doc
    .fillColor('#ffffff')
    .fontSize(18)
    .text(handout.title, left, 38, { width: contentWidth(doc) });
  doc.font('Helvetica').fontSize(10).fillColor('#d9ecf5').text(handout.subtitle, left, 66);
  doc.y = 116;
}

function drawHeading(doc: Doc, text: string): void {
  // Keep a heading with at least the first lines of what follows it.
  ensureRoom(doc, 90);
  doc.moveDown(0.4);
  doc.font('Helvetica-Bold').fontSize(12.5).fillColor(NAVY).text(text, doc.page.margins.left);
  const y = doc.y + 2;
  doc
    .moveTo(doc.page.margins.left, y)
    .lineTo(doc.page.margins.left + contentWidth(doc), y)
    .lineWidth(0.8)
    .strokeColor(RULE)
    .stroke();
  doc.y = y + 6;
}

function drawText(doc: Doc, text: string): void {
  doc.font('Helvetica').fontSize(10).fillColor(INK);
  ensureRoom(doc, doc.heightOfString(text, { width: contentWidth(doc) }) + 4);
  doc.text(text, doc.page.margins.left, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.4);
}

function drawChecklist(doc: Doc, items: string[]): void {
  const left = doc.page.margins.left;
  const width = contentWidth(doc) - 20;
  doc.font('Helvetica').fontSize(10).fillColor(INK);
  for (const item of items) {
    const height = doc.heightOfString(item, { width });
    ensureRoom(doc, height + 6);
    const top = doc.y;
    doc
      .rect(left, top + 1, 9, 9)
      .lineWidth(0.9)
      .strokeColor(NAVY)
      .stroke();
    doc.fillColor(INK).text(item, left + 20, top, { width });
    doc.y = Math.max(doc.y, top + 12) + 2.5;
  }
  doc.moveDown(0.2);
}

function drawTable(doc: Doc, block: Extract<Block, { kind: 'table' }>): void {
  const left = doc.page.margins.left;
  const total = block.widths.reduce((sum, w) => sum + w, 0);
  const widths = block.widths.map((w) => (w / total) * contentWidth(doc));
  const pad = 4;
  const drawRow = (cells: string[], header: boolean): void => {
    doc.font(header ? 'Helvetica-Bold' : 'Helvetica').fontSize(9.5);
    const height =
      Math.max(...cells.map((cell, i) => doc.heightOfString(cell, { width: widths[i] - 2 * pad }))) + 2 * pad;
    ensureRoom(doc, height);
    const top = doc.y;
    let x = left;
    cells.forEach((cell, i) => {
      if (header) doc.rect(x, top, widths[i], height).fill('#e6eef3');
      doc.rect(x, top, widths[i], height).lineWidth(0.6).strokeColor(RULE).stroke();
      doc.fillColor(header ? NAVY : INK).text(cell, x + pad, top + pad, { width: widths[i] - 2 * pad });
      x += widths[i];
    });
    doc.y = top + height;
  };
  drawRow(block.header, true);
  for (const row of block.rows) drawRow(row, false);
  doc.moveDown(0.6);
}

function drawFields(doc: Doc, labels: string[]): void {
  // Two write-in fields per row: a label above a line.
  const left = doc.page.margins.left;
  const gap = 24;
  const column = (contentWidth(doc) - gap) / 2;
  doc.font('Helvetica').fontSize(9.5);
  for (let i = 0; i < labels.length; i += 2) {
    ensureRoom(doc, 34);
    const top = doc.y;
    labels.slice(i, i + 2).forEach((label, j) => {
      const x = left + j * (column + gap);
      doc.fillColor(MUTED).text(label, x, top, { width: column, lineBreak: false });
      doc
        .moveTo(x, top + 28)
        .lineTo(x + column, top + 28)
        .lineWidth(0.6)
        .strokeColor(RULE)
        .stroke();
    });
    doc.y = top + 36;
  }
  doc.moveDown(0.4);
}

function drawNote(doc: Doc, text: string): void {
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  doc.font('Helvetica-Bold').fontSize(10);
  const height = doc.heightOfString(text, { width: width - 24 }) + 16;
  ensureRoom(doc, height + 6);
  const top = doc.y;
  doc.rect(left, top, width, height).fill('#fff6dd');
  doc.rect(left, top, 4, height).fill('#8a6100');
  doc.fillColor(INK).text(text, left + 14, top + 8, { width: width - 24 });
  doc.y = top + height + 8;
}

function drawFooters(doc: Doc, handout: Handout): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(MUTED)
      .text(
        `BinaASN - Pemerintah Kota Medan  |  ${handout.course}  |  Halaman ${i + 1} dari ${range.count}`,
        doc.page.margins.left,
        doc.page.height - 30,
        { width: contentWidth(doc), align: 'center', lineBreak: false },
      );
    doc.page.margins.bottom = bottom;
  }
}

function renderHandout(handout: Handout, out: fs.WriteStream): Promise<void> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 40, bottom: 44, left: 48, right: 48 },
    bufferPages: true,
    info: {
      Title: handout.title,
      Subject: handout.subtitle,
      Author: `BKPSDM Kota Medan dan ${handout.partner}`,
      Creator: 'BinaASN demo-courses/make-handouts.ts',
      Producer: 'BinaASN',
      CreationDate: FIXED_DATE,
    },
  });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  doc.pipe(out);
  drawHeader(doc, handout);
  doc.on('pageAdded', () => {
    doc.y = doc.page.margins.top;
  });
  for (const block of handout.blocks) {
    if (block.kind === 'heading') drawHeading(doc, block.text);
    else if (block.kind === 'text') drawText(doc, block.text);
    else if (block.kind === 'checklist') drawChecklist(doc, block.items);
    else if (block.kind === 'table') drawTable(doc, block);
    else if (block.kind === 'fields') drawFields(doc, block.labels);
    else drawNote(doc, block.text);
  }
  drawFooters(doc, handout);
  doc.end();
  return done;
}

const LITDIG_CHECKLIST: Handout = {
  file: 'LITDIG-01/files/daftar-periksa-keamanan-digital.pdf',
  course: 'LITDIG-01',
  partner: 'USU',
  title: 'Daftar Periksa Keamanan Digital ASN',
  subtitle: 'Kebiasaan harian, mingguan, dan langkah darurat. Cetak dan tempel di meja kerja.',
  blocks: [
    { kind: 'heading', text: 'Setiap hari' },
    {
      kind: 'checklist',
      items: [
        'Mengunci layar (Windows + L) setiap kali meninggalkan meja, terutama di loket pelayanan.',
        'Membuka urusan dinas hanya dengan akun dinas; tidak meminjamkan akun kepada siapa pun.',
        'Memeriksa pengirim dan alamat tautan sebelum mengeklik; tidak membuka berkas .apk, .exe, atau .scr.',
        'Tidak menyebutkan atau meneruskan kata sandi, PIN, dan kode OTP, termasuk kepada yang mengaku petugas TI.',
        'Tidak mengirim data pribadi warga (NIK, KK, data kesehatan) sebagai berkas atau foto ke grup percakapan.',
        'Menyimpan berkas permohonan kertas di lemari terkunci.',
      ],
    },
    { kind: 'heading', text: 'Setiap minggu' },
    {
      kind: 'checklist',
      items: [
        'Memasang pembaruan sistem operasi dan aplikasi yang tertunda.',
        'Mencadangkan berkas kerja ke penyimpanan resmi instansi.',
        'Memeriksa hak akses tautan berbagi; mencabut akses yang tidak diperlukan lagi.',
        'Merapikan unduhan: menghapus salinan data warga yang tidak diperlukan dari laptop dan ponsel.',
      ],
    },
    { kind: 'heading', text: 'Sekali, lalu periksa tiap enam bulan' },
    {
      kind: 'checklist',
      items: [
        'Autentikasi dua faktor aktif pada surel dinas, aplikasi kepegawaian, aplikasi kinerja, dan BinaASN.',
        'Kode cadangan 2FA dicetak dan disimpan di tempat aman.',
        'Setiap akun dinas memakai frasa sandi sendiri, minimal 12 karakter, tidak dipakai di layanan lain.',
        'Kolom NIK, KK, NIP, dan nomor telepon di lembar kerja berformat Teks.',
        'Nomor pengelola TI dan tim tanggap insiden tersimpan di ponsel dan tertulis di kartu dompet.',
      ],
    },
    { kind: 'heading', text: 'Ketika terjadi insiden' },
    {
      kind: 'table',
      widths: [3, 4.4, 2.6],
      header: ['Kejadian', 'Langkah pertama', 'Lapor kepada'],
      rows: [
        [
          'Terlanjur memasukkan kata sandi di tautan mencurigakan',
          'Ganti kata sandi dari perangkat lain; keluarkan semua sesi',
          'Pengelola TI',
        ],
        [
          'Memasang aplikasi dari pesan mencurigakan',
          'Aktifkan mode pesawat; hubungi bank bila ada aplikasi perbankan',
          'Pengelola TI',
        ],
        [
          'Muncul pesan tebusan (ransomware)',
          'Cabut kabel jaringan dan matikan Wi-Fi; jangan matikan komputer; jangan membayar',
          'Pengelola TI dan atasan, segera',
        ],
        [
          'Ponsel atau laptop dinas hilang',
          'Kunci atau hapus dari jarak jauh; ganti kata sandi akun yang tersimpan',
          'Atasan, pengelola TI, pengurus barang',
        ],
        [
          'Data warga terkirim ke pihak yang salah',
          'Minta penerima menghapus dan mengonfirmasi tertulis',
          'Atasan dan pejabat pelindungan data',
        ],
      ],
    },
    {
      kind: 'note',
      text: 'UU 27/2022 tentang Pelindungan Data Pribadi: kegagalan pelindungan data wajib diberitahukan secara tertulis paling lambat 3 x 24 jam. Laporkan begitu Anda tahu, jangan menunggu kepastian.',
    },
    { kind: 'heading', text: 'Kontak penting di unit saya' },
    {
      kind: 'fields',
      labels: [
        'Pengelola TI',
        'Tim tanggap insiden (Diskominfo)',
        'Pejabat pelindungan data',
        'Atasan langsung',
      ],
    },
  ],
};

const KOMPEL_POCKET_CARD: Handout = {
  file: 'KOMPEL-01/files/kartu-saku-komunikasi-pelayanan.pdf',
  course: 'KOMPEL-01',
  partner: 'UNIMED',
  title: 'Kartu Saku Komunikasi Pelayanan',
  subtitle:
    'Pegangan singkat untuk petugas loket, telepon, dan kanal pesan. Cetak, lipat, dan simpan di meja.',
  blocks: [
    { kind: 'heading', text: 'Lima tahap melayani di loket' },
    {
      kind: 'table',
      widths: [2, 5],
      header: ['Tahap', 'Yang dilakukan'],
      rows: [
        [
          '1. Siapkan',
          'Buka tepat waktu, formulir dan lembar persyaratan tersedia, ponsel pribadi disimpan, tanda pengenal terpasang.',
        ],
        ['2. Sambut', 'Salam dan senyum, sapa "Bapak/Ibu", kontak mata, persilakan duduk.'],
        [
          '3. Dengarkan dan periksa',
          'Jangan memotong; tegaskan kebutuhan; periksa berkas sekali dengan teliti dan sebut semua kekurangan sekaligus.',
        ],
        [
          '4. Proses dan jelaskan',
          'Ceritakan yang sedang dikerjakan dan berapa lama; bacakan data pribadi dengan pelan.',
        ],
        [
          '5. Tutup dan pastikan',
          'Ringkas hasil, beri tanda terima atau nomor registrasi, sebut tanggal selesai, tawarkan bantuan lain.',
        ],
      ],
    },
    { kind: 'heading', text: 'Model DENGAR untuk percakapan sulit' },
    {
      kind: 'checklist',
      items: [
        'D - Dengarkan tanpa memotong sampai warga selesai.',
        'E - Empati: "Saya mengerti Bapak kesal, sudah tiga kali datang ke sini."',
        'N - Nyatakan ulang: "Jadi masalahnya ... Betul, Pak?"',
        'G - Gali kebutuhan: "Dokumen ini diperlukan untuk apa, dan kapan paling lambat?"',
        'A - Ajukan langkah yang dapat dilakukan, pilihan, dan waktunya. Jangan menjanjikan di luar kewenangan.',
        'R - Rekam kesepakatan dan kontak warga, lalu tepati janji sampai tuntas.',
      ],
    },
    { kind: 'heading', text: 'Ganti kalimat ini' },
    {
      kind: 'table',
      widths: [1, 2],
      header: ['Hindari', 'Gunakan'],
      rows: [
        [
          '"Itu bukan urusan saya."',
          '"Ini ditangani rekan saya di loket 3. Mari saya antar dan saya jelaskan masalah Bapak."',
        ],
        [
          '"Sudah aturannya begitu."',
          '"Aturannya mensyaratkan surat pengantar. Saya jelaskan alasannya dan cara tercepat mendapatkannya."',
        ],
        [
          '"Sistemnya error."',
          '"Aplikasi sedang gangguan sejak pukul 10.00. Permohonan Ibu kami catat dan kami kabari paling lambat besok siang."',
        ],
        ['"Tenang, Bu!"', '"Saya ingin membantu menyelesaikan ini, Bu. Boleh saya lihat berkasnya?"'],
      ],
    },
    { kind: 'heading', text: 'Menyampaikan kabar buruk: empat bagian' },
    {
      kind: 'text',
      text: 'Keputusan yang jelas  >  alasan yang spesifik  >  apa yang masih mungkin  >  jalur bertanya atau mengadu (meja pengaduan, SP4N-LAPOR!).',
    },
    { kind: 'heading', text: 'Sebelum mengirim tulisan untuk warga' },
    {
      kind: 'checklist',
      items: [
        'Pokok pesan di kalimat pertama; judul menyebut isi.',
        'Kalimat pendek (sekitar 15-20 kata) dan aktif; singkatan dijelaskan.',
        'Syarat berupa daftar; tanggal ditulis lengkap dengan hari; biaya ditegaskan (Rp0 bila tidak dipungut biaya).',
        'Ada langkah berikutnya dan kontak: nomor registrasi, kanal resmi, jam layanan.',
      ],
    },
    {
      kind: 'note',
      text: 'Tawaran imbalan: "Terima kasih, Pak, tetapi kami tidak menerima apa pun. Berkas Bapak tetap kami proses sesuai antrean." Catat dan laporkan kepada atasan.',
    },
  ],
};

const ADUAN_WORKSHEET: Handout = {
  file: 'ADUAN-01/files/lembar-kerja-penanganan-pengaduan.pdf',
  course: 'ADUAN-01',
  partner: 'UINSU',
  title: 'Lembar Kerja Penanganan Pengaduan',
  subtitle: 'Satu lembar untuk satu pengaduan: catat, klasifikasikan, tindak lanjuti, tanggapi, dan tutup.',
  blocks: [
    { kind: 'heading', text: '1. Identitas pengaduan' },
    {
      kind: 'fields',
      labels: [
        'Nomor pengaduan / SP4N-LAPOR!',
        'Tanggal diterima',
        'Kanal (LAPOR!, SMS 1708, meja, telepon, media sosial)',
        'Tanggal berkas lengkap',
        'Jenis: pengaduan / aspirasi / permintaan informasi',
        'Pilihan pelapor: biasa / rahasia / anonim',
      ],
    },
    { kind: 'heading', text: '2. Isi pengaduan (5W1H)' },
    {
      kind: 'fields',
      labels: [
        'Apa: layanan dan masalahnya',
        'Kapan: tanggal pengajuan atau kejadian',
        'Di mana: unit, loket, atau lokasi',
        'Siapa: jabatan atau ciri pihak yang terlibat',
        'Mengapa: penyebab menurut pelapor',
        'Bagaimana: dampak dan harapan pelapor',
        'Nomor registrasi layanan dan bukti',
        'Kontak pelapor (simpan terpisah, rahasia)',
      ],
    },
    { kind: 'heading', text: '3. Klasifikasi dan tenggat' },
    {
      kind: 'text',
      text: 'Tanyakan berurutan dan berhenti pada jawaban "ya" yang pertama. Bila ada dua masalah dengan tingkat berbeda, pisahkan menjadi dua catatan.',
    },
    {
      kind: 'table',
      widths: [4, 5, 2],
      header: ['Pertanyaan', 'Tingkat', 'Batas'],
      rows: [
        [
          'Ada dugaan pelanggaran pegawai, pungutan liar, atau penyalahgunaan wewenang?',
          '4 - Pemeriksaan mendalam; libatkan Inspektorat, jaga kerahasiaan pelapor',
          '60 hari kerja*',
        ],
        [
          'Perlu periksa data, tinjau lapangan, atau koordinasi antarunit?',
          '3 - Tanpa substansi pengawasan',
          '14 hari kerja',
        ],
        ['Cukup merujuk ketentuan atau standar pelayanan?', '2 - Normatif', '5 hari kerja'],
        ['Selain itu (informasi, perbaikan kecil)', '1 - Ringan', '2 hari kerja'],
      ],
    },
    {
      kind: 'text',
      text: '* Tidak melampaui batas Perpres 76/2013: paling lambat 60 hari sejak berkas pengaduan lengkap. Hari kerja tidak termasuk Sabtu, Minggu, libur nasional, dan cuti bersama; hitung mulai hari kerja berikutnya setelah berkas lengkap.',
    },
    {
      kind: 'fields',
      labels: [
        'Tingkat yang ditetapkan',
        'Tanggal tenggat (tulis tanggalnya)',
        'Penanggung jawab',
        'Pengganti',
      ],
    },
    { kind: 'heading', text: '4. Catatan tindak lanjut' },
    {
      kind: 'table',
      widths: [2, 6, 3],
      header: ['Tanggal', 'Langkah yang dilakukan dan hasilnya', 'Oleh'],
      rows: Array.from({ length: 7 }, () => ['', '\n\n', '']),
    },
    { kind: 'heading', text: '5. Periksa tanggapan sebelum dikirim' },
    {
      kind: 'checklist',
      items: [
        'Tanggapan awal sudah dikirim secepatnya: diterima, tingkat, perkiraan tanggal selesai.',
        'Tanggapan akhir memuat: terima kasih, ringkasan masalah, hasil pemeriksaan, tindakan yang diambil, perbaikan ke depan, kontak.',
        'Tidak ada NIK, alamat, data kesehatan, atau nama pegawai yang diperiksa di tanggapan yang dapat dibaca publik.',
        'Tidak berbunyi "sudah diteruskan ke bidang terkait" tanpa tindakan dan tanggal.',
      ],
    },
    { kind: 'heading', text: '6. Penutupan' },
    {
      kind: 'checklist',
      items: [
        'Tindakan penyelesaian sudah dilakukan dan buktinya tersimpan, atau alasan hukum dan jalur yang masih tersedia sudah dijelaskan.',
        'Pelapor sudah menerima tanggapan akhir; tanggapan balik pelapor sudah dibaca.',
        'Penyebab sistemik dicatat untuk rekap triwulan dan usulan perbaikan layanan.',
      ],
    },
    {
      kind: 'note',
      text: 'Pelapor tetap tidak puas? Sampaikan dengan hormat bahwa ia dapat melapor kepada Ombudsman RI Perwakilan Sumatera Utara. Catatan yang rapi di lembar ini memudahkan instansi memberi keterangan.',
    },
  ],
};

const HANDOUTS: Handout[] = [LITDIG_CHECKLIST, KOMPEL_POCKET_CARD, ADUAN_WORKSHEET];

async function main(): Promise<void> {
  for (const handout of HANDOUTS) {
    const target = path.join(__dirname, handout.file);
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- fixed paths inside this folder
    await renderHandout(handout, fs.createWriteStream(target));
    console.log(`wrote ${handout.file}`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
