import { z } from 'zod';
import { parseInput } from '../../src/web/validation';
import { safeReturnTo } from '../../src/auth/guards';
import { BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, TooManyRequests, ValidationFailed } from '../../src/web/errors';
import { readCatalogs } from '../../src/web/i18n';

describe('parsing form input', () => {
  const schema = z.object({ name: z.string().trim().min(1), email: z.email(), age: z.coerce.number().max(99, 'people.ageTooHigh') }).strict();

  it('returns typed data when the input is valid', () => {
    expect(parseInput(schema, { name: ' Budi ', email: 'budi@medan.go.id', age: '40' })).toEqual({ ok: true, data: { name: 'Budi', email: 'budi@medan.go.id', age: 40 } });
  });

  it('returns one message key per field, the schema’s own key first', () => {
    expect(parseInput(schema, { name: '', email: 'nope', age: '120' })).toEqual({
      ok: false,
      errors: { name: 'common.validation.required', email: 'common.validation.email', age: 'people.ageTooHigh' },
    });
  });

  it('rejects fields the form does not have', () => {
    expect(parseInput(schema, { name: 'Budi', email: 'budi@medan.go.id', age: '40', roles: 'admin' })).toEqual({ ok: false, errors: { _form: 'common.validation.unexpectedField' } });
  });
});

describe('return-to targets', () => {
  it.each([
    ['/admin/users?page=2', '/admin/users?page=2'],
    ['https://evil.example/', '/'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['/ok\r\nSet-Cookie: x=1', '/'],
    [undefined, '/'],
    [['/a'], '/'],
  ])('keeps %p as %p', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });
});

describe('errors with a meaning', () => {
  it('carry their HTTP status', () => {
    expect([new BadRequest(), new Forbidden(), new NotFound('course'), new Conflict(), new PayloadTooLarge(), new ValidationFailed({ a: 'b' }), new TooManyRequests()].map((e) => e.status)).toEqual([
      400, 403, 404, 409, 413, 422, 429,
    ]);
    expect(new ValidationFailed({ email: 'users.emailTaken' }).fieldErrors).toEqual({ email: 'users.emailTaken' });
  });
});

describe('message catalogs', () => {
  const keysOf = (value: unknown, prefix = ''): string[] =>
    value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k)) : [prefix];

  it('have the same keys in Bahasa Indonesia and English', () => {
    const catalogs = readCatalogs();
    expect(keysOf(catalogs.en).sort()).toEqual(keysOf(catalogs.id).sort());
  });
});
