// Parsing input at the edge: zod schemas (`.strict()`) turn form bodies into typed data, or into
// a message key per field so the form can be shown again with the message next to each field.
import type { Request } from 'express';
import { z } from 'zod';
import { isCalendarDay } from '../core/wib';
import { BadRequest, HttpError, NotFound } from './errors';

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

/** A form's own fields: the CSRF token every form carries is checked by the CSRF middleware and dropped here. */
export function formFields(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const { _csrf: _ignored, ...fields } = body as Record<string, unknown>;
  return fields;
}

/** Parses a form body (without its CSRF token) or any other input with a `.strict()` schema. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.infer<S>> {
  const result = schema.safeParse(formFields(input));
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.code === 'unrecognized_keys' ? '_form' : issue.path.map(String).join('.') || '_form';
    if (!(field in errors)) errors[field] = messageKeyOf(issue);
  }
  return { ok: false, errors };
}

/**
 * Control characters (C0 but tab, DEL, C1): no one types them in a search box, and a NUL byte in
 * a text that becomes a regular expression cannot even be sent to the database.
 */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/;
export const CONTROL_CHARACTERS_KEY = 'common.validation.controlCharacters';

export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}

/**
 * A free-text search field of a GET filter form: trimmed; too long or repeated (`?q=a&q=b`) is
 * ignored, but control characters are refused (400 with a message saying so, from parseQuery).
 */
export const searchText = (max = 100) =>
  z
    .unknown()
    .transform((v) => (typeof v === 'string' ? v : undefined))
    .refine((v) => v === undefined || !hasControlCharacters(v), CONTROL_CHARACTERS_KEY)
    .transform((v) => {
      const trimmed = v?.trim();
      return trimmed && trimmed.length <= max ? trimmed : undefined;
    })
    .optional();

/**
 * A query string parsed by a schema; one that does not parse is a 400 (a hand-made URL), whose
 * message says so when the reason is a control character in a search field.
 */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const isControl = parsed.error.issues.some((issue) => issue.message === CONTROL_CHARACTERS_KEY);
  throw new BadRequest(isControl ? CONTROL_CHARACTERS_KEY : 'errors.badRequest');
}

/** A MongoDB ObjectId as 24 hex digits. */
const objectId = z.string().regex(/^[0-9a-f]{24}$/i);

/** The `:id` of a route; a malformed id answers exactly like a missing one (404, `what` for logs). */
export function idParam(req: Request, what: string): string {
  const parsed = objectId.safeParse(req.params.id);
  if (!parsed.success) throw new NotFound(what);
  return parsed.data.toLowerCase();
}

/** A page number of a list: a bad value shows the first page. */
export const pageNumber = z.coerce.number().int().min(1).max(100000).catch(1);

/** An optional calendar day (YYYY-MM-DD, read in WIB) in a GET filter form: a bad value is ignored. */
export const optionalWibDay = z.string().refine(isCalendarDay).optional().catch(undefined);

/**
 * Runs a form's save; when it fails with field messages (ValidationFailed, DuplicateKey), the form
 * is shown again with them (`rerender(status, fieldErrors)`) instead of the error page.
 */
export async function saveOrRerender(
  save: () => Promise<unknown>,
  rerender: (status: number, fieldErrors: FieldErrors) => unknown,
): Promise<void> {
  try {
    await save();
  } catch (error) {
    const fieldErrors =
      error instanceof HttpError ? (error as { fieldErrors?: FieldErrors }).fieldErrors : undefined;
    if (!fieldErrors) throw error;
    await rerender((error as HttpError).status, fieldErrors);
  }
}

/** The values of a parsed filter form as the form shows them again: each named field, '' when not given. */
export function filterValues<K extends string>(
  data: Partial<Record<K, unknown>>,
  keys: readonly K[],
): Record<K, string> {
  return Object.fromEntries(keys.map((k) => [k, data[k] === undefined ? '' : String(data[k])])) as Record<
    K,
    string
  >;
}
