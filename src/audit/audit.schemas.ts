// zod schema of the audit-log filter form (a GET query): bad values are ignored, unknown keys refused.
import { z } from 'zod';
import { optionalWibDay } from '../web/validation';

const day = optionalWibDay;

const text = z.string().trim().max(100).optional().catch(undefined);

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
