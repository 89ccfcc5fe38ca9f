// Certificate numbers: the pattern (`800/{seq}/BKPSDM/{year}`) filled with the gap-free sequence of
// the WIB year of issue. The counter is bumped inside the issuing transaction, so a completion that
// rolls back takes its number back with it, and concurrent completions queue on the counter document.
import type { ClientSession } from 'mongoose';
import { CertificateCounter } from './certificate.model';

export function formatNumber(pattern: string, seq: number, year: number): string {
  return pattern
    .replace(/\{seq(?::(\d))?\}/g, (_m, width?: string) => String(seq).padStart(Number(width ?? 0), '0'))
    .replace(/\{year\}/g, String(year));
}

/** The next number of the year, taken in the caller's transaction. */
export async function nextSequence(year: number, session?: ClientSession): Promise<number> {
  const counter = await CertificateCounter.findOneAndUpdate(
    { _id: String(year) },
    { $inc: { seq: 1 } },
    { upsert: true, new: true, session: session ?? null },
  ).lean();
  return counter!.seq;
}
