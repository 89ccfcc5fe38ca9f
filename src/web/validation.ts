// Parsing input at the edge: zod schemas (`.strict()`) turn form bodies into typed data, or into
// a message key per field so the form can be shown again with the message next to each field.
import { z } from 'zod';

export type FieldErrors = Record<string, string>;
export type ParseResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/**
 * Message keys: a schema may name its own key as the issue message (`z.string().min(1, 'auth.x')`);
 * otherwise a generic key for the issue kind is used (`validation.required`, `validation.tooLong`, ...).
 */
function messageKeyOf(issue: z.core.$ZodIssue): string {
  if (
    issue.message &&
    issue.message.includes('.') &&
    !/[\s]/.test(issue.message) &&
    !issue.message.endsWith('.')
  )
    return issue.message;
  switch (issue.code) {
    case 'too_small':
      return issue.minimum === 1 && issue.origin === 'string'
        ? 'common.validation.required'
        : 'common.validation.tooShort';
    case 'too_big':
      return 'common.validation.tooLong';
    case 'invalid_format':
      return issue.format === 'email' ? 'common.validation.email' : 'common.validation.format';
    case 'unrecognized_keys':
      return 'common.validation.unexpectedField';
    case 'invalid_type':
      return issue.input === undefined ? 'common.validation.required' : 'common.validation.invalid';
    default:
      return 'common.validation.invalid';
  }
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.infer<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.code === 'unrecognized_keys' ? '_form' : issue.path.map(String).join('.') || '_form';
    if (!(field in errors)) errors[field] = messageKeyOf(issue);
  }
  return { ok: false, errors };
}

/** A text field from a form: trimmed, with an empty string meaning "not given". */
export const formText = (max = 200) => z.string().trim().max(max);

/** An optional calendar day (YYYY-MM-DD, read in WIB) in a GET filter form: a bad value is ignored. */
export const optionalWibDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00+07:00`)))
  .optional()
  .catch(undefined);
