// zod schemas of the access-log query (a GET form): bad dates are ignored, unknown keys refused.
import { z } from 'zod';
import { optionalWibDay, searchText } from '../web/validation';

const day = optionalWibDay;

export const accessQuery = z
  .object({
    akun: searchText(254),
    dari: day,
    sampai: day,
  })
  .strict();
export type AccessQueryInput = z.infer<typeof accessQuery>;
