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
