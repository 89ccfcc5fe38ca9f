// zod schemas of the access-log query (a GET form): bad dates are ignored, unknown keys refused.
import { z } from 'zod';
import { optionalWibDay } from '../web/validation';

const day = optionalWibDay;

export const accessQuery = z
  .object({
    akun: z.string().trim().max(254).optional().catch(undefined),
    dari: day,
    sampai: day,
  })
  .strict();
export type AccessQueryInput = z.infer<typeof accessQuery>;

const DAY_MS = 86_400_000;

/** The start of a calendar day in WIB (Asia/Jakarta, UTC+7), as stored UTC. */
export function startOfDayWib(day: string): Date {
  return new Date(`${day}T00:00:00+07:00`);
}

/** The exclusive end of a calendar day in WIB: the start of the next one. */
export function endOfDayWib(day: string): Date {
  return new Date(startOfDayWib(day).getTime() + DAY_MS);
}
