// zod schema of the audit-log filter form (a GET query): bad values are ignored, unknown keys refused.
import { z } from 'zod';
import { optionalWibDay, searchText } from '../web/validation';

const day = optionalWibDay;

const text = searchText(100);

export const auditQuery = z
  .object({
    actor: text,
    action: text,
    target: text,
    from: day,
    to: day,
    page: z.coerce.number().int().min(1).max(100000).catch(1).optional(),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuery>;
