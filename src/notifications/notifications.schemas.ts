// The notification settings form: one checkbox per kind (a checked box sends its name).
import { z } from 'zod';
import { NOTICE_KINDS } from './notification-preference.model';

const kind = z.enum(NOTICE_KINDS);

export const preferencesForm = z
  .object({ on: z.union([kind, z.array(kind).max(NOTICE_KINDS.length)]).optional() })
  .strict()
  .transform((v) => (v.on === undefined ? [] : Array.isArray(v.on) ? v.on : [v.on]));
