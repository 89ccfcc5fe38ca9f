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

describe('every literal translation key in the code and views', () => {
  it('exists in both languages', () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const path = require('node:path') as typeof import('node:path');
    const root = path.join(__dirname, '../..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory() && entry.name !== 'embedded') walk(full);
        else if (/\.(ts|ejs)$/.test(entry.name)) files.push(full);
      }
    };
    walk(path.join(root, 'src'));
    walk(path.join(root, 'views'));
    const catalogs = readCatalogs();
    const lookup = (lang: 'id' | 'en', key: string) =>
      key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), catalogs[lang]);
    // Plural keys exist as key_one / key_other.
    const has = (lang: 'id' | 'en', key: string) => lookup(lang, key) !== undefined || lookup(lang, `${key}_other`) !== undefined;
    const missing: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\('([\w.-]+)'/g)) {
        if (!match[1].includes('.') || match[1].endsWith('.')) continue; // 'x.kinds.' + kind is dynamic
        for (const lang of ['id', 'en'] as const) if (!has(lang, match[1])) missing.push(`${path.relative(root, file)}: ${lang} ${match[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
