// HR's ZIP of certificates: every certificate of a filter (the same scoped filter as the list),
// streamed to the browser while it is built, with a manifest CSV inside. One PDF is read from
// GridFS at a time and the next waits while more than ~1 MB is queued for the client, so memory
// stays flat however many certificates the ZIP holds (npm run bench measures 1,000). PDFs are
// stored, not deflated (they are compressed already). Every person in it goes to the access log.
import type { Writable } from 'node:stream';
import yazl from 'yazl';
import type { Actor } from '../core/actor';
import type { AuditContext } from '../audit';
import { accessLog } from '../personal-data';
import { csvLine, csvNip } from '../web/spreadsheet-safety';
import { formatDateWib } from '../core/wib';
import { Certificate, type CertificateFields } from './certificate.model';
import type { CertificateContent } from './content';
import type { CertificateQuery } from './certificates.schemas';
import { fileNameOf, scopedFilter } from './certificates.service';
import { ensureFile, readFile } from './storage';

export const ZIP_LIMIT = 5000;
const HIGH_WATER = 1024 * 1024;

const MANIFEST_HEADER = [
  'Nomor',
  'Nama',
  'NIP',
  'OPD',
  'Pelatihan',
  'JP',
  'Tanggal terbit',
  'Status',
  'Berkas',
];

function queued(stream: NodeJS.ReadableStream & { readableLength?: number }): number {
  return stream.readableLength ?? 0;
}

async function drained(
  out: Writable,
  zipOut: NodeJS.ReadableStream & { readableLength?: number },
): Promise<void> {
  while (queued(zipOut) + out.writableLength > HIGH_WATER && !out.destroyed) {
    await new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.once('drain', done);
      out.once('close', done);
      setTimeout(done, 50);
    });
  }
}

/** Writes the ZIP of the filter's certificates to `out`; returns how many it holds. */
export async function writeZip(
  actor: Actor,
  query: CertificateQuery,
  out: Writable,
  context: AuditContext = {},
): Promise<number> {
  const filter = await scopedFilter(actor, query);
  const zip = new yazl.ZipFile();
  zip.outputStream.pipe(out);
  const manifest = [csvLine(MANIFEST_HEADER)];
  const people = new Set<string>();
  const names = new Set<string>();
  let count = 0;
  const cursor = Certificate.find(filter)
    .select('number issuedAt status person content file')
    .sort({ issuedAt: -1, _id: -1 })
    .limit(ZIP_LIMIT)
    .lean()
    .cursor();
  try {
    for await (const c of cursor as AsyncIterable<CertificateFields & { _id: unknown }>) {
      if (out.destroyed) break;
      const content = c.content as CertificateContent;
      const file = c.file ?? (await ensureFile(String(c._id)));
      if (!file) continue;
      let name = fileNameOf(c.number, content.person.name);
      if (names.has(name)) name = name.replace(/\.pdf$/, `-${count + 1}.pdf`);
      names.add(name);
      zip.addBuffer(await readFile(file.id), name, { compress: false, mtime: c.issuedAt });
      manifest.push(
        csvLine([
          c.number,
          content.person.name,
          csvNip(content.person.nip),
          content.person.opd.name,
          content.course.title,
          content.jp,
          formatDateWib(c.issuedAt, 'id'),
          c.status === 'revoked' ? 'dicabut' : 'sah',
          name,
        ]),
      );
      people.add(String(c.person));
      count++;
      await drained(out, zip.outputStream as NodeJS.ReadableStream & { readableLength?: number });
    }
    zip.addBuffer(Buffer.from('\uFEFF' + manifest.join('\r\n') + '\r\n', 'utf8'), 'manifest.csv');
    zip.end();
  } finally {
    await accessLog.record(actor, [...people], 'download', `ZIP sertifikat (${count})`, context);
  }
  return count;
}
